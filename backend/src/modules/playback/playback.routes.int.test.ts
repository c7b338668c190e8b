import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type SignedIn, startApiHarness } from '../../api/testing/api-harness.ts';

let harness: ApiHarness;
let web: SignedIn;
let tv: SignedIn;

beforeAll(async () => {
  harness = await startApiHarness();
  web = await harness.signIn('2001', 'web', 'Alice');
  tv = await harness.signIn('2001', 'tv', 'Alice');
});

afterAll(async () => {
  await harness?.close();
});

const report = (user: SignedIn, body: object, url = '/api/playback/progress') =>
  harness.request(user, { method: 'POST', url, payload: body });
const get = (user: SignedIn, url: string) => harness.request(user, { method: 'GET', url });

describe('POST /api/playback/progress', () => {
  it('records where the user is, on which device, and offers to resume there', async () => {
    const film = await harness.upload(web.userId, { name: 'Film.mkv', durationSeconds: 3600 });
    const started = await report(web, { fileId: film, event: 'start', positionSeconds: 0 });
    expect(started.statusCode).toBe(200);
    expect(started.json().progress).toMatchObject({
      fileId: film,
      positionSeconds: 0,
      resumeAtSeconds: null,
    });

    const paused = await report(web, {
      fileId: film,
      event: 'progress',
      positionSeconds: 1800,
      paused: true,
    });
    expect(paused.json().progress).toMatchObject({
      fileId: film,
      positionSeconds: 1800,
      durationSeconds: 3600,
      resumeAtSeconds: 1800,
      played: false,
      deviceId: web.deviceId,
      deviceName: "Alice's web",
    });
    expect((await get(tv, `/api/files/${film}/progress`)).json()).toEqual(paused.json());
    const resumable = await get(tv, '/api/continue-watching');
    expect(resumable.json().items).toEqual([
      expect.objectContaining({
        fileId: film,
        name: 'Film.mkv',
        resumeAtSeconds: 1800,
        lastDevice: { id: web.deviceId, name: "Alice's web", kind: 'web' },
      }),
    ]);

    const stopped = await report(web, { fileId: film, event: 'stop', positionSeconds: 3500 });
    expect(stopped.json().progress).toMatchObject({ played: true, resumeAtSeconds: null, playCount: 1 });
    expect((await get(web, '/api/continue-watching')).json().items).toEqual([]);
  });

  it('takes the duration from the player when the library does not know it', async () => {
    const clip = await harness.upload(web.userId, { name: 'clip.webm', durationSeconds: null });
    const unknown = await report(web, { fileId: clip, event: 'start', positionSeconds: 0 });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('duration_unknown');
    const measured = await report(web, {
      fileId: clip,
      event: 'start',
      positionSeconds: 0,
      durationSeconds: 42.5,
    });
    expect(measured.json().progress).toMatchObject({ durationSeconds: 42.5 });
  });

  it('refuses a file that is not in the library', async () => {
    const response = await report(web, {
      fileId: '00000000-0000-4000-8000-000000000000',
      event: 'start',
      positionSeconds: 0,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('file_not_found');
  });

  it('answers the state of a file never played as null, and 404 for an unknown file', async () => {
    const fresh = await harness.upload(web.userId, { name: 'fresh.mp4' });
    expect((await get(web, `/api/files/${fresh}/progress`)).json()).toEqual({ progress: null });
    expect((await get(web, '/api/files/00000000-0000-4000-8000-000000000000/progress')).statusCode).toBe(404);
  });
});

describe('/api/tv', () => {
  let shows: string;
  let episode: string;

  beforeAll(async () => {
    shows = await harness.createFolder(tv.userId, 'Shows');
    await harness.createFolder(tv.userId, 'Season 1', shows);
    episode = await harness.upload(tv.userId, {
      name: 'Pilot.mkv',
      folderId: shows,
      durationSeconds: 1200 * 3,
    });
    await harness.upload(tv.userId, { name: 'Second.mkv', folderId: shows });
  });

  it('records progress from the TV like the other apps, as a TV event', async () => {
    const response = await report(
      tv,
      { fileId: episode, event: 'progress', positionSeconds: 600 },
      '/api/tv/progress',
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().progress).toMatchObject({ resumeAtSeconds: 600, deviceId: tv.deviceId });
    const continuing = await get(tv, '/api/tv/continue');
    expect(continuing.json().items[0]).toMatchObject({ fileId: episode, lastDevice: { kind: 'tv' } });
  });

  it('browses the top level and a folder, files with their playback state', async () => {
    const root = await get(tv, '/api/tv/browse');
    expect(root.statusCode).toBe(200);
    expect(root.json().folder).toBeNull();
    expect(root.json().folders.map((folder: { name: string }) => folder.name)).toContain('Shows');

    const folder = await get(tv, `/api/tv/browse?folderId=${shows}&limit=1`);
    expect(folder.json()).toMatchObject({
      folder: { id: shows },
      path: [{ id: shows, name: 'Shows' }],
      folders: [expect.objectContaining({ name: 'Season 1' })],
      files: {
        items: [
          expect.objectContaining({
            id: episode,
            progress: expect.objectContaining({ positionSeconds: 600 }),
          }),
        ],
      },
    });
    const next = await get(
      tv,
      `/api/tv/browse?folderId=${shows}&limit=1&cursor=${folder.json().files.nextCursor}`,
    );
    expect(next.json().files.items).toEqual([
      expect.objectContaining({ name: 'Second.mkv', progress: null }),
    ]);
  });

  it('does not browse the trash', async () => {
    const gone = await harness.createFolder(tv.userId, 'Gone');
    await harness.request(tv, { method: 'DELETE', url: `/api/folders/${gone}` });
    const response = await get(tv, `/api/tv/browse?folderId=${gone}`);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('folder_not_found');
  });

  it('shows the newest files and finds folders and files by name', async () => {
    const recent = await get(tv, '/api/tv/recent?limit=2');
    expect(recent.json().items.map((file: { name: string }) => file.name)).toEqual([
      'Second.mkv',
      'Pilot.mkv',
    ]);
    const found = await get(tv, '/api/tv/search?q=shows');
    expect(found.json().folders.map((folder: { id: string }) => folder.id)).toEqual([shows]);
    const files = await get(tv, '/api/tv/search?q=pilot');
    expect(files.json().files).toEqual([
      expect.objectContaining({ id: episode, progress: expect.any(Object) }),
    ]);
  });
});
