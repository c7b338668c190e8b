import type { DeviceId, DeviceKind, UserId } from '@teleplay/contracts';
import { createKysely } from '@teleplay/postgres';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type pg from 'pg';
import { type AttemptLimit, createAttemptLimiter } from './auth.attempts.ts';
import {
  hashSecret,
  isLoginCode,
  randomLoginCode,
  randomSecret,
  randomUuid,
  userWhitelist,
} from './auth.credentials.ts';
import { authErrors } from './auth.errors.ts';
import type { AuthTables, LoginCodeStatus, SessionsTable } from './auth.migrations.ts';
import {
  type AuthLog,
  type Clock,
  cryptoRandom,
  type DeviceSessions,
  type RandomSource,
  type SignOutReason,
  systemClock,
} from './auth.ports.ts';
import { type AccessTokenClaims, createTokenSigner, type TokenSigner } from './auth.tokens.ts';

export interface AuthLimits {
  loginCodeTtlSeconds: number;
  /** An approved code stays redeemable at least this long, even when it was approved at its last second. */
  approvedCodeGraceSeconds: number;
  webLoginLinkTtlSeconds: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Wrong secrets presented with one pending code before that code is locked. */
  maxFailuresPerCode: number;
  /** Unknown login secrets and web login links per client address. */
  perAddress: AttemptLimit;
  /** Unknown codes sent to the bot per Telegram user. */
  perUser: AttemptLimit;
}

export const defaultAuthLimits: AuthLimits = {
  loginCodeTtlSeconds: 5 * 60,
  approvedCodeGraceSeconds: 60,
  webLoginLinkTtlSeconds: 5 * 60,
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 60 * 60,
  maxFailuresPerCode: 5,
  perAddress: { maxFailures: 10, windowSeconds: 15 * 60 },
  perUser: { maxFailures: 10, windowSeconds: 15 * 60 },
};

export interface AuthServiceOptions {
  pool: pg.Pool;
  /** Signs access and media tokens (AUTH_JWT_SECRET): at least 32 characters. */
  secret: string;
  /** AUTH_USERS: Telegram user ids allowed to sign in; empty means everyone. */
  allowedUsers: readonly string[];
  deviceSessions: DeviceSessions;
  log: AuthLog;
  clock?: Clock;
  random?: RandomSource;
  limits?: Partial<AuthLimits>;
}

/** What a device keeps after signing in. Times are ISO 8601. */
export interface AuthTokens {
  tokenType: 'Bearer';
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  userId: UserId;
  deviceId: DeviceId;
}

export interface GeneratedLoginCode {
  /** Shown on screen; the user sends `/login CODE` to the bot. */
  code: string;
  /** Kept by the device, never shown: it polls with it. */
  secret: string;
  expiresAt: string;
}

export type LoginCodePoll =
  | { status: 'pending'; expiresAt: string }
  | { status: 'approved'; tokens: AuthTokens }
  | { status: 'expired' };

export interface DeviceSession {
  user: { id: UserId; firstName: string };
  device: { id: DeviceId; name: string; kind: DeviceKind; signedInAt: string };
}

export type AuthenticatedUser = AccessTokenClaims;

export type AuthService = ReturnType<typeof createAuthService>;

type Db = Kysely<AuthTables>;
type Session = Selectable<SessionsTable>;

const seconds = (date: Date, count: number) => new Date(date.getTime() + count * 1000);
// Rows this old tell a user nothing ("this code was used") and can go.
const HISTORY_SECONDS = 24 * 60 * 60;

