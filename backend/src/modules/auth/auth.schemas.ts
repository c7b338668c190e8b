import { DeviceId, DeviceKind, Timestamp, UserId } from '@teleplay/contracts';
import { z } from 'zod';
import { LOGIN_CODE_PATTERN, LOGIN_START_PREFIX } from './auth.credentials.ts';

export const DEVICE_NAME_MAX_LENGTH = 64;
// Bearer secrets are 43 base64url characters; anything much longer is not one of ours.
const BearerSecret = z.string().min(1).max(256);

export const DeviceName = z
  .string()
  .trim()
  .min(1)
  .max(DEVICE_NAME_MAX_LENGTH)
  .regex(/^\P{Cc}*$/u, 'no control characters')
  .refine((name) => name.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)')
  .describe('shown in the device list and in the bot\'s confirmation, e.g. "Living room TV"');

const LoginCode = z.string().regex(LOGIN_CODE_PATTERN, 'six digits');

export const GenerateLoginCodeRequest = z
  .object({ deviceName: DeviceName, deviceKind: DeviceKind })
  .meta({ id: 'GenerateLoginCodeRequest' });

export const GeneratedLoginCode = z
  .object({
    code: LoginCode.describe('show it: the user sends `/login CODE` to the bot'),
    secret: z.string().describe('keep it, never show it: poll `/api/auth/code/verify` with it'),
    expiresAt: Timestamp,
  })
  .meta({ id: 'GeneratedLoginCode' });

export const PollLoginCodeRequest = z
  .object({ code: LoginCode, secret: BearerSecret })
  .meta({ id: 'PollLoginCodeRequest' });

export const AuthTokens = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string().describe('send as `Authorization: Bearer <token>`; lives 15 minutes'),
    accessTokenExpiresAt: Timestamp,
    refreshToken: z.string().describe('single use: `/api/auth/refresh` returns the next one'),
    refreshTokenExpiresAt: Timestamp,
    userId: UserId,
    deviceId: DeviceId,
  })
  .meta({ id: 'AuthTokens' });

export const LoginCodePoll = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('pending'), expiresAt: Timestamp }),
    z.object({ status: z.literal('approved'), tokens: AuthTokens }),
    z
      .object({ status: z.literal('expired') })
      .describe('expired, locked or already used: generate a new code'),
  ])
  .meta({ id: 'LoginCodePoll' });

export const RefreshRequest = z.object({ refreshToken: BearerSecret }).meta({ id: 'RefreshRequest' });

export const WebLoginRequest = z
  .object({
    token: BearerSecret.describe('from the link the bot sent for `/web`'),
    deviceName: DeviceName.optional(),
  })
  .meta({ id: 'WebLoginRequest' });

export const CurrentSession = z
  .object({
    user: z.object({ id: UserId, firstName: z.string() }),
    device: z.object({ id: DeviceId, name: z.string(), kind: DeviceKind, signedInAt: Timestamp }),
  })
  .meta({ id: 'CurrentSession' });

export const BotInfo = z
  .object({
    username: z.string(),
    deepLinkBase: z.string().describe('opens a chat with the bot, e.g. `https://t.me/teleplay_bot`'),
    loginStartPrefix: z
      .literal(LOGIN_START_PREFIX)
      .describe('log in by link: `{deepLinkBase}?start={loginStartPrefix}{code}`'),
  })
  .meta({ id: 'BotInfo' });
