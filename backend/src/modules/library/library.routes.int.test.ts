import { libraryStream } from '@teleplay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type SignedIn, startApiHarness } from '../../api/testing/api-harness.ts';

let harness: ApiHarness;
let alice: SignedIn;

beforeAll(async () => {
  harness = await startApiHarness();
  alice = await harness.signIn('1001', 'web', 'Alice');
});

afterAll(async () => {
  await harness?.close();
});

const get = (url: string) => harness.request(alice, { method: 'GET', url });
const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = {}) =>
  harness.request(alice, { method, url, ...(payload ? { payload } : {}), headers });

const libraryEvents = async () =>
  (await harness.store.readStream(libraryStream(alice.userId))).map((event) => event.type);

describe('GET /api/files', () => {
  let movies: string;
  beforeAll(async () => {
    movies = await harness.createFolder(alice.userId, 'Movies');
    await harness.upload(alice.userId, { name: 'Alien.mkv', folderId: movies, size: 3000 });
    await harness.upload(alice.userId, { name: 'Brazil.mkv', folderId: movies, size: 1000 });
    await harness.upload(alice.userId, { name: 'Casablanca.mkv', folderId: movies, size: 2000 });
    await harness.upload(alice.userId, {
      name: 'song.mp3',
      folderId: movies,
      kind: 'audio',
      mimeType: 'audio/mpeg',
    });
  });

  it("lists a folder's files by name, a page at a time", async () => {
    const first = await get(`/api/files?folderId=${movies}&limit=2`);
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((file: { name: string }) => file.name)).toEqual([
      'Alien.mkv',
      'Brazil.mkv',
    ]);
    const cursor = first.json().nextCursor;
    const second = await get(`/api/files?folderId=${movies}&limit=2&cursor=${cursor}`);
    expect(second.json().items.map((file: { name: string }) => file.name)).toEqual([
      'Casablanca.mkv',
      'song.mp3',
    ]);
    expect(second.json().nextCursor).toBeNull();
  });

  it('filters by kind and sorts by size', async () => {
    const response = await get(`/api/files?folderId=${movies}&kind=video&sort=size&direction=desc`);
    expect(response.json().items.map((file: { name: string }) => file.name)).toEqual([
      'Alien.mkv',
      'Casablanca.mkv',
      'Brazil.mkv',
    ]);
  });

  it('searches by name, typos included, best match first, in pages', async () => {
    const exact = await get('/api/files?q=brazil');
    expect(exact.json().items.map((file: { name: string }) => file.name)).toEqual(['Brazil.mkv']);
    const typo = await get('/api/files?q=casablnca');
    expect(typo.json().items.map((file: { name: string }) => file.name)).toContain('Casablanca.mkv');
    const paged = await get('/api/files?q=mkv&limit=2');
    expect(paged.json().items).toHaveLength(2);
    const rest = await get(`/api/files?q=mkv&limit=2&cursor=${paged.json().nextCursor}`);
    const names = [...paged.json().items, ...rest.json().items].map((file: { name: string }) => file.name);
    expect(names.sort()).toEqual(['Alien.mkv', 'Brazil.mkv', 'Casablanca.mkv']);
  });

  it('refuses a cursor of another list, and a sort with a search', async () => {
    const search = await get('/api/files?q=mkv&limit=1');
    const mismatch = await get(`/api/files?folderId=${movies}&cursor=${search.json().nextCursor}`);
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error.code).toBe('invalid_cursor');
    const crafted = Buffer.from(JSON.stringify({ t: 'files:name:asc', k: ['\u0000', 'x'] })).toString(
      'base64url',
    );
    const nul = await get(`/api/files?cursor=${crafted}`);
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.details.issues[0]).toMatchObject({
      path: '/cursor',
      message: 'not a cursor of this list',
    });
    const sorted = await get('/api/files?q=mkv&sort=size');
    expect(sorted.statusCode).toBe(400);
    expect(sorted.json().error.details.issues[0].message).toMatch(/relevance/);
  });
});