export function createAuthService(options: AuthServiceOptions) {
  const db: Db = createKysely<AuthTables>(options.pool);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const limits: AuthLimits = { ...defaultAuthLimits, ...options.limits };
  const { deviceSessions, log } = options;
  const isUserAllowed = userWhitelist(options.allowedUsers);
  const signer: TokenSigner = createTokenSigner({
    secret: options.secret,
    clock,
    accessTokenTtlSeconds: limits.accessTokenTtlSeconds,
  });
  const perAddress = createAttemptLimiter(db, clock, 'login-address', limits.perAddress);
  const perUser = createAttemptLimiter(db, clock, 'confirm-user', limits.perUser);

  async function issueTokens(
    trx: Transaction<AuthTables>,
    session: { familyId: string; userId: UserId; deviceId: DeviceId },
    now: Date,
  ): Promise<AuthTokens> {
    const refreshToken = randomSecret(random);
    const refreshTokenExpiresAt = seconds(now, limits.refreshTokenTtlSeconds);
    await trx
      .insertInto('auth_refresh_tokens')
      .values({
        id: randomUuid(random),
        family_id: session.familyId,
        user_id: session.userId,
        device_id: session.deviceId,
        token_hash: hashSecret(refreshToken),
        created_at: now,
        expires_at: refreshTokenExpiresAt,
        used_at: null,
        revoked_at: null,
      })
      .execute();
    const access = await signer.signAccessToken({
      userId: session.userId,
      deviceId: session.deviceId,
      tokenId: randomUuid(random),
    });
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshTokenExpiresAt.toISOString(),
      userId: session.userId,
      deviceId: session.deviceId,
    };
  }

  /**
   * A new device session (refresh-token family) with its first tokens. DeviceSignedIn is recorded before
   * the transaction commits: a device never holds tokens that the account history does not know about.
   */
  async function signIn(
    trx: Transaction<AuthTables>,
    device: { userId: UserId; firstName: string; name: string; kind: DeviceKind },
    now: Date,
  ): Promise<AuthTokens> {
    const familyId = randomUuid(random);
    const deviceId = randomUuid(random);
    await trx
      .insertInto('auth_sessions')
      .values({
        id: familyId,
        user_id: device.userId,
        device_id: deviceId,
        device_name: device.name,
        device_kind: device.kind,
        first_name: device.firstName,
        created_at: now,
        revoked_at: null,
        revoked_reason: null,
        sign_out_pending: false,
      })
      .execute();
    const tokens = await issueTokens(trx, { familyId, userId: device.userId, deviceId }, now);
    await deviceSessions.signedIn({ userId: device.userId, deviceId, name: device.name, kind: device.kind });
    return tokens;
  }

  /** Revokes a session and every refresh token of its family; undefined when it was revoked already. */
  async function revokeSession(
    trx: Transaction<AuthTables>,
    familyId: string,
    reason: SignOutReason,
    now: Date,
  ): Promise<Session | undefined> {
    const session = await trx
      .updateTable('auth_sessions')
      .set({ revoked_at: now, revoked_reason: reason, sign_out_pending: true })
      .where('id', '=', familyId)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    await trx
      .updateTable('auth_refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
    return session;
  }

  /**
   * Revocation never waits on the account history: the session is revoked first, DeviceSignedOut is
   * recorded after the commit, and a failure leaves it pending for `recordPendingSignOuts`.
   */
  async function recordSignOut(session: Session): Promise<boolean> {
    try {
      await deviceSessions.signedOut({
        userId: session.user_id,
        deviceId: session.device_id,
        reason: session.revoked_reason ?? 'revoked',
      });
    } catch (error) {
      log.warn(
        { err: error, userId: session.user_id, deviceId: session.device_id },
        'could not record the sign-out in the account history yet; it will be retried',
      );
      return false;
    }
    await db
      .updateTable('auth_sessions')
      .set({ sign_out_pending: false })
      .where('id', '=', session.id)
      .execute();
    return true;
  }

  return {
    isUserAllowed,

    /** A code for a device to show, and the secret it polls with. */
    async generateLoginCode(request: {
      deviceName: string;
      deviceKind: DeviceKind;
      clientAddress: string;
    }): Promise<GeneratedLoginCode> {
      const now = clock.now();
      const expiresAt = seconds(now, limits.loginCodeTtlSeconds);
      // Expired codes leave the pending set, so that their digits can be handed out again.
      await db
        .updateTable('auth_login_codes')
        .set({ status: 'expired' })
        .where('status', '=', 'pending')
        .where('expires_at', '<=', now)
        .execute();
      for (let attempt = 0; attempt < 20; attempt++) {
        const code = randomLoginCode(random);
        const secret = randomSecret(random);
        const inserted = await db
          .insertInto('auth_login_codes')
          .values({
            id: randomUuid(random),
            code,
            secret_hash: hashSecret(secret),
            status: 'pending',
            device_name: request.deviceName,
            device_kind: request.deviceKind,
            client_address: request.clientAddress,
            user_id: null,
            first_name: null,
            failed_attempts: 0,
            created_at: now,
            expires_at: expiresAt,
            approved_at: null,
            consumed_at: null,
          })
          .onConflict((conflict) => conflict.column('code').where('status', '=', 'pending').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) return { code, secret, expiresAt: expiresAt.toISOString() };
      }
      throw authErrors.loginCodesExhausted();
    },

    /**
     * The bot's side: the Telegram user `userId` sent `/login CODE`. Returns the device that will be
     * signed in. Refuses users outside AUTH_USERS and unknown, expired or used codes.
     */
    async confirmLoginCode(request: {
      code: string;
      userId: UserId;
      firstName: string;
    }): Promise<{ deviceName: string; deviceKind: DeviceKind }> {
      if (!isUserAllowed(request.userId)) throw authErrors.userNotAllowed();
      await perUser.assertAllowed(request.userId);
      const now = clock.now();
      if (!isLoginCode(request.code)) {
        await perUser.recordFailure(request.userId);
        throw authErrors.loginCodeNotFound();
      }
      const approved = await db
        .updateTable('auth_login_codes')
        .set({
          status: 'approved',
          user_id: request.userId,
          first_name: request.firstName,
          approved_at: now,
          expires_at: sql<Date>`greatest(expires_at, ${seconds(now, limits.approvedCodeGraceSeconds)})`,
        })
        .where('code', '=', request.code)
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        .returning(['device_name', 'device_kind'])
        .executeTakeFirst();
      if (approved) return { deviceName: approved.device_name, deviceKind: approved.device_kind };

      const latest = await db
        .selectFrom('auth_login_codes')
        .select('status')
        .where('code', '=', request.code)
        .where('created_at', '>', seconds(now, -HISTORY_SECONDS))
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!latest) {
        await perUser.recordFailure(request.userId);
        throw authErrors.loginCodeNotFound();
      }
      if (latest.status === 'approved' || latest.status === 'consumed') throw authErrors.loginCodeUsed();
      throw authErrors.loginCodeExpired();
    },

    /**
     * The device's side: poll with the code and its secret. Tokens are issued exactly once, on the first
     * poll after the bot confirmed; later polls see `expired`. A wrong secret counts against the code
     * (locking it after `maxFailuresPerCode`) and against the client address.
     */
    async pollLoginCode(request: {
      code: string;
      secret: string;
      clientAddress: string;
    }): Promise<LoginCodePoll> {
      await perAddress.assertAllowed(request.clientAddress);
      const now = clock.now();
      const row = await db
        .selectFrom('auth_login_codes')
        .selectAll()
        .where('secret_hash', '=', hashSecret(request.secret))
        .executeTakeFirst();
      if (!row || row.code !== request.code) {
        await perAddress.recordFailure(request.clientAddress);
        await db
          .updateTable('auth_login_codes')
          .set({
            failed_attempts: sql<number>`failed_attempts + 1`,
            status: sql<LoginCodeStatus>`case when failed_attempts + 1 >= ${limits.maxFailuresPerCode} then 'locked' else status end`,
          })
          .where('code', '=', request.code)
          .where('status', '=', 'pending')
          .execute();
        throw authErrors.invalidLoginSecret();
      }
      if (row.expires_at <= now) return { status: 'expired' };
      if (row.status === 'pending') return { status: 'pending', expiresAt: row.expires_at.toISOString() };
      if (row.status !== 'approved' || row.user_id === null) return { status: 'expired' };
      if (!isUserAllowed(row.user_id)) throw authErrors.userNotAllowed();

      return db.transaction().execute(async (trx): Promise<LoginCodePoll> => {
        const claimed = await trx
          .updateTable('auth_login_codes')
          .set({ status: 'consumed', consumed_at: now })
          .where('id', '=', row.id)
          .where('status', '=', 'approved')
          .returning(['user_id', 'first_name', 'device_name', 'device_kind'])
          .executeTakeFirst();
        // Another poll with the same secret collected the tokens a moment ago.
        if (!claimed?.user_id) return { status: 'expired' };
        const tokens = await signIn(
          trx,
          {
            userId: claimed.user_id,
            firstName: claimed.first_name ?? '',
            name: claimed.device_name,
            kind: claimed.device_kind,
          },
          now,
        );
        return { status: 'approved', tokens };
      });
    },

    /** A one-time link token for the bot's `/web` command; exchanging it signs a browser in. */
    async createWebLoginLink(request: {
      userId: UserId;
      firstName: string;
    }): Promise<{ token: string; expiresAt: string }> {
      if (!isUserAllowed(request.userId)) throw authErrors.userNotAllowed();
      const now = clock.now();
      const token = randomSecret(random);
      const expiresAt = seconds(now, limits.webLoginLinkTtlSeconds);
      await db
        .insertInto('auth_web_login_links')
        .values({
          token_hash: hashSecret(token),
          user_id: request.userId,
          first_name: request.firstName,
          created_at: now,
          expires_at: expiresAt,
          used_at: null,
        })
        .execute();
      return { token, expiresAt: expiresAt.toISOString() };
    },

    async exchangeWebLoginLink(request: {
      token: string;
      deviceName: string;
      clientAddress: string;
    }): Promise<AuthTokens> {
      await perAddress.assertAllowed(request.clientAddress);
      const now = clock.now();
      const tokenHash = hashSecret(request.token);
      const link = await db
        .updateTable('auth_web_login_links')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['user_id', 'first_name'])
        .executeTakeFirst();
      if (!link) {
        const known = await db
          .selectFrom('auth_web_login_links')
          .select('used_at')
          .where('token_hash', '=', tokenHash)
          .executeTakeFirst();
        if (!known) {
          await perAddress.recordFailure(request.clientAddress);
          throw authErrors.invalidWebLoginLink();
        }
        throw known.used_at ? authErrors.webLoginLinkUsed() : authErrors.webLoginLinkExpired();
      }
      if (!isUserAllowed(link.user_id)) throw authErrors.userNotAllowed();
      // The link is spent even if signing in fails below: it is single use, the bot makes another.
      return db
        .transaction()
        .execute((trx) =>
          signIn(
            trx,
            { userId: link.user_id, firstName: link.first_name, name: request.deviceName, kind: 'web' },
            now,
          ),
        );
    },

    /**
     * Rotates a refresh token: the presented one is marked used and a new one of the same family is
     * returned. Presenting a used token again means it leaked: the whole family is revoked and the
     * device signed out.
     */
    async refresh(request: { refreshToken: string }): Promise<AuthTokens> {
      const now = clock.now();
      const found = await db
        .selectFrom('auth_refresh_tokens')
        .select(['id', 'family_id'])
        .where('token_hash', '=', hashSecret(request.refreshToken))
        .executeTakeFirst();
      if (!found) throw authErrors.invalidRefreshToken();

      type Outcome =
        | { kind: 'rotated'; tokens: AuthTokens }
        | { kind: 'refused'; error: Error; revoked: Session | undefined };
      const outcome = await db.transaction().execute(async (trx): Promise<Outcome> => {
        // Session before token, in the same order as logout: concurrent refreshes and logouts queue up
        // instead of deadlocking.
        const session = await trx
          .selectFrom('auth_sessions')
          .selectAll()
          .where('id', '=', found.family_id)
          .forUpdate()
          .executeTakeFirst();
        const token = await trx
          .selectFrom('auth_refresh_tokens')
          .selectAll()
          .where('id', '=', found.id)
          .forUpdate()
          .executeTakeFirst();
        // Missing: purged between the two reads.
        if (!session || !token || session.revoked_at || token.revoked_at)
          return { kind: 'refused', error: authErrors.invalidRefreshToken(), revoked: undefined };
        if (token.used_at) {
          const revoked = await revokeSession(trx, session.id, 'token_reuse', now);
          return { kind: 'refused', error: authErrors.refreshTokenReused(), revoked };
        }
        if (token.expires_at <= now)
          return { kind: 'refused', error: authErrors.invalidRefreshToken(), revoked: undefined };
        if (!isUserAllowed(session.user_id)) {
          const revoked = await revokeSession(trx, session.id, 'revoked', now);
          return { kind: 'refused', error: authErrors.userNotAllowed(), revoked };
        }
        await trx
          .updateTable('auth_refresh_tokens')
          .set({ used_at: now })
          .where('id', '=', token.id)
          .execute();
        const tokens = await issueTokens(
          trx,
          { familyId: session.id, userId: session.user_id, deviceId: session.device_id },
          now,
        );
        return { kind: 'rotated', tokens };
      });
      if (outcome.kind === 'rotated') return outcome.tokens;
      if (outcome.revoked) await recordSignOut(outcome.revoked);
      throw outcome.error;
    },

    /** Signs a device out: its refresh-token family is revoked and its access tokens stop working. */
    async logout(user: { userId: UserId; deviceId: DeviceId }): Promise<void> {
      const now = clock.now();
      const revoked = await db.transaction().execute(async (trx) => {
        const session = await trx
          .selectFrom('auth_sessions')
          .select('id')
          .where('device_id', '=', user.deviceId)
          .where('user_id', '=', user.userId)
          .forUpdate()
          .executeTakeFirst();
        return session ? revokeSession(trx, session.id, 'logout', now) : undefined;
      });
      if (revoked) await recordSignOut(revoked);
    },

    /**
     * The user behind an `Authorization: Bearer` access token. Besides the signature and expiry, the
     * device's session must still be live, so a logout takes effect at once.
     */
    async authenticate(accessToken: string | undefined): Promise<AuthenticatedUser> {
      if (!accessToken) throw authErrors.unauthorized('missing_token');
      const claims = await signer.verifyAccessToken(accessToken);
      const session = await db
        .selectFrom('auth_sessions')
        .select('revoked_at')
        .where('device_id', '=', claims.deviceId)
        .where('user_id', '=', claims.userId)
        .executeTakeFirst();
      if (!session || session.revoked_at) throw authErrors.unauthorized('session_revoked');
      return claims;
    },

    async session(user: { userId: UserId; deviceId: DeviceId }): Promise<DeviceSession> {
      const session = await db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('device_id', '=', user.deviceId)
        .where('user_id', '=', user.userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!session) throw authErrors.unauthorized('session_revoked');
      return {
        user: { id: session.user_id, firstName: session.first_name },
        device: {
          id: session.device_id,
          name: session.device_name,
          kind: session.device_kind,
          signedInAt: session.created_at.toISOString(),
        },
      };
    },

    signMediaToken: signer.signMediaToken,
    verifyMediaToken: signer.verifyMediaToken,

    /** Retries DeviceSignedOut for sessions revoked while the account history was unavailable. */
    async recordPendingSignOuts(): Promise<number> {
      const pending = await db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('sign_out_pending', '=', true)
        .execute();
      let recorded = 0;
      for (const session of pending) if (await recordSignOut(session)) recorded++;
      return recorded;
    },

    /**
     * Housekeeping, for the composition root to run now and then: sessions whose refresh tokens all
     * expired are signed out (`revoked`), and rows past use for a day are deleted.
     */
    async purgeExpired(): Promise<void> {
      const now = clock.now();
      const cutoff = seconds(now, -HISTORY_SECONDS);
      const lapsed = await db
        .selectFrom('auth_sessions as s')
        .select('s.id')
        .where('s.revoked_at', 'is', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('auth_refresh_tokens as t')
                .select('t.id')
                .whereRef('t.family_id', '=', 's.id')
                .where('t.used_at', 'is', null)
                .where('t.revoked_at', 'is', null)
                .where('t.expires_at', '>', now),
            ),
          ),
        )
        .execute();
      for (const { id } of lapsed) {
        const revoked = await db.transaction().execute((trx) => revokeSession(trx, id, 'revoked', now));
        if (revoked) await recordSignOut(revoked);
      }
      await db.deleteFrom('auth_login_codes').where('expires_at', '<', cutoff).execute();
      await db.deleteFrom('auth_web_login_links').where('expires_at', '<', cutoff).execute();
      await db.deleteFrom('auth_attempts').where('window_started_at', '<', cutoff).execute();
      await db
        .deleteFrom('auth_sessions')
        .where('revoked_at', '<', cutoff)
        .where('sign_out_pending', '=', false)
        .execute();
      await db.deleteFrom('auth_refresh_tokens').where('expires_at', '<', cutoff).execute();
    },
  };
}
