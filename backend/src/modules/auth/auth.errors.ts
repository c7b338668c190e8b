import { ApiError } from '../../plugins/errors.plugin.ts';

export type AuthErrorCode =
  | 'unauthorized'
  | 'user_not_allowed'
  | 'too_many_attempts'
  | 'invalid_login_secret'
  | 'login_code_not_found'
  | 'login_code_expired'
  | 'login_code_used'
  | 'login_codes_exhausted'
  | 'invalid_web_login_link'
  | 'web_login_link_expired'
  | 'web_login_link_used'
  | 'invalid_refresh_token'
  | 'refresh_token_reused'
  | 'invalid_media_token';

/** Why an access token was not accepted: sent as `details.reason` of a 401 `unauthorized`. */
export type UnauthorizedReason = 'missing_token' | 'invalid_token' | 'token_expired' | 'session_revoked';

/** A refusal of the auth module. The bot branches on `code`; HTTP sends it as the error shape. */
export class AuthError extends ApiError {
  override readonly name = 'AuthError';
  declare readonly code: AuthErrorCode;
}

const unauthorizedMessages: Record<UnauthorizedReason, string> = {
  missing_token: 'sign in first: send an access token as "Authorization: Bearer <token>"',
  invalid_token: 'the access token is not valid',
  token_expired: 'the access token has expired: refresh it',
  session_revoked: 'this device was signed out: sign in again',
};

const authError = (
  statusCode: number,
  code: AuthErrorCode,
  message: string,
  options?: { details?: unknown; headers?: Record<string, string> },
) => new AuthError(statusCode, code, message, options);

export const authErrors = {
  unauthorized: (reason: UnauthorizedReason) =>
    authError(401, 'unauthorized', unauthorizedMessages[reason], { details: { reason } }),
  userNotAllowed: () =>
    authError(403, 'user_not_allowed', 'this Telegram account is not allowed to use this Teleplay instance'),
  tooManyAttempts: (retryAfterSeconds: number) =>
    authError(429, 'too_many_attempts', `too many failed attempts: retry in ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds },
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  invalidLoginSecret: () =>
    authError(401, 'invalid_login_secret', 'no login code matches this code and secret'),
  loginCodeNotFound: () => authError(404, 'login_code_not_found', 'no device is waiting with this code'),
  loginCodeExpired: () =>
    authError(410, 'login_code_expired', 'this login code has expired: ask the device for a new one'),
  loginCodeUsed: () => authError(409, 'login_code_used', 'this login code was already used'),
  loginCodesExhausted: () =>
    authError(503, 'login_codes_exhausted', 'no free login code right now: try again in a minute'),
  invalidWebLoginLink: () => authError(401, 'invalid_web_login_link', 'this login link is not valid'),
  webLoginLinkExpired: () =>
    authError(401, 'web_login_link_expired', 'this login link has expired: send /web to the bot again'),
  webLoginLinkUsed: () =>
    authError(401, 'web_login_link_used', 'this login link was already used: send /web to the bot again'),
  invalidRefreshToken: () =>
    authError(401, 'invalid_refresh_token', 'the refresh token is not valid: sign in again'),
  refreshTokenReused: () =>
    authError(
      401,
      'refresh_token_reused',
      'this refresh token was already used: the session was signed out for safety, sign in again',
    ),
  invalidMediaToken: () =>
    authError(401, 'invalid_media_token', 'the media link is not valid or has expired'),
};
