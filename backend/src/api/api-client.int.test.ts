import { createApiClient, isWriteAccepted } from '@teleplay/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type SignedIn, startApiHarness } from './testing/api-harness.ts';

let harness: ApiHarness;
let alice: SignedIn;

beforeAll(async () => {
  harness = await startApiHarness();
  alice = await harness.signIn('9001', 'web', 'Alice');
});

afterAll(async () => {
  await harness?.close();
});

/** The web app's fetch, delivered to the real app in-process. */
async function injectFetch(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const response = await harness.app.inject({
    method: request.method as 'GET',
    url: `${url.pathname}${url.search}`,
    headers: Object.fromEntries(request.headers),
    ...(body ? { payload: body } : {}),
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
  const empty = response.statusCode === 204 || response.rawPayload.length === 0;
  return new Response(empty ? null : response.rawPayload, { status: response.statusCode, headers });
}

describe('the typed client against the real API', () => {
  it('creates, renames, lists, filters history and deletes as the web app does', async () => {
    let token: string | null = alice.accessToken;
    const unauthorized: number[] = [];
    const api = createApiClient({
      baseUrl: 'https://teleplay.test',
      getAccessToken: () => token,
      onUnauthorized: (response) => {
        unauthorized.push(response.status);
      },
      fetch: injectFetch,
    });

    const created = await api.createFolder({ body: { name: 'Client folder' } });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    if (!created.data || isWriteAccepted(created.data)) throw new Error('the folder was not created in time');
    const folderId = created.data.id;
    const fileId = await harness.upload(alice.userId, { name: 'client.mkv', folderId });

    const renamed = await api.updateFile({
      params: { path: { fileId }, header: { 'idempotency-key': 'client-rename' } },
      body: { name: 'client renamed.mkv' },
    });
    expect(renamed.data && !isWriteAccepted(renamed.data) && renamed.data.name).toBe('client renamed.mkv');

    const listed = await api.listFiles({ params: { query: { folderId, sort: 'name', limit: 5 } } });
    expect(listed.data?.items.map((file) => file.id)).toEqual([fileId]);

    const history = await api.listHistory({ params: { query: { type: ['FolderCreated', 'FileRenamed'] } } });
    expect(new Set(history.data?.items.map((entry) => entry.type))).toEqual(
      new Set(['FolderCreated', 'FileRenamed']),
    );

    await api.trashFile({ params: { path: { fileId } } });
    const deleted = await api.deleteFileForever({ params: { path: { fileId } } });
    expect(deleted.response.status).toBe(204);

    const missing = await api.getFile({ params: { path: { fileId } } });
    expect(missing.error?.error.code).toBe('file_not_found');

    token = 'expired.or.wrong';
    await api.listFolders();
    expect(unauthorized).toEqual([401]);
  });
});
