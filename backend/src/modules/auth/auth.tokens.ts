import { hkdfSync } from 'node:crypto';
import { DeviceId, FileId, UserId } from '@teleplay/contracts';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { authErrors } from './auth.errors.ts';
import type { Clock } from './auth.ports.ts';

const ISSUER = 'teleplay';
/** Audiences keep the two token kinds apart; each kind is also signed with its own derived key. */
export const ACCESS_TOKEN_AUDIENCE = 'teleplay:access';
export const MEDIA_TOKEN_AUDIENCE = 'teleplay:media';
const ALGORITHM = 'HS256';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const MAX_MEDIA_TOKEN_TTL_SECONDS = 24 * 60 * 60;
export const MIN_AUTH_SECRET_LENGTH = 32;

export const MediaPurpose = z.enum(['stream', 'download', 'thumbnail']);
export type MediaPurpose = z.infer<typeof MediaPurpose>;

/** Who an access token speaks for. `tokenId` is the token's `jti`. */
export interface AccessTokenClaims {
  userId: UserId;
  deviceId: DeviceId;
  tokenId: string;
}

export interface MediaTokenClaims {
  userId: UserId;
  fileId: FileId;
  purpose: MediaPurpose;
  expiresAt: Date;
}

export interface SignedToken {
  token: string;
  expiresAt: Date;
}

export interface TokenSigner {
  signAccessToken(claims: AccessTokenClaims): Promise<SignedToken>;
  /** Throws `unauthorized` (reason `token_expired` or `invalid_token`) for anything but a valid token. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /** A token for a media URL bound to one user, one file and one purpose (players cannot send headers). */
  signMediaToken(request: {
    userId: UserId;
    fileId: FileId;
    purpose: MediaPurpose;
    ttlSeconds: number;
  }): Promise<SignedToken>;
  /** Throws `invalid_media_token` unless the token is valid for exactly this file and purpose. */
  verifyMediaToken(
    token: string,
    expected: { fileId: FileId; purpose: MediaPurpose },
  ): Promise<MediaTokenClaims>;
}

const AccessPayload = z.object({ sub: UserId, did: DeviceId, jti: z.string().min(1) });
const MediaPayload = z.object({ sub: UserId, fid: FileId, pur: MediaPurpose, exp: z.number() });

/** Separate keys per token kind from one configured secret (HKDF-SHA256). */
function deriveKey(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'teleplay-auth', purpose, 32));
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function createTokenSigner(options: {
  secret: string;
  clock: Clock;
  accessTokenTtlSeconds?: number;
}): TokenSigner {
  if (options.secret.length < MIN_AUTH_SECRET_LENGTH)
    throw new RangeError(`the auth secret must have at least ${MIN_AUTH_SECRET_LENGTH} characters`);
  const accessKey = deriveKey(options.secret, 'access-token-v1');
  const mediaKey = deriveKey(options.secret, 'media-token-v1');
  const { clock } = options;
  const accessTtl = options.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS;

  const sign = async (
    payload: JWTPayload,
    subject: string,
    audience: string,
    ttlSeconds: number,
    key: Uint8Array,
  ) => {
    const issuedAt = epochSeconds(clock.now());
    const expiresAt = issuedAt + ttlSeconds;
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setSubject(subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  };

  // Only HS256 with our key, issuer and audience passes: `alg: none`, other algorithms, tampered
  // signatures and tokens of the other kind all fail here.
  const verify = (token: string, audience: string, key: Uint8Array) =>
    jwtVerify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER, audience, currentDate: clock.now() });

  return {
    signAccessToken: ({ userId, deviceId, tokenId }) =>
      sign({ did: deviceId, jti: tokenId }, userId, ACCESS_TOKEN_AUDIENCE, accessTtl, accessKey),

    async verifyAccessToken(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await verify(token, ACCESS_TOKEN_AUDIENCE, accessKey));
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw authErrors.unauthorized('token_expired');
        if (error instanceof errors.JOSEError) throw authErrors.unauthorized('invalid_token');
        throw error;
      }
      const claims = AccessPayload.safeParse(payload);
      if (!claims.success) throw authErrors.unauthorized('invalid_token');
      return { userId: claims.data.sub, deviceId: claims.data.did, tokenId: claims.data.jti };
    },

    signMediaToken({ userId, fileId, purpose, ttlSeconds }) {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_MEDIA_TOKEN_TTL_SECONDS)
        throw new RangeError(`a media token lives 1 to ${MAX_MEDIA_TOKEN_TTL_SECONDS} whole seconds`);
      return sign({ fid: fileId, pur: purpose }, userId, MEDIA_TOKEN_AUDIENCE, ttlSeconds, mediaKey);
    },

    async verifyMediaToken(token, expected) {
      let payload: JWTPayload;
      try {
        ({ payload } = await verify(token, MEDIA_TOKEN_AUDIENCE, mediaKey));
      } catch (error) {
        if (error instanceof errors.JOSEError) throw authErrors.invalidMediaToken();
        throw error;
      }
      const claims = MediaPayload.safeParse(payload);
      if (!claims.success || claims.data.fid !== expected.fileId || claims.data.pur !== expected.purpose)
        throw authErrors.invalidMediaToken();
      return {
        userId: claims.data.sub,
        fileId: claims.data.fid,
        purpose: claims.data.pur,
        expiresAt: new Date(claims.data.exp * 1000),
      };
    },
  };
}
