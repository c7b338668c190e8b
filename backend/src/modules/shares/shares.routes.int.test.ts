import { accountStream } from '@teleplay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiHarness,
  PUBLIC_URL,
  type SignedIn,
  startApiHarness,
  TEST_SECRET,
} from '../../api/testing/api-harness.ts';
import { createShareIds } from './share-ids.ts';

let harness: ApiHarness;
let alice: SignedIn;
let film: string;

beforeAll(async () => {
  harness = await startApiHarness();
  alice = await harness.signIn('4001', 'web', 'Alice');
  film = await harness.upload(alice.userId, { name: 'Film.mkv' });
});

afterAll(async () => {
  await harness?.close();
});

const create = (body: object, headers = {}) =>
  harness.request(alice, { method: 'POST', url: '/api/shares', payload: body, headers });
const list = (query = '') => harness.request(alice, { method: 'GET', url: `/api/shares${query}` });
const HOUR = 60 * 60 * 1000;

describe('/api/shares', () => {
  it('creates a signed public link that expires in a week unless told otherwise', async () => {
    const now = harness.clock.now().getTime();
    const response = await create({ fileId: film });
    expect(response.statusCode).toBe(201);
    const link = response.json();
    expect(link).toMatchObject({
      fileId: film,
      status: 'active',
      revokedAt: null,
      expiresAt: new Date(now + 7 * 24 * HOUR).toISOString(),
      url: `${PUBLIC_URL}/s/${link.id}`,
    });
    expect(createShareIds(TEST_SECRET).verify(link.id)).toBe(true);
  });

  it('lists links, by file, and leaves out the expired ones when asked', async () => {
    const other = await harness.upload(alice.userId, { name: 'Other.mkv' });
    const short = (await create({ fileId: other, expiresInSeconds: 3600 })).json();
    expect((await list(`?fileId=${other}`)).json().items.map((link: { id: string }) => link.id)).toEqual([
      short.id,
    ]);

    harness.clock.advance(2 * HOUR);
    // Two hours on, the access token has expired too: sign in again.
    alice = await harness.signIn(alice.userId, 'web', 'Alice');
    const all = (await list()).json().items;
    expect(all.find((link: { id: string }) => link.id === short.id)).toMatchObject({ status: 'expired' });
    const active = (await list('?activeOnly=true')).json().items;
    expect(active.map((link: { fileId: string }) => link.fileId)).not.toContain(other);
  });

  it('revokes a link: it stops at once, and revoking again changes nothing', async () => {
    const link = (await create({ fileId: film })).json();
    const revoked = await harness.request(alice, { method: 'DELETE', url: `/api/shares/${link.id}` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({
      id: link.id,
      status: 'revoked',
      revokedAt: harness.clock.now().toISOString(),
    });
    const again = await harness.request(alice, { method: 'DELETE', url: `/api/shares/${link.id}` });
    expect(again.json()).toEqual(revoked.json());
  });

  it('refuses files that are unknown or in the trash', async () => {
    const unknown = await create({ fileId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('file_not_found');
    const trashed = await harness.upload(alice.userId, { name: 'Trashed.mkv' });
    await harness.request(alice, { method: 'DELETE', url: `/api/files/${trashed}` });
    const refused = await create({ fileId: trashed });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('file_in_trash');
  });

  it('creates one link for a request retried with its Idempotency-Key', async () => {
    const key = { 'idempotency-key': 'share-film-once' };
    const first = await create({ fileId: film }, key);
    const retry = await create({ fileId: film }, key);
    expect(retry.json().id).toBe(first.json().id);
    const events = await harness.store.readStream(accountStream(alice.userId));
    const created = events.filter(
      (event) =>
        event.type === 'ShareLinkCreated' && (event.data as { shareId: string }).shareId === first.json().id,
    );
    expect(created).toHaveLength(1);
  });
});
