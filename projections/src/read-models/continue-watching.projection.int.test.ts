import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, makeEvent, USER_A, USER_B } from '../testing/event-builder.ts';
import { uploaded } from '../testing/library-events.ts';
import {
  playbackCompleted,
  playbackProgressed,
  playbackStarted,
  playbackStopped,
} from '../testing/playback-events.ts';
import { createProjectionHarness, type ProjectionHarness } from '../testing/projection-harness.ts';
import {
  type ContinueWatchingItem,
  type ContinueWatchingTables,
  continueWatchingProjection,
  listContinueWatching,
} from './continue-watching.projection.ts';

let harness: ProjectionHarness<ContinueWatchingTables>;
beforeAll(async () => {
  harness = await createProjectionHarness([continueWatchingProjection]);
});
afterAll(() => harness.close());

const LOCATION = { channelId: '-1001', messageId: 1, documentId: 'd', dcId: 2 };
const FOLDER = id(100);

const library = () => [
  makeEvent('DeviceSignedIn', { deviceId: 'tv-1', name: 'Living room', kind: 'tv' }),
  uploaded(id(1), { name: 'Arrival.mkv', thumbnail: { width: 320, height: 180, size: 9000 } }),
  uploaded(id(2), { name: 'Dune.mkv', folderId: FOLDER }),
  uploaded(id(3), { name: 'Podcast.mp3', kind: 'audio', mimeType: 'audio/mpeg' }),
];

const fileIds = async (userId = USER_A, options = {}) =>
  (await listContinueWatching(harness.db, userId, options)).map((item) => item.fileId);

