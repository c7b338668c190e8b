import { createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { UnsecuredJWT } from 'jose';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refuse } from '../../commands/domain-error.ts';
import { errorsPlugin } from '../../plugins/errors.plugin.ts';
import { securityPlugin } from '../../plugins/security.plugin.ts';
import { migrateAuth } from './auth.migrations.ts';
import { authPlugin } from './auth.plugin.ts';
import { type AuthRateLimits, authRoutes, type BotInfoProvider } from './auth.routes.ts';
import { type AuthLimits, type AuthTokens, createAuthService } from './auth.service.ts';
import { FakeClock, RecordingDeviceSessions, RecordingLog } from './auth.testing.ts';
import { ACCESS_TOKEN_AUDIENCE } from './auth.tokens.ts';

const SECRET = 'integration-test-secret-0123456789-abcdefghij';
const ALICE = '1001';
const BOB = '1002';
const FILE = '5d1c7a4e-3b2f-4c1d-9e8f-7a6b5c4d3e2f';
const MINUTE = 60_000;

let pool: pg.Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabase('auth');
  drop = database.drop;
  pool = createPool(database.url, { max: 5 });
  await migrateAuth(pool);
});

afterAll(async () => {
  await pool.end();
  await drop();
});

let addressCounter = 0;
/** Each test speaks from its own address so that per-address limits never leak between tests. */
const newAddress = () => `10.0.${Math.floor(++addressCounter / 250)}.${addressCounter % 250}`;

interface Setup {
  allowedUsers?: string[];
  limits?: Partial<AuthLimits>;
  rateLimits?: Partial<AuthRateLimits>;
  botInfo?: BotInfoProvider;
  clock?: FakeClock;
  sessions?: RecordingDeviceSessions;
}

async function setup(options: Setup = {}) {
  const clock = options.clock ?? new FakeClock();
  const sessions = options.sessions ?? new RecordingDeviceSessions();
  const log = new RecordingLog();
  const auth = createAuthService({
    pool,
    secret: SECRET,
    allowedUsers: options.allowedUsers ?? [],
    deviceSessions: sessions,
    log,
    clock,
    limits: options.limits,
  });
  const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorsPlugin);
  await app.register(securityPlugin, { corsOrigins: ['https://app.example'] });
  await app.register(authPlugin, { authenticator: auth });
  await app.register(authRoutes, {
    auth,
    botInfo:
      options.botInfo ??
      (async () => ({ username: 'teleplay_bot', deepLinkBase: 'https://t.me/teleplay_bot' })),
    rateLimits: options.rateLimits,
  });
  // Routes that fail in the ways the error plugin must shape.
  app.get('/test/crash', async () => {
    throw new Error('secret internals at /srv/teleplay');
  });
  app.get('/test/refusal', async () => {
    throw refuse('file_in_trash', 'conflict', 'file x is in the trash');
  });
  await app.ready();

  const address = newAddress();
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload: body as object, headers, remoteAddress: address });
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers, remoteAddress: address });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  const generate = async (deviceName = 'Living room TV', deviceKind = 'tv') => {
    const response = await post('/api/auth/code/generate', { deviceName, deviceKind });
    expect(response.statusCode).toBe(200);
    return response.json() as { code: string; secret: string; expiresAt: string };
  };
  const poll = (code: string, secret: string) => post('/api/auth/code/verify', { code, secret });

  /** The whole device login: generate, the bot confirms, the device collects its tokens. */
  const signIn = async (userId = ALICE, firstName = 'Alice'): Promise<AuthTokens> => {
    const { code, secret } = await generate();
    await auth.confirmLoginCode({ code, userId, firstName });
    const response = await poll(code, secret);
    expect(response.json()).toMatchObject({ status: 'approved' });
    return response.json().tokens;
  };
  const refresh = (refreshToken: string) => post('/api/auth/refresh', { refreshToken });

  return { app, auth, clock, sessions, log, address, post, get, bearer, generate, poll, signIn, refresh };
}