describe('a file', () => {
  it('is read by id, and an unknown id is 404 in the error shape', async () => {
    const fileId = await harness.upload(alice.userId, { name: 'one.mp4' });
    const found = await get(`/api/files/${fileId}`);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ id: fileId, name: 'one.mp4', trashed: false, folderId: null });
    const missing = await get('/api/files/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: 'file_not_found', message: 'file 00000000-0000-4000-8000-000000000000 does not exist' },
    });
  });

  it('is renamed and moved by PATCH, and the answer already shows the change', async () => {
    const fileId = await harness.upload(alice.userId, { name: 'draft.mp4' });
    const shows = await harness.createFolder(alice.userId, 'Shows');
    const response = await send('PATCH', `/api/files/${fileId}`, {
      name: '  Final cut.mp4 ',
      folderId: shows,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: fileId, name: 'Final cut.mp4', folderId: shows });
    const listed = await get(`/api/files?folderId=${shows}`);
    expect(listed.json().items.map((file: { id: string }) => file.id)).toEqual([fileId]);
  });

  it('is not renamed when the move in the same PATCH is refused', async () => {
    const fileId = await harness.upload(alice.userId, { name: 'keep.mp4' });
    const before = await libraryEvents();
    const response = await send('PATCH', `/api/files/${fileId}`, {
      name: 'changed.mp4',
      folderId: '00000000-0000-4000-8000-00000000dead',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('folder_not_found');
    expect(await libraryEvents()).toEqual(before);
    expect((await get(`/api/files/${fileId}`)).json().name).toBe('keep.mp4');
  });

  it('goes to the trash, comes back, and is deleted forever only from the trash', async () => {
    const fileId = await harness.upload(alice.userId, { name: 'bin.mp4' });
    const notTrashed = await send('DELETE', `/api/trash/files/${fileId}`);
    expect(notTrashed.statusCode).toBe(409);
    expect(notTrashed.json().error.code).toBe('must_trash_first');

    const trashed = await send('DELETE', `/api/files/${fileId}`);
    expect(trashed.json()).toMatchObject({ id: fileId, trashed: true });
    const trash = await get('/api/trash');
    expect(trash.json().items).toContainEqual(
      expect.objectContaining({ type: 'file', file: expect.objectContaining({ id: fileId }) }),
    );

    const restored = await send('POST', `/api/files/${fileId}/restore`);
    expect(restored.json()).toMatchObject({ id: fileId, trashed: false });

    await send('DELETE', `/api/files/${fileId}`);
    const deleted = await send('DELETE', `/api/trash/files/${fileId}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await get(`/api/files/${fileId}`)).statusCode).toBe(404);
  });

  it('goes to the trash with others in a batch; each fails on its own', async () => {
    const first = await harness.upload(alice.userId, { name: 'a.mp4' });
    const second = await harness.upload(alice.userId, { name: 'b.mp4' });
    const missing = '00000000-0000-4000-8000-00000000beef';
    const response = await send('POST', '/api/files/batch-delete', { fileIds: [first, missing, second] });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.trashed.map((file: { id: string; trashed: boolean }) => [file.id, file.trashed])).toEqual([
      [first, true],
      [second, true],
    ]);
    expect(body.failed).toEqual([
      { fileId: missing, error: { code: 'file_not_found', message: `file ${missing} does not exist` } },
    ]);
  });

  it('has a history, kept after it is deleted forever', async () => {
    const fileId = await harness.upload(alice.userId, { name: 'story.mp4' });
    await send('PATCH', `/api/files/${fileId}`, { name: 'story 2.mp4' });
    await send('DELETE', `/api/files/${fileId}`);
    await send('DELETE', `/api/trash/files/${fileId}`);
    const history = await get(`/api/files/${fileId}/history`);
    expect(history.statusCode).toBe(200);
    expect(history.json().items.map((entry: { type: string }) => entry.type)).toEqual([
      'FileDeleted',
      'FileTrashed',
      'FileRenamed',
      'FileUploaded',
    ]);
    expect((await get('/api/files/00000000-0000-4000-8000-000000000000/history')).statusCode).toBe(404);
  });
});

describe('folders', () => {
  it('are created (201), unique by name among siblings, and listed with their counts', async () => {
    const created = await send('POST', '/api/folders', { name: 'Music' });
    expect(created.statusCode).toBe(201);
    const music = created.json();
    expect(music).toMatchObject({ name: 'Music', parentId: null, fileCount: 0 });
    const again = await send('POST', '/api/folders', { name: 'music' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('name_taken');

    await harness.upload(alice.userId, { name: 'track.flac', folderId: music.id, size: 500, kind: 'audio' });
    const listed = await get('/api/folders?parentId=root');
    expect(listed.json().items).toContainEqual(
      expect.objectContaining({ id: music.id, fileCount: 1, size: 500 }),
    );
  });

  it('show their contents with the breadcrumb, and the root shows the top level', async () => {
    const parent = (await send('POST', '/api/folders', { name: 'Series' })).json();
    const child = (await send('POST', '/api/folders', { name: 'Season 1', parentId: parent.id })).json();
    const episode = await harness.upload(alice.userId, { name: 'E01.mkv', folderId: child.id });
    const contents = await get(`/api/folders/${child.id}`);
    expect(contents.statusCode).toBe(200);
    expect(contents.json()).toMatchObject({
      folder: { id: child.id, name: 'Season 1' },
      path: [
        { id: parent.id, name: 'Series' },
        { id: child.id, name: 'Season 1' },
      ],
      folders: [],
      files: { items: [expect.objectContaining({ id: episode })], nextCursor: null },
    });
    const root = await get('/api/folders/root');
    expect(root.json().folder).toBeNull();
    expect(root.json().folders.map((folder: { name: string }) => folder.name)).toContain('Series');
  });

  it('are renamed and moved, never into themselves', async () => {
    const outer = (await send('POST', '/api/folders', { name: 'Outer' })).json();
    const inner = (await send('POST', '/api/folders', { name: 'Inner', parentId: outer.id })).json();
    const renamed = await send('PATCH', `/api/folders/${inner.id}`, { name: 'Renamed', parentId: null });
    expect(renamed.json()).toMatchObject({ id: inner.id, name: 'Renamed', parentId: null });
    await send('PATCH', `/api/folders/${inner.id}`, { parentId: outer.id });
    const cycle = await send('PATCH', `/api/folders/${outer.id}`, { parentId: inner.id });
    expect(cycle.statusCode).toBe(409);
    expect(cycle.json().error.code).toBe('move_into_descendant');
  });

  it('go to the trash with their content, come back with it, and are deleted forever', async () => {
    const box = (await send('POST', '/api/folders', { name: 'Box' })).json();
    const inside = await harness.upload(alice.userId, { name: 'inside.mp4', folderId: box.id });
    const trashed = await send('DELETE', `/api/folders/${box.id}`);
    expect(trashed.json()).toMatchObject({ id: box.id, trashed: true });
    await harness.caughtUp();
    expect((await get(`/api/files/${inside}`)).json()).toMatchObject({ trashed: true, trashedWith: box.id });
    const inTrash = await get(`/api/folders/${box.id}`);
    expect(inTrash.json().files.items.map((file: { id: string }) => file.id)).toEqual([inside]);

    const restored = await send('POST', `/api/folders/${box.id}/restore`);
    expect(restored.json()).toMatchObject({ trashed: false });
    await send('DELETE', `/api/folders/${box.id}`);
    expect((await send('DELETE', `/api/trash/folders/${box.id}`)).statusCode).toBe(204);
    expect((await get(`/api/folders/${box.id}`)).statusCode).toBe(404);
    expect((await get(`/api/files/${inside}`)).statusCode).toBe(404);
  });
});

describe('GET /api/history', () => {
  it('filters the timeline by event type and time', async () => {
    const response = await get('/api/history?type=FolderCreated&type=FileTrashed&limit=200');
    expect(response.statusCode).toBe(200);
    const types = new Set(response.json().items.map((entry: { type: string }) => entry.type));
    expect([...types].sort()).toEqual(['FileTrashed', 'FolderCreated']);
    const single = await get('/api/history?type=UserRegistered');
    expect(single.json().items).toEqual([
      expect.objectContaining({ type: 'UserRegistered', actorId: alice.userId }),
    ]);
    const future = await get('/api/history?from=2030-01-01T00:00:00Z');
    expect(future.json().items).toEqual([]);
    const backwards = await get('/api/history?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z');
    expect(backwards.statusCode).toBe(400);
    const yearZero = await get('/api/history?from=0000-01-01T00:00:00Z');
    expect(yearZero.statusCode).toBe(400);
  });
});

describe('writes', () => {
  it('with the same Idempotency-Key are written once and answered alike', async () => {
    const key = { 'idempotency-key': 'create-archive-1' };
    const first = await send('POST', '/api/folders', { name: 'Archive' }, key);
    const retry = await send('POST', '/api/folders', { name: 'Archive' }, key);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json().id).toBe(first.json().id);

    const fileId = await harness.upload(alice.userId, { name: 'once.mp4' });
    const rename = { 'idempotency-key': 'rename-once' };
    await send('PATCH', `/api/files/${fileId}`, { name: 'twice.mp4' }, rename);
    await send('PATCH', `/api/files/${fileId}`, { name: 'twice.mp4' }, rename);
    const events = await harness.store.readStream(libraryStream(alice.userId));
    expect(
      events.filter(
        (event) => event.type === 'FolderCreated' && (event.data as { name: string }).name === 'Archive',
      ),
    ).toHaveLength(1);
    expect(
      events.filter(
        (event) => event.type === 'FileRenamed' && (event.data as { fileId: string }).fileId === fileId,
      ),
    ).toHaveLength(1);
  });

  it('are recorded with who did it, from which device and app', async () => {
    const fileId = await harness.upload(alice.userId, { name: 'audited.mp4' });
    await send('PATCH', `/api/files/${fileId}`, { name: 'audited 2.mp4' });
    const [renamed] = (await harness.store.readStream(libraryStream(alice.userId))).filter(
      (event) => event.type === 'FileRenamed' && (event.data as { fileId: string }).fileId === fileId,
    );
    expect(renamed?.metadata).toMatchObject({
      actorId: alice.userId,
      deviceId: alice.deviceId,
      source: 'web',
      occurredAt: harness.clock.now().toISOString(),
    });
  });

  it('answer 202 with their position when the read models do not catch up in time', async () => {
    const fileId = await harness.upload(alice.userId, { name: 'slow.mp4' });
    await harness.pauseReadModels();
    harness.configure({ readYourWritesTimeoutMs: 100 });
    try {
      const response = await send('PATCH', `/api/files/${fileId}`, { name: 'eventually.mp4' });
      expect(response.statusCode).toBe(202);
      const { position } = response.json();
      expect(position).toMatch(/^\d{20}:\d{20}$/);
      expect(position).toBe(await harness.store.headPosition());
    } finally {
      harness.configure({ readYourWritesTimeoutMs: 5000 });
      await harness.resumeReadModels();
    }
    expect((await get(`/api/files/${fileId}`)).json().name).toBe('eventually.mp4');
  });
});
