import { createApiClient } from '@teleplay/api-client';
import { browserSessionStore } from '../session/browser-session-store.ts';
import { refreshingFetch, SessionManager } from '../session/session.svelte.ts';
import { leaseLock, webLock } from '../session/tab-lock.ts';
import { ApiFailure } from './api-errors.ts';
import { newId } from './ids.ts';

// The API is on the origin that served the app (the backend serves both).
const baseUrl = window.location.origin;

/** For the calls made before signing in (login codes, the bot's link, refresh): no token. */
export const publicApi = createApiClient({ baseUrl, getAccessToken: () => null });

export const session = new SessionManager({
  store: browserSessionStore('teleplay.session'),
  // Web Locks exist in secure contexts only; a lease in localStorage stands in elsewhere.
  lock:
    'locks' in navigator && navigator.locks
      ? webLock(navigator.locks, 'teleplay.refresh')
      : leaseLock(localStorage, 'teleplay.refresh-lease', { owner: newId() }),
  async refresh(refreshToken) {
    const { data, response } = await publicApi.refreshTokens({ body: { refreshToken } });
    if (data) return { ok: true, tokens: data };
    if (response.status === 400 || response.status === 401 || response.status === 403) return { ok: false };
    // Rate limited or the server is in trouble: keep the session and let the caller fail this once.
    throw new ApiFailure(
      response.status,
      `http_${response.status}`,
      'The session could not be renewed just now.',
    );
  },
});

/** Every signed-in call: the access token is attached, renewed ahead of expiry, and renewed on a 401. */
export const api = createApiClient({
  baseUrl,
  getAccessToken: () => session.accessToken(),
  fetch: refreshingFetch(session),
});

/** Headers of a write: an idempotency key, so that a retried request never acts twice. */
export const writeHeaders = () => ({ header: { 'idempotency-key': newId() } });
