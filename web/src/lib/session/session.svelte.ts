import type { Schemas } from '@teleplay/api-client';
import type { TabLock } from './tab-lock.ts';

export type AuthTokens = Schemas['AuthTokens'];

/**
 * Where the tokens live. In the browser: `localStorage`, so that a reload or a second tab stays signed
 * in and every tab of this browser shares one device session (one refresh-token family). The API takes
 * tokens in the Authorization header only and sets no cookies, so there is no ambient credential for
 * CSRF to ride on; the price is that script running in the page could read them, which the backend's
 * Content-Security-Policy (no inline or foreign scripts) and short-lived access tokens answer.
 */
export interface SessionStore {
  read(): string | null;
  write(value: string | null): void;
  /** Called when another tab changed the stored value (the `storage` event). */
  watch(listener: (value: string | null) => void): () => void;
}

export type RefreshResult = { ok: true; tokens: AuthTokens } | { ok: false };

export interface SessionOptions {
  store: SessionStore;
  /** Held during a refresh, across tabs: a refresh token used twice revokes the whole session. */
  lock: TabLock;
  /** `POST /api/auth/refresh`: `ok: false` when the server refused the token; throws when unreachable. */
  refresh(refreshToken: string): Promise<RefreshResult>;
  /** Refresh this long before the access token expires. */
  refreshAheadMs?: number;
}

/**
 * Why there is no session: the user signed out (here or in another tab), it could not be renewed, or
 * this device was signed out from another one.
 */
export type SessionEnd = 'signed_out' | 'expired' | 'revoked';

/**
 * The signed-in session of this browser. Access tokens are renewed silently: ahead of their expiry,
 * and when the API refuses one. A refresh runs at most once at a time in the tab (callers share it)
 * and across tabs (under `lock`, re-reading the store first: when another tab has just refreshed, its
 * tokens are used instead of spending the refresh token a second time).
 */
export class SessionManager {
  tokens = $state<AuthTokens | null>(null);
  ended = $state<SessionEnd | null>(null);

  readonly #options: SessionOptions;
  #refreshing: Promise<string | null> | null = null;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.tokens = parseTokens(options.store.read());
    options.store.watch((value) => {
      const tokens = parseTokens(value);
      if (!tokens && this.tokens) this.ended = 'signed_out';
      this.tokens = tokens;
    });
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  signIn(tokens: AuthTokens): void {
    this.ended = null;
    this.#keep(tokens);
  }

  /** Forgets the tokens here and in every tab (the server side is `logout`, called before). */
  signOut(reason: SessionEnd = 'signed_out'): void {
    this.tokens = null;
    this.ended = reason;
    this.#options.store.write(null);
  }

  /** A valid access token, renewed first when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    const tokens = this.tokens;
    if (!tokens) return null;
    if (!this.#expiring(tokens)) return tokens.accessToken;
    return this.refreshAfterRejection(tokens.accessToken);
  }

  /**
   * A new access token after `rejected` was refused or expired: null when the session is over (the
   * user is signed out then). Throws when the server cannot be reached (the session is kept).
   */
  refreshAfterRejection(rejected: string): Promise<string | null> {
    const current = this.tokens;
    if (current && current.accessToken !== rejected && !this.#expiring(current)) {
      return Promise.resolve(current.accessToken);
    }
    this.#refreshing ??= this.#options.lock
      .run(() => this.#refreshHoldingLock(rejected))
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }

  async #refreshHoldingLock(rejected: string): Promise<string | null> {
    const stored = parseTokens(this.#options.store.read());
    if (!stored) {
      if (this.tokens) this.signOut('signed_out');
      return null;
    }
    if (stored.accessToken !== rejected && !this.#expiring(stored)) {
      this.tokens = stored;
      return stored.accessToken;
    }
    const result = await this.#options.refresh(stored.refreshToken);
    if (!result.ok) {
      this.signOut('expired');
      return null;
    }
    this.#keep(result.tokens);
    return result.tokens.accessToken;
  }

  #expiring(tokens: AuthTokens): boolean {
    const ahead = this.#options.refreshAheadMs ?? 30_000;
    return Date.parse(tokens.accessTokenExpiresAt) - Date.now() <= ahead;
  }

  #keep(tokens: AuthTokens): void {
    this.tokens = tokens;
    this.#options.store.write(JSON.stringify(tokens));
  }
}

function parseTokens(value: string | null): AuthTokens | null {
  if (!value) return null;
  try {
    const tokens = JSON.parse(value) as Partial<AuthTokens> | null;
    const complete =
      tokens &&
      typeof tokens.accessToken === 'string' &&
      typeof tokens.refreshToken === 'string' &&
      typeof tokens.accessTokenExpiresAt === 'string' &&
      typeof tokens.userId === 'string' &&
      typeof tokens.deviceId === 'string';
    return complete ? (tokens as AuthTokens) : null;
  } catch {
    return null;
  }
}

/**
 * A `fetch` for the API client: when a request that carried an access token is answered 401, the
 * token is renewed (see `refreshAfterRejection`) and the request is sent once more with the new one,
 * so an expired token never surfaces as an error.
 */
export function refreshingFetch(
  session: Pick<SessionManager, 'refreshAfterRejection'>,
  send: (request: Request) => Promise<Response> = (request) => fetch(request),
): (request: Request) => Promise<Response> {
  return async (request) => {
    const sent = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    // A keepalive request (the last playback report as the tab closes) cannot be cloned and resent.
    if (!sent || request.keepalive) return send(request);
    const retry = request.clone();
    const response = await send(request);
    if (response.status !== 401) return response;
    const token = await session.refreshAfterRejection(sent).catch(() => null);
    if (!token) return response;
    retry.headers.set('authorization', `Bearer ${token}`);
    return send(retry);
  };
}
