import { describe, expect, it } from 'vitest';
import { createApiClient, isWriteAccepted } from './api-client.ts';

const FILE = '5d1c7a4e-3b2f-4c1d-9e8f-7a6b5c4d3e2f';

/** A fake server: records each request and answers with `answer`. */
function fakeServer(answer: (request: Request) => Response = () => Response.json({})) {
  const requests: Request[] = [];
  return {
    requests,
    fetch: async (request: Request) => {
      requests.push(request);
      return answer(request);
    },
  };
}

describe('createApiClient', () => {
  it('calls each operation by its operationId, with the access token as a bearer header', async () => {
    const server = fakeServer(() => Response.json({ id: FILE, name: 'film.mkv' }));
    const api = createApiClient({
      baseUrl: 'https://teleplay.test/',
      getAccessToken: () => 'token-1',
      fetch: server.fetch,
    });
    const { data } = await api.getFile({ params: { path: { fileId: FILE } } });
    expect(data?.name).toBe('film.mkv');
    const [request] = server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(`https://teleplay.test/api/files/${FILE}`);
    expect(request?.headers.get('authorization')).toBe('Bearer token-1');
  });

  it('sends query parameters, headers and JSON bodies as the document declares them', async () => {
    const server = fakeServer(() => Response.json({ items: [], nextCursor: null }));
    const api = createApiClient({
      baseUrl: 'https://teleplay.test',
      getAccessToken: async () => 'token-2',
      fetch: server.fetch,
    });
    await api.listHistory({ params: { query: { type: ['FileUploaded', 'FileRenamed'], limit: 10 } } });
    await api.updateFile({
      params: { path: { fileId: FILE }, header: { 'idempotency-key': 'rename-1' } },
      body: { name: 'new name.mkv' },
    });
    const [history, update] = server.requests;
    expect(new URL(history?.url ?? '').search).toBe('?type=FileUploaded&type=FileRenamed&limit=10');
    expect(update?.method).toBe('PATCH');
    expect(update?.headers.get('idempotency-key')).toBe('rename-1');
    expect(await update?.json()).toEqual({ name: 'new name.mkv' });
  });

  it('sends no authorization without a token', async () => {
    const server = fakeServer(() =>
      Response.json({ username: 'bot', deepLinkBase: 'https://t.me/bot', loginStartPrefix: 'login_' }),
    );
    const api = createApiClient({
      baseUrl: 'https://teleplay.test',
      getAccessToken: () => null,
      fetch: server.fetch,
    });
    await api.getBotInfo();
    expect(server.requests[0]?.headers.has('authorization')).toBe(false);
  });

  it('reports a 401 to a request that carried a token, and returns the error shape', async () => {
    const unauthorized = {
      error: { code: 'unauthorized', message: 'the access token has expired: refresh it' },
    };
    const server = fakeServer(() => Response.json(unauthorized, { status: 401 }));
    const reported: number[] = [];
    let token: string | null = 'expired';
    const api = createApiClient({
      baseUrl: 'https://teleplay.test',
      getAccessToken: () => token,
      onUnauthorized: (response) => {
        reported.push(response.status);
      },
      fetch: server.fetch,
    });
    const { error } = await api.listDevices();
    expect(error).toEqual(unauthorized);
    expect(reported).toEqual([401]);

    // A sign-in attempt answered 401 is about its own credentials, not the session's.
    token = null;
    await api.pollLoginCode({ body: { code: '123456', secret: 'wrong' } });
    expect(reported).toEqual([401]);
  });

  it('tells a write recorded but not yet readable (202) from its usual answer', async () => {
    const server = fakeServer(() =>
      Response.json({ position: '00000000000000000042:00000000000000000007' }, { status: 202 }),
    );
    const api = createApiClient({
      baseUrl: 'https://teleplay.test',
      getAccessToken: () => 't',
      fetch: server.fetch,
    });
    const { data, response } = await api.trashFile({ params: { path: { fileId: FILE } } });
    expect(response.status).toBe(202);
    expect(data && isWriteAccepted(data)).toBe(true);
    expect(isWriteAccepted({ id: FILE, name: 'film.mkv' })).toBe(false);
  });

  it('checks operations at compile time', () => {
    const api = createApiClient({
      baseUrl: 'https://teleplay.test',
      getAccessToken: () => null,
      fetch: fakeServer().fetch,
    });
    // Types only: these calls are never made.
    const typeChecks = () => {
      // @ts-expect-error the path parameter is required
      void api.getFile();
      // @ts-expect-error the body is required
      void api.createFolder({});
      // @ts-expect-error not an operation of the API
      void api.deleteEverything();
    };
    expect(typeof typeChecks).toBe('function');
  });
});