describe('continue_watching projection', () => {
  it('offers resumable files, newest first, with the file and the device that played it last', async () => {
    const events = [
      ...library(),
      playbackStopped({
        fileId: id(1),
        deviceId: 'tv-1',
        positionSeconds: 2467,
        occurredAt: '2025-04-01T20:00:00.000Z',
      }),
      playbackStopped({
        fileId: id(2),
        deviceId: 'phone-9',
        positionSeconds: 300,
        occurredAt: '2025-04-02T20:00:00.000Z',
      }),
    ];
    const { result } = await harness.project(events, () => listContinueWatching(harness.db, USER_A));
    expect(result).toEqual([
      {
        fileId: id(2),
        name: 'Dune.mkv',
        kind: 'video',
        mimeType: 'video/mp4',
        thumbnail: null,
        resumeAtSeconds: 300,
        positionSeconds: 300,
        durationSeconds: 3600,
        lastPlayedAt: '2025-04-02T20:00:00.000Z',
        lastDevice: { id: 'phone-9', name: null, kind: null },
      },
      {
        fileId: id(1),
        name: 'Arrival.mkv',
        kind: 'video',
        mimeType: 'video/mp4',
        thumbnail: { width: 320, height: 180, size: 9000 },
        resumeAtSeconds: 2467,
        positionSeconds: 2467,
        durationSeconds: 3600,
        lastPlayedAt: '2025-04-01T20:00:00.000Z',
        lastDevice: { id: 'tv-1', name: 'Living room', kind: 'tv' },
      },
    ] satisfies ContinueWatchingItem[]);
  });

  it('drops files played to the end or stopped where there is nothing to resume', async () => {
    const events = [
      ...library(),
      playbackStopped({ fileId: id(1), deviceId: 'tv-1', positionSeconds: 2000 }),
      playbackCompleted({ fileId: id(1), deviceId: 'tv-1' }),
      playbackStopped({ fileId: id(2), deviceId: 'tv-1', positionSeconds: 60, resumeAtSeconds: null }),
      playbackProgressed({ fileId: id(3), deviceId: 'tv-1', positionSeconds: 600, paused: true }),
    ];
    const { result } = await harness.project(events, () => fileIds());
    expect(result).toEqual([id(3)]);
  });

  it('brings a rewatched file back once it has a resume point again', async () => {
    const watched = [
      ...library(),
      playbackCompleted({ fileId: id(1), deviceId: 'tv-1' }),
      playbackStarted({ fileId: id(1), deviceId: 'tv-1', positionSeconds: 0, resumeAtSeconds: null }),
    ];
    const { result: started } = await harness.project(watched, () => fileIds());
    expect(started).toEqual([]);
    const { result: paused } = await harness.project(
      [
        ...watched,
        playbackProgressed({ fileId: id(1), deviceId: 'tv-1', positionSeconds: 900, paused: true }),
      ],
      () => fileIds(),
    );
    expect(paused).toEqual([id(1)]);
  });

  it('follows the library: renames, trash, restore and deletion', async () => {
    const playing = [
      ...library(),
      playbackStopped({ fileId: id(1), deviceId: 'tv-1', positionSeconds: 500 }),
      playbackStopped({ fileId: id(2), deviceId: 'tv-1', positionSeconds: 500 }),
      playbackStopped({ fileId: id(3), deviceId: 'tv-1', positionSeconds: 500 }),
      makeEvent('FileRenamed', { fileId: id(3), from: 'Podcast.mp3', to: 'Episode 1.mp3' }),
    ];
    const trashed = [
      ...playing,
      makeEvent('FileTrashed', { fileId: id(1) }),
      makeEvent('FolderTrashed', { folderId: FOLDER, descendantFolderIds: [], fileIds: [id(2)] }),
    ];
    const { result } = await harness.project(trashed, async () =>
      (await listContinueWatching(harness.db, USER_A)).map((item) => item.name),
    );
    expect(result).toEqual(['Episode 1.mp3']);

    const restored = [
      ...trashed,
      makeEvent('FileRestored', { fileId: id(1), folderId: null }),
      makeEvent('FolderRestored', {
        folderId: FOLDER,
        parentId: null,
        descendantFolderIds: [],
        fileIds: [id(2)],
      }),
    ];
    const { result: back } = await harness.project(restored, () => fileIds());
    expect(back).toEqual([id(3), id(2), id(1)]);

    const deleted = [
      ...trashed,
      makeEvent('FileDeleted', { fileId: id(1), telegram: LOCATION }),
      makeEvent('FolderDeleted', {
        folderId: FOLDER,
        descendantFolderIds: [],
        files: [{ fileId: id(2), telegram: LOCATION }],
      }),
      // A late report for a file deleted meanwhile changes nothing.
      playbackStopped({ fileId: id(1), deviceId: 'tv-1', positionSeconds: 700 }),
    ];
    const { result: afterDelete } = await harness.project(deleted, async () => ({
      items: await fileIds(),
      rows: (await harness.rows()).continue_watching?.length,
    }));
    expect(afterDelete).toEqual({ items: [id(3)], rows: 1 });
  });

  it('filters by kind and limits the row', async () => {
    const events = [
      ...library(),
      playbackStopped({ fileId: id(1), deviceId: 'tv-1', positionSeconds: 500 }),
      playbackStopped({ fileId: id(2), deviceId: 'tv-1', positionSeconds: 500 }),
      playbackStopped({ fileId: id(3), deviceId: 'tv-1', positionSeconds: 500 }),
    ];
    const { result } = await harness.project(events, async () => ({
      audio: await fileIds(USER_A, { kind: 'audio' }),
      two: await fileIds(USER_A, { limit: 2 }),
    }));
    expect(result).toEqual({ audio: [id(3)], two: [id(3), id(2)] });
  });

  it('shows a user only their own files, progress and devices', async () => {
    const events = [
      ...library(),
      playbackStopped({ fileId: id(1), deviceId: 'tv-1', positionSeconds: 500 }),
      uploaded(id(10), {}, { userId: USER_B }),
      playbackStopped({ fileId: id(10), deviceId: 'tv-1', positionSeconds: 500, userId: USER_B }),
      // User B reporting on user A's file changes nothing of A's.
      playbackCompleted({ fileId: id(1), deviceId: 'tv-1', userId: USER_B }),
    ];
    const { result } = await harness.project(events, async () => ({
      a: await fileIds(USER_A),
      b: (await listContinueWatching(harness.db, USER_B)).map((item) => [item.fileId, item.lastDevice.name]),
    }));
    expect(result).toEqual({ a: [id(1)], b: [[id(10), null]] });
  });
});
