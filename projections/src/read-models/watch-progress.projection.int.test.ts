import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, makeEvent, USER_A, USER_B } from '../testing/event-builder.ts';
import {
  playbackCompleted,
  playbackProgressed,
  playbackStarted,
  playbackStopped,
} from '../testing/playback-events.ts';
import { createProjectionHarness, type ProjectionHarness } from '../testing/projection-harness.ts';
import {
  getProgress,
  getProgressOfFiles,
  type WatchProgress,
  type WatchProgressTables,
  watchProgressProjection,
} from './watch-progress.projection.ts';

let harness: ProjectionHarness<WatchProgressTables>;
beforeAll(async () => {
  harness = await createProjectionHarness([watchProgressProjection]);
});
afterAll(() => harness.close());

const FILE = id(1);
const LOCATION = { channelId: '-1001', messageId: 1, documentId: 'd', dcId: 2 };

describe('watch_progress projection', () => {
  it('keeps the last reported position and where to resume', async () => {
    const events = [
      playbackStarted({ fileId: FILE, deviceId: 'phone', positionSeconds: 0, resumeAtSeconds: null }),
      playbackProgressed({ fileId: FILE, deviceId: 'phone', positionSeconds: 600 }),
      playbackStopped({
        fileId: FILE,
        deviceId: 'phone',
        positionSeconds: 2467,
        occurredAt: '2025-04-01T20:00:00.000Z',
      }),
    ];
    const { result, changes } = await harness.project(events, () => getProgress(harness.db, USER_A, FILE));
    expect(result).toEqual({
      fileId: FILE,
      positionSeconds: 2467,
      durationSeconds: 3600,
      resumeAtSeconds: 2467,
      played: false,
      playCount: 1,
      lastDeviceId: 'phone',
      lastPlayedAt: '2025-04-01T20:00:00.000Z',
    } satisfies WatchProgress);
    expect(changes).toEqual(Array(3).fill({ userId: USER_A, kind: 'progress', id: FILE }));
  });

  it('marks a completed file played, and a new start counts a play and clears it', async () => {
    const watched = [
      playbackStarted({ fileId: FILE, deviceId: 'tv', positionSeconds: 0, resumeAtSeconds: null }),
      playbackCompleted({ fileId: FILE, deviceId: 'tv' }),
    ];
    const { result } = await harness.project(watched, () => getProgress(harness.db, USER_A, FILE));
    expect(result).toMatchObject({
      played: true,
      resumeAtSeconds: null,
      positionSeconds: 3600,
      playCount: 1,
    });

    const again = [
      ...watched,
      playbackStarted({ fileId: FILE, deviceId: 'phone', positionSeconds: 0, resumeAtSeconds: null }),
    ];
    const { result: rewatch } = await harness.project(again, () => getProgress(harness.db, USER_A, FILE));
    expect(rewatch).toMatchObject({ played: false, playCount: 2, lastDeviceId: 'phone' });
  });

  it('forgets the progress of files deleted forever', async () => {
    const events = [
      playbackStopped({ fileId: id(1), deviceId: 'tv', positionSeconds: 100 }),
      playbackStopped({ fileId: id(2), deviceId: 'tv', positionSeconds: 100 }),
      playbackStopped({ fileId: id(3), deviceId: 'tv', positionSeconds: 100 }),
      makeEvent('FileDeleted', { fileId: id(1), telegram: LOCATION }),
      makeEvent('FolderDeleted', {
        folderId: id(50),
        descendantFolderIds: [],
        files: [{ fileId: id(2), telegram: LOCATION }],
      }),
    ];
    const { result, changes } = await harness.project(events, () =>
      getProgressOfFiles(harness.db, USER_A, [id(1), id(2), id(3)]),
    );
    expect(result.map((progress) => progress.fileId)).toEqual([id(3)]);
    expect(changes.filter((change) => change.removed)).toEqual([
      { userId: USER_A, kind: 'progress', id: id(1), removed: true },
      { userId: USER_A, kind: 'progress', id: id(2), removed: true },
    ]);
  });

  it('answers for many files at once, leaving out files never played', async () => {
    const events = [
      playbackStopped({ fileId: id(1), deviceId: 'tv', positionSeconds: 100 }),
      playbackStopped({ fileId: id(2), deviceId: 'tv', positionSeconds: 200 }),
    ];
    const { result } = await harness.project(events, async () => ({
      many: (await getProgressOfFiles(harness.db, USER_A, [id(2), id(1), id(9)])).map((p) => [
        p.fileId,
        p.positionSeconds,
      ]),
      none: await getProgressOfFiles(harness.db, USER_A, []),
      unknown: await getProgress(harness.db, USER_A, id(9)),
    }));
    expect(result).toEqual({
      many: [
        [id(1), 100],
        [id(2), 200],
      ],
      none: [],
      unknown: null,
    });
  });

  it("keeps each user's progress to that user", async () => {
    const events = [
      playbackStopped({ fileId: FILE, deviceId: 'tv', positionSeconds: 100 }),
      playbackStopped({ fileId: FILE, deviceId: 'tv', positionSeconds: 900, userId: USER_B }),
      makeEvent('FileDeleted', { fileId: FILE, telegram: LOCATION }, { userId: USER_B }),
    ];
    const { result } = await harness.project(events, async () => ({
      a: (await getProgress(harness.db, USER_A, FILE))?.positionSeconds,
      b: await getProgress(harness.db, USER_B, FILE),
    }));
    expect(result).toEqual({ a: 100, b: null });
  });
});
