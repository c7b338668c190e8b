import { createApiClient, type Schemas } from '@teleplay/api-client';
import type { SandboxControl } from './sandbox-control.ts';

export type AuthTokens = Schemas['AuthTokens'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits out the API's rate limit (429) and tries again. */
async function patiently<T>(
  call: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const { data, error, response } = await call();
    if (data !== undefined) return data;
    if (response.status !== 429 || attempt >= 5)
      throw new Error(`${response.status}: ${JSON.stringify(error)}`);
    await sleep(Number(response.headers.get('retry-after') ?? '5') * 1000);
  }
}

/**
 * Signs a device in the way a TV does, without a browser: a login code from the API, confirmed by
 * the user sending `/login CODE` to the bot in the sandbox, then polled with the secret. Scenarios
 * that are not about logging in start from these tokens.
 */
export async function signInThroughBot(
  baseUrl: string,
  sandbox: SandboxControl,
  userId: number,
  deviceName: string,
): Promise<AuthTokens> {
  const api = createApiClient({ baseUrl, getAccessToken: () => null });
  const { code, secret } = await patiently(() =>
    api.generateLoginCode({ body: { deviceName, deviceKind: 'web' } }),
  );
  await sandbox.sendText(userId, `/login ${code}`);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const poll = await patiently(() => api.pollLoginCode({ body: { code, secret } }));
    if (poll.status === 'approved') return poll.tokens;
    if (poll.status === 'expired') throw new Error('the login code expired');
    await sleep(500);
  }
  throw new Error(`user ${userId} did not get signed in: the bot did not confirm the code`);
}

/** The signed-in API, for checks that the browser does not show. */
export function apiFor(baseUrl: string, tokens: AuthTokens) {
  return createApiClient({ baseUrl, getAccessToken: () => tokens.accessToken });
}