async function sessionsWaitingOnLocks(): Promise<number> {
  const { rows } = await pool.query<{ waiting: number }>(
    `select count(*)::int as waiting from pg_stat_activity
     where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return rows[0]!.waiting;
}

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the condition never came true');
}

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; statusCode: number }> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: { code: string; statusCode: number }) => error,
  );
}

const errorBody = (code: string) => ({
  error: expect.objectContaining({ code, message: expect.any(String) }),
});

describe('device login with a code', () => {
  it('goes generate → pending → the bot confirms → approved with tokens, once', async () => {
    const { auth, sessions, generate, poll, get, bearer } = await setup();
    const { code, secret, expiresAt } = await generate('Living room TV', 'tv');
    expect(code).toMatch(/^\d{6}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const pending = await poll(code, secret);
    expect(pending.statusCode).toBe(200);
    expect(pending.json()).toEqual({ status: 'pending', expiresAt });

    expect(await auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' })).toEqual({
      deviceName: 'Living room TV',
      deviceKind: 'tv',
    });

    const approved = await poll(code, secret);
    expect(approved.statusCode).toBe(200);
    expect(approved.headers['cache-control']).toBe('no-store');
    const { tokens } = approved.json() as { tokens: AuthTokens };
    expect(tokens).toMatchObject({ tokenType: 'Bearer', userId: ALICE });
    expect(sessions.records).toEqual([
      { type: 'signedIn', userId: ALICE, deviceId: tokens.deviceId, name: 'Living room TV', kind: 'tv' },
    ]);

    const again = await poll(code, secret);
    expect(again.json()).toEqual({ status: 'expired' });
    expect(sessions.records).toHaveLength(1);

    const me = await get('/api/auth/me', bearer(tokens.accessToken));
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      user: { id: ALICE, firstName: 'Alice' },
      device: { id: tokens.deviceId, name: 'Living room TV', kind: 'tv', signedInAt: expect.any(String) },
    });
  });

  it('hands out a code that no other waiting device holds', async () => {
    // A source that repeats itself: the second device gets the same digits first and must draw again.
    const blocks = [
      [0, 0, 0, 7],
      [0, 0, 0, 7],
      [0, 0, 0, 8],
    ];
    const repeating = {
      bytes: (length: number) =>
        length === 4
          ? Uint8Array.from(blocks.shift() ?? [0, 0, 0, 9])
          : crypto.getRandomValues(new Uint8Array(length)),
    };
    const clock = new FakeClock(new Date('2030-06-01T00:00:00Z'));
    const auth = createAuthService({
      pool,
      secret: SECRET,
      allowedUsers: [],
      deviceSessions: new RecordingDeviceSessions(),
      log: new RecordingLog(),
      clock,
      random: repeating,
    });
    const request = { deviceName: 'TV', deviceKind: 'tv' as const, clientAddress: newAddress() };
    expect((await auth.generateLoginCode(request)).code).toBe('000007');
    expect((await auth.generateLoginCode(request)).code).toBe('000008');
    // Once the first has expired, its digits are free again.
    clock.advance(5 * MINUTE);
    blocks.push([0, 0, 0, 7]);
    expect((await auth.generateLoginCode(request)).code).toBe('000007');
  });

  it('issues tokens to one of two simultaneous polls only', async () => {
    const { auth, sessions, generate, poll } = await setup();
    const { code, secret } = await generate();
    await auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' });
    // The first poll claims the code and waits in its transaction; the second reads the code as approved
    // and queues behind the first one's row lock. Only then does the first one commit.
    const release = sessions.hold();
    const polls = [poll(code, secret), poll(code, secret)];
    await waitUntil(async () => (await sessionsWaitingOnLocks()) > 0);
    release();
    const statuses = (await Promise.all(polls)).map((response) => response.json().status);
    expect(statuses.sort()).toEqual(['approved', 'expired']);
    expect(sessions.records).toHaveLength(1);
  });

  it('expires after 5 minutes, for the device and for the bot', async () => {
    const { auth, clock, generate, poll } = await setup();
    const { code, secret } = await generate();
    clock.advance(5 * MINUTE - 1000);
    expect((await poll(code, secret)).json()).toMatchObject({ status: 'pending' });
    clock.advance(1000);
    expect((await poll(code, secret)).json()).toEqual({ status: 'expired' });
    expect(await failure(auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' }))).toMatchObject({
      code: 'login_code_expired',
    });
  });

  it('stays redeemable for a grace minute when approved at its last second', async () => {
    const { auth, clock, generate, poll } = await setup();
    const { code, secret } = await generate();
    clock.advance(5 * MINUTE - 1000);
    await auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' });
    clock.advance(30_000);
    expect((await poll(code, secret)).json()).toMatchObject({ status: 'approved' });
  });

  it('refuses a used or unknown code at the bot', async () => {
    const { auth, generate } = await setup();
    const { code } = await generate();
    await auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' });
    expect(await failure(auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' }))).toMatchObject({
      statusCode: 409,
      code: 'login_code_used',
    });
    for (const unknown of ['abc', '12345', ''])
      expect(
        await failure(auth.confirmLoginCode({ code: unknown, userId: ALICE, firstName: 'Alice' })),
      ).toMatchObject({ statusCode: 404, code: 'login_code_not_found' });
  });

  it('refuses users outside AUTH_USERS', async () => {
    const { auth, generate, poll } = await setup({ allowedUsers: [ALICE] });
    const { code, secret } = await generate();
    expect(await failure(auth.confirmLoginCode({ code, userId: BOB, firstName: 'Bob' }))).toMatchObject({
      statusCode: 403,
      code: 'user_not_allowed',
    });
    expect((await poll(code, secret)).json()).toMatchObject({ status: 'pending' });
    await auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' });
    expect((await poll(code, secret)).json()).toMatchObject({ status: 'approved' });
  });

  it('locks a code after 5 wrong secrets', async () => {
    const { auth, generate, poll } = await setup();
    const { code, secret } = await generate();
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await poll(code, `wrong-${attempt}`);
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual(errorBody('invalid_login_secret'));
    }
    expect((await poll(code, secret)).json()).toEqual({ status: 'expired' });
    expect(await failure(auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' }))).toMatchObject({
      code: 'login_code_expired',
    });
  });

  it('limits failed attempts per client address', async () => {
    const { clock, generate, poll } = await setup({ limits: { maxFailuresPerCode: 100 } });
    const { code, secret } = await generate();
    for (let attempt = 0; attempt < 10; attempt++)
      expect((await poll('000000', `guess-${attempt}`)).statusCode).toBe(401);
    const blocked = await poll(code, secret);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toEqual(errorBody('too_many_attempts'));
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(15 * MINUTE);
    expect((await poll(code, secret)).json()).toEqual({ status: 'expired' });
  });

  it('limits unknown codes per Telegram user at the bot', async () => {
    const { auth, generate } = await setup();
    const { code } = await generate();
    const guesser = '1003';
    for (let attempt = 0; attempt < 10; attempt++)
      expect(
        await failure(auth.confirmLoginCode({ code: 'xxxxxx', userId: guesser, firstName: 'Eve' })),
      ).toMatchObject({ code: 'login_code_not_found' });
    expect(await failure(auth.confirmLoginCode({ code, userId: guesser, firstName: 'Eve' }))).toMatchObject({
      statusCode: 429,
      code: 'too_many_attempts',
    });
    await auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' });
  });

  it('issues no tokens while the account history is unavailable, and does once it is back', async () => {
    const { auth, sessions, generate, poll } = await setup();
    const { code, secret } = await generate();
    await auth.confirmLoginCode({ code, userId: ALICE, firstName: 'Alice' });
    sessions.unavailable = true;
    const failed = await poll(code, secret);
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toEqual({ error: { code: 'internal_error', message: 'internal server error' } });
    sessions.unavailable = false;
    expect((await poll(code, secret)).json()).toMatchObject({ status: 'approved' });
    expect(sessions.records.map((record) => record.type)).toEqual(['signedIn']);
  });

  it('validates the request with zod', async () => {
    const { post } = await setup();
    const response = await post('/api/auth/code/generate', { deviceName: ' ', deviceKind: 'toaster' });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('invalid_request');
    expect(error.details.in).toBe('body');
    expect(error.details.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      '/deviceKind',
      '/deviceName',
    ]);
  });
});

describe('web login links (/web in the bot)', () => {
  it('sign a browser in once', async () => {
    const { auth, sessions, post, get, bearer } = await setup();
    const { token } = await auth.createWebLoginLink({ userId: ALICE, firstName: 'Alice' });
    const response = await post('/api/auth/web-login', { token, deviceName: 'Firefox on Linux' });
    expect(response.statusCode).toBe(200);
    const tokens = response.json() as AuthTokens;
    expect(sessions.records).toEqual([
      { type: 'signedIn', userId: ALICE, deviceId: tokens.deviceId, name: 'Firefox on Linux', kind: 'web' },
    ]);
    expect((await get('/api/auth/me', bearer(tokens.accessToken))).json()).toMatchObject({
      device: { kind: 'web', name: 'Firefox on Linux' },
    });

    const again = await post('/api/auth/web-login', { token });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toEqual(errorBody('web_login_link_used'));
  });

  it('expire', async () => {
    const { auth, clock, post } = await setup();
    const { token } = await auth.createWebLoginLink({ userId: ALICE, firstName: 'Alice' });
    clock.advance(5 * MINUTE);
    const response = await post('/api/auth/web-login', { token });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(errorBody('web_login_link_expired'));
  });

  it('refuse unknown links and users outside AUTH_USERS', async () => {
    const { auth, post } = await setup({ allowedUsers: [ALICE] });
    expect((await post('/api/auth/web-login', { token: 'made-up' })).json()).toEqual(
      errorBody('invalid_web_login_link'),
    );
    expect(await failure(auth.createWebLoginLink({ userId: BOB, firstName: 'Bob' }))).toMatchObject({
      code: 'user_not_allowed',
    });
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh returns a new pair for the same device', async () => {
    const { signIn, refresh, get, bearer } = await setup();
    const first = await signIn();
    const response = await refresh(first.refreshToken);
    expect(response.statusCode).toBe(200);
    const second = response.json() as AuthTokens;
    expect(second.deviceId).toBe(first.deviceId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await get('/api/auth/me', bearer(second.accessToken))).statusCode).toBe(200);
    expect((await refresh(second.refreshToken)).statusCode).toBe(200);
  });

  it('revoke the whole family and sign the device out when one is reused', async () => {
    const { sessions, signIn, refresh, get, bearer } = await setup();
    const first = await signIn();
    const second = (await refresh(first.refreshToken)).json() as AuthTokens;

    const reuse = await refresh(first.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json()).toEqual(errorBody('refresh_token_reused'));

    expect((await refresh(second.refreshToken)).json()).toEqual(errorBody('invalid_refresh_token'));
    const me = await get('/api/auth/me', bearer(second.accessToken));
    expect(me.statusCode).toBe(401);
    expect(me.json().error.details).toEqual({ reason: 'session_revoked' });
    expect(sessions.records.at(-1)).toEqual({
      type: 'signedOut',
      userId: ALICE,
      deviceId: first.deviceId,
      reason: 'token_reuse',
    });
  });

  it('expire after 30 days', async () => {
    const { clock, signIn, refresh } = await setup();
    const tokens = await signIn();
    clock.advance(30 * 24 * 60 * MINUTE);
    expect((await refresh(tokens.refreshToken)).json()).toEqual(errorBody('invalid_refresh_token'));
  });

  it('stop working for a user removed from AUTH_USERS', async () => {
    const sessions = new RecordingDeviceSessions();
    const clock = new FakeClock();
    const open = await setup({ sessions, clock });
    const tokens = await open.signIn(BOB, 'Bob');
    const closed = await setup({ sessions, clock, allowedUsers: [ALICE] });
    const response = await closed.refresh(tokens.refreshToken);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual(errorBody('user_not_allowed'));
    expect(sessions.records.at(-1)).toMatchObject({ type: 'signedOut', userId: BOB, reason: 'revoked' });
  });

  it('refuse unknown tokens', async () => {
    const { refresh } = await setup();
    const response = await refresh('not-a-token');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(errorBody('invalid_refresh_token'));
  });
});

describe('POST /api/auth/logout', () => {
  it('signs the device out: its access and refresh tokens stop working', async () => {
    const { sessions, signIn, post, get, bearer, refresh } = await setup();
    const tokens = await signIn();
    const other = await signIn();
    const response = await post('/api/auth/logout', undefined, bearer(tokens.accessToken));
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(sessions.records.at(-1)).toEqual({
      type: 'signedOut',
      userId: ALICE,
      deviceId: tokens.deviceId,
      reason: 'logout',
    });
    const again = await post('/api/auth/logout', undefined, bearer(tokens.accessToken));
    expect(again.statusCode).toBe(401);
    expect(again.json().error.details).toEqual({ reason: 'session_revoked' });
    expect((await get('/api/auth/me', bearer(tokens.accessToken))).statusCode).toBe(401);
    expect((await refresh(tokens.refreshToken)).json()).toEqual(errorBody('invalid_refresh_token'));
    // Other devices of the same user stay signed in.
    expect((await get('/api/auth/me', bearer(other.accessToken))).statusCode).toBe(200);
  });

  it('signs out even while the account history is unavailable, and records it later', async () => {
    const { auth, sessions, log, signIn, post, get, bearer } = await setup();
    const tokens = await signIn();
    sessions.unavailable = true;
    expect((await post('/api/auth/logout', undefined, bearer(tokens.accessToken))).statusCode).toBe(204);
    expect((await get('/api/auth/me', bearer(tokens.accessToken))).statusCode).toBe(401);
    expect(log.warnings).toHaveLength(1);
    sessions.unavailable = false;
    expect(await auth.recordPendingSignOuts()).toBeGreaterThanOrEqual(1);
    expect(sessions.records).toContainEqual({
      type: 'signedOut',
      userId: ALICE,
      deviceId: tokens.deviceId,
      reason: 'logout',
    });
  });
});

describe('access tokens on protected routes', () => {
  const protectedRoutes = [
    { method: 'GET', url: '/api/auth/me' },
    { method: 'POST', url: '/api/auth/logout' },
  ] as const;

  it.each(protectedRoutes)('$method $url needs a token', async ({ method, url }) => {
    const { app } = await setup();
    const response = await app.inject({ method, url });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: { code: 'unauthorized', message: expect.any(String), details: { reason: 'missing_token' } },
    });
  });

  it('are never read from a query string', async () => {
    const { signIn, get } = await setup();
    const tokens = await signIn();
    const response = await get(`/api/auth/me?access_token=${tokens.accessToken}&token=${tokens.accessToken}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.details).toEqual({ reason: 'missing_token' });
  });

  it('expire after 15 minutes', async () => {
    const { clock, signIn, get, bearer } = await setup();
    const tokens = await signIn();
    clock.advance(15 * MINUTE);
    const response = await get('/api/auth/me', bearer(tokens.accessToken));
    expect(response.statusCode).toBe(401);
    expect(response.json().error.details).toEqual({ reason: 'token_expired' });
  });

  it('refuse tampered tokens, alg "none", media tokens and other schemes', async () => {
    const { auth, clock, signIn, get, bearer } = await setup();
    const tokens = await signIn();
    const [header, payload, signature] = tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: BOB })).toString('base64url')}.${signature}`;
    const now = Math.floor(clock.now().getTime() / 1000);
    const unsigned = new UnsecuredJWT({ did: tokens.deviceId, jti: 'x' })
      .setSubject(ALICE)
      .setIssuer('teleplay')
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setExpirationTime(now + 60)
      .encode();
    const media = await auth.signMediaToken({
      userId: ALICE,
      fileId: FILE,
      purpose: 'stream',
      ttlSeconds: 60,
    });

    for (const headers of [
      bearer(tampered),
      bearer(unsigned),
      bearer(media.token),
      { authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` },
      { authorization: 'Bearer' },
    ]) {
      const response = await get('/api/auth/me', headers);
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toMatchObject({
        code: 'unauthorized',
        details: { reason: 'invalid_token' },
      });
    }
  });
});

