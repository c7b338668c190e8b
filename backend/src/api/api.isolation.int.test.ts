import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShareIds } from '../modules/shares/share-ids.ts';
import { type ApiHarness, type SignedIn, startApiHarness, TEST_SECRET } from './testing/api-harness.ts';
import {
  type DocumentedOperation,
  documentedOperations,
  protectedOperations,
  type RequestIds,
  requestOf,
} from './testing/operation-cases.ts';

/** The routes anyone may call: signing in, and the bot to sign in with. A new one must be added here. */
const PUBLIC_OPERATIONS = [
  'generateLoginCode',
  'pollLoginCode',
  'exchangeWebLoginLink',
  'refreshTokens',
  'getBotInfo',
];

let harness: ApiHarness;
let alice: SignedIn;
let bob: SignedIn;
let aliceIds: RequestIds;
let operations: DocumentedOperation[];

const ghostIds = (): RequestIds => ({
  fileId: randomUUID(),
  folderId: randomUUID(),
  trashedFileId: randomUUID(),
  trashedFolderId: randomUUID(),
  shareId: createShareIds(TEST_SECRET).create(randomUUID()),
  deviceId: randomUUID(),
  fileName: 'nothing-is-called-this',
});

beforeAll(async () => {
  harness = await startApiHarness();
  alice = await harness.signIn('7001', 'web', 'Alice');
  await harness.signIn('7001', 'tv', 'Alice');
  bob = await harness.signIn('7002', 'web', 'Bob');

  const folderId = await harness.createFolder(alice.userId, 'Alice private folder');
  const fileId = await harness.upload(alice.userId, { name: 'alice-private.mkv', folderId });
  const trashedFileId = await harness.upload(alice.userId, { name: 'alice-trashed.mkv' });
  const trashedFolderId = await harness.createFolder(alice.userId, 'Alice trashed folder');
  const as = (method: 'POST' | 'DELETE', url: string, payload?: object) =>
    harness.request(alice, { method, url, ...(payload ? { payload } : {}) });
  await as('DELETE', `/api/files/${trashedFileId}`);
  await as('DELETE', `/api/folders/${trashedFolderId}`);
  await as('POST', '/api/playback/progress', { fileId, event: 'progress', positionSeconds: 1200 });
  const share = await as('POST', '/api/shares', { fileId });
  aliceIds = {
    fileId,
    folderId,
    trashedFileId,
    trashedFolderId,
    shareId: share.json().id,
    deviceId: alice.deviceId,
    fileName: 'alice-private',
  };
  // Bob has a library of his own, so that his lists are not trivially empty.
  const bobFolder = await harness.createFolder(bob.userId, 'Bob folder');
  await harness.upload(bob.userId, { name: 'bob.mkv', folderId: bobFolder });
  await harness.caughtUp();
  operations = documentedOperations(harness.app.swagger());
});

afterAll(async () => {
  await harness?.close();
});

/** The answer with the ids (and name) of `ids` put as placeholders. */
function normalized(body: string, ids: RequestIds): string {
  let text = body;
  for (const [key, value] of Object.entries(ids)) text = text.replaceAll(value, `<${key}>`);
  return text;
}

describe('the documented operations', () => {
  it('are all covered: each protected one has a request to walk, and the public ones are the known few', () => {
    const protectedIds = operations.filter((operation) => operation.protected).map((o) => o.operationId);
    const publicIds = operations.filter((operation) => !operation.protected).map((o) => o.operationId);
    expect(protectedIds.filter((id) => !(id in protectedOperations))).toEqual([]);
    expect(Object.keys(protectedOperations).filter((id) => !protectedIds.includes(id))).toEqual([]);
    expect(publicIds.sort()).toEqual([...PUBLIC_OPERATIONS].sort());
  });
});

describe('every protected operation', () => {
  it('answers 401 without a valid access token, before looking at anything else', async () => {
    const ids = ghostIds();
    const credentials: [Record<string, string>, string][] = [
      [{}, 'missing_token'],
      [{ authorization: 'Bearer not.a.token' }, 'invalid_token'],
      [{ authorization: `Basic ${Buffer.from('alice:secret').toString('base64')}` }, 'invalid_token'],
      [{ authorization: `Bearer ${alice.accessToken}x` }, 'invalid_token'],
    ];
    for (const operation of operations.filter((o) => o.protected)) {
      for (const [headers, reason] of credentials) {
        const response = await harness.app.inject({ ...requestOf(operation, ids), headers });
        expect([operation.operationId, response.statusCode]).toEqual([operation.operationId, 401]);
        expect(response.json()).toMatchObject({ error: { code: 'unauthorized', details: { reason } } });
      }
    }
  });

  it("answers another user's ids exactly as ids that exist nowhere, and changes nothing", async () => {
    const head = await harness.store.headPosition();
    for (const operation of operations.filter(
      (o) => o.protected && !protectedOperations[o.operationId]?.signsOut,
    )) {
      const known = protectedOperations[operation.operationId];
      const ghosts = ghostIds();
      const withAlices = await harness.request(bob, requestOf(operation, aliceIds));
      const withGhosts = await harness.request(bob, requestOf(operation, ghosts));
      expect(withAlices.statusCode, operation.operationId).toBeLessThan(500);
      expect([operation.operationId, withAlices.statusCode]).toEqual([
        operation.operationId,
        withGhosts.statusCode,
      ]);
      expect(normalized(withAlices.body, aliceIds), operation.operationId).toBe(
        normalized(withGhosts.body, ghosts),
      );
      if (known?.ownData) {
        for (const value of Object.values(aliceIds))
          expect(withAlices.body, operation.operationId).not.toContain(value);
        expect(withAlices.body).not.toContain('Alice');
      }
    }
    expect(await harness.store.headPosition()).toBe(head);
  });

  it("signs out only the caller's own device", async () => {
    const throwaway = await harness.signIn(bob.userId, 'mobile', 'Bob');
    for (const operation of operations.filter((o) => protectedOperations[o.operationId]?.signsOut)) {
      const response = await harness.request(throwaway, requestOf(operation, aliceIds));
      expect(response.statusCode, operation.operationId).toBeLessThan(300);
    }
    expect((await harness.request(throwaway, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await harness.request(alice, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
  });

  it("left Alice's library as it was", async () => {
    const file = await harness.request(alice, { method: 'GET', url: `/api/files/${aliceIds.fileId}` });
    expect(file.json()).toMatchObject({
      name: 'alice-private.mkv',
      folderId: aliceIds.folderId,
      trashed: false,
    });
    const shares = await harness.request(alice, { method: 'GET', url: '/api/shares' });
    expect(shares.json().items).toEqual([
      expect.objectContaining({ id: aliceIds.shareId, status: 'active' }),
    ]);
    const progress = await harness.request(alice, {
      method: 'GET',
      url: `/api/files/${aliceIds.fileId}/progress`,
    });
    expect(progress.json().progress).toMatchObject({ positionSeconds: 1200 });
  });
});
