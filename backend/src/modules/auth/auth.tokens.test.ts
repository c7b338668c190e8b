import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { AuthError } from './auth.errors.ts';
import { FakeClock } from './auth.testing.ts';
import { ACCESS_TOKEN_AUDIENCE, createTokenSigner } from './auth.tokens.ts';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const FILE = '5d1c7a4e-3b2f-4c1d-9e8f-7a6b5c4d3e2f';
const OTHER_FILE = '0f1e2d3c-4b5a-4968-8776-655443322110';
const claims = { userId: '123456', deviceId: 'device-1', tokenId: 'token-1' };

const setup = () => {
  const clock = new FakeClock();
  return { clock, signer: createTokenSigner({ secret: SECRET, clock }) };
};

/** The error a promise rejects with, for asserting its code and details. */
async function failure(promise: Promise<unknown>): Promise<AuthError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: AuthError) => error,
  );
}

const unauthorized = (reason: string) => ({ statusCode: 401, code: 'unauthorized', details: { reason } });

describe('access tokens', () => {
  it('carry the user, the device and a token id, for 15 minutes', async () => {
    const { clock, signer } = setup();
    const { token, expiresAt } = await signer.signAccessToken(claims);
    expect(await signer.verifyAccessToken(token)).toEqual(claims);
    expect(expiresAt.getTime() - clock.now().getTime()).toBe(15 * 60 * 1000);
  });

  it('expire', async () => {
    const { clock, signer } = setup();
    const { token } = await signer.signAccessToken(claims);
    clock.advance(15 * 60 * 1000 - 1000);
    await expect(signer.verifyAccessToken(token)).resolves.toEqual(claims);
    clock.advance(1000);
    expect(await failure(signer.verifyAccessToken(token))).toMatchObject(unauthorized('token_expired'));
  });

  it('refuse a tampered payload', async () => {
    const { signer } = setup();
    const [header, payload, signature] = (await signer.signAccessToken(claims)).token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: '999' }),
    ).toString('base64url');
    expect(await failure(signer.verifyAccessToken(`${header}.${forged}.${signature}`))).toMatchObject(
      unauthorized('invalid_token'),
    );
  });

  it('refuse a token signed with another secret', async () => {
    const { clock } = setup();
    const other = createTokenSigner({ secret: `${SECRET}-other`, clock });
    const { token } = await other.signAccessToken(claims);
    expect(await failure(setup().signer.verifyAccessToken(token))).toMatchObject(
      unauthorized('invalid_token'),
    );
  });

  it('refuse alg "none"', async () => {
    const { clock, signer } = setup();
    const now = Math.floor(clock.now().getTime() / 1000);
    const unsigned = new UnsecuredJWT({ did: claims.deviceId, jti: claims.tokenId })
      .setSubject(claims.userId)
      .setIssuer('teleplay')
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .encode();
    expect(await failure(signer.verifyAccessToken(unsigned))).toMatchObject(unauthorized('invalid_token'));
  });

  it('refuse another algorithm', async () => {
    const { clock, signer } = setup();
    const token = await new SignJWT({ did: claims.deviceId, jti: claims.tokenId })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject(claims.userId)
      .setIssuer('teleplay')
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setExpirationTime(Math.floor(clock.now().getTime() / 1000) + 60)
      .sign(new TextEncoder().encode(SECRET.repeat(2)));
    expect(await failure(signer.verifyAccessToken(token))).toMatchObject(unauthorized('invalid_token'));
  });

  it.each(['', 'not-a-jwt', 'a.b.c', 'ey.ey.ey'])('refuse garbage %j', async (token) => {
    expect(await failure(setup().signer.verifyAccessToken(token))).toMatchObject(
      unauthorized('invalid_token'),
    );
  });

  it('refuse a media token (another audience and key)', async () => {
    const { signer } = setup();
    const media = await signer.signMediaToken({
      userId: '123456',
      fileId: FILE,
      purpose: 'stream',
      ttlSeconds: 60,
    });
    expect(await failure(signer.verifyAccessToken(media.token))).toMatchObject(unauthorized('invalid_token'));
  });

  it('need a secret of at least 32 characters', () => {
    expect(() => createTokenSigner({ secret: 'short', clock: new FakeClock() })).toThrow(RangeError);
  });
});

describe('media tokens', () => {
  const request = { userId: '123456', fileId: FILE, purpose: 'stream' as const, ttlSeconds: 600 };

  it('are bound to a user, a file and a purpose', async () => {
    const { clock, signer } = setup();
    const { token, expiresAt } = await signer.signMediaToken(request);
    expect(await signer.verifyMediaToken(token, { fileId: FILE, purpose: 'stream' })).toEqual({
      userId: '123456',
      fileId: FILE,
      purpose: 'stream',
      expiresAt,
    });
    expect(expiresAt.getTime() - clock.now().getTime()).toBe(600_000);
  });

  it('refuse another file or purpose', async () => {
    const { signer } = setup();
    const { token } = await signer.signMediaToken(request);
    expect(
      await failure(signer.verifyMediaToken(token, { fileId: OTHER_FILE, purpose: 'stream' })),
    ).toMatchObject({
      code: 'invalid_media_token',
    });
    expect(
      await failure(signer.verifyMediaToken(token, { fileId: FILE, purpose: 'download' })),
    ).toMatchObject({
      code: 'invalid_media_token',
    });
  });

  it('expire', async () => {
    const { clock, signer } = setup();
    const { token } = await signer.signMediaToken(request);
    clock.advance(600_000);
    expect(await failure(signer.verifyMediaToken(token, { fileId: FILE, purpose: 'stream' }))).toMatchObject({
      statusCode: 401,
      code: 'invalid_media_token',
    });
  });

  it('refuse an access token', async () => {
    const { signer } = setup();
    const { token } = await signer.signAccessToken(claims);
    expect(await failure(signer.verifyMediaToken(token, { fileId: FILE, purpose: 'stream' }))).toMatchObject({
      code: 'invalid_media_token',
    });
  });

  it.each([0, -1, 1.5, 24 * 60 * 60 + 1])('refuse to live %j seconds', async (ttlSeconds) => {
    expect(() => setup().signer.signMediaToken({ ...request, ttlSeconds })).toThrow(RangeError);
  });
});