describe('media tokens', () => {
  it('are verified for their file and purpose', async () => {
    const { auth } = await setup();
    const { token } = await auth.signMediaToken({
      userId: ALICE,
      fileId: FILE,
      purpose: 'download',
      ttlSeconds: 60,
    });
    expect(await auth.verifyMediaToken(token, { fileId: FILE, purpose: 'download' })).toMatchObject({
      userId: ALICE,
    });
    expect(await failure(auth.verifyMediaToken(token, { fileId: FILE, purpose: 'stream' }))).toMatchObject({
      code: 'invalid_media_token',
    });
  });
});

describe('housekeeping', () => {
  it('signs out sessions whose refresh tokens all lapsed and deletes what is past use', async () => {
    const clock = new FakeClock(new Date('2031-01-01T00:00:00Z'));
    const { auth, sessions, signIn } = await setup({ clock });
    const tokens = await signIn();
    clock.advance(31 * 24 * 60 * MINUTE);
    await auth.purgeExpired();
    // Sessions of the other tests lapsed too: this clock is years ahead of theirs.
    expect(sessions.records).toContainEqual({
      type: 'signedOut',
      userId: ALICE,
      deviceId: tokens.deviceId,
      reason: 'revoked',
    });
    clock.advance(2 * 24 * 60 * MINUTE);
    await auth.purgeExpired();
    const left = await pool.query('select 1 from auth_sessions where device_id = $1', [tokens.deviceId]);
    expect(left.rowCount).toBe(0);
  });
});

describe('GET /api/auth/bot-info', () => {
  it('names the bot and how to deep-link a login code', async () => {
    const { get } = await setup();
    expect((await get('/api/auth/bot-info')).json()).toEqual({
      username: 'teleplay_bot',
      deepLinkBase: 'https://t.me/teleplay_bot',
      loginStartPrefix: 'login-',
    });
  });

  it('is 503 until the bot is connected', async () => {
    const { get } = await setup({ botInfo: async () => null });
    const response = await get('/api/auth/bot-info');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual(errorBody('bot_unavailable'));
  });
});

describe('errors and security plugins', () => {
  it('answer every error in one shape, without internals', async () => {
    const { get, post, app } = await setup();
    const crash = await get('/test/crash');
    expect(crash.statusCode).toBe(500);
    expect(crash.json()).toEqual({ error: { code: 'internal_error', message: 'internal server error' } });
    expect(crash.body).not.toContain('/srv/teleplay');

    expect((await get('/test/refusal')).json()).toEqual({
      error: { code: 'file_in_trash', message: 'file x is in the trash' },
    });
    expect((await get('/test/refusal')).statusCode).toBe(409);

    const missing = await get('/api/nothing-here?secret=1');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /api/nothing-here' },
    });

    const badJson = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { 'content-type': 'application/json' },
      payload: '{"refreshToken":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toEqual(errorBody('bad_request'));

    const wrongType = await post('/api/auth/refresh', 'refreshToken=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toEqual(errorBody('unsupported_media_type'));
  });

  it('set security headers and allow only the configured origins', async () => {
    const { get } = await setup();
    const allowed = await get('/api/auth/bot-info', { origin: 'https://app.example' });
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    const foreign = await get('/api/auth/bot-info', { origin: 'https://evil.example' });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rate-limit the auth routes more strictly', async () => {
    const { post } = await setup({ rateLimits: { generate: 2 } });
    const body = { deviceName: 'TV', deviceKind: 'tv' };
    expect((await post('/api/auth/code/generate', body)).statusCode).toBe(200);
    expect((await post('/api/auth/code/generate', body)).statusCode).toBe(200);
    const limited = await post('/api/auth/code/generate', body);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual(errorBody('rate_limited'));
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
