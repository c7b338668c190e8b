import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, makeEvent, USER_A, USER_B } from '../testing/event-builder.ts';
import { folderCreated, uploaded } from '../testing/library-events.ts';
import { playbackCompleted, playbackStopped } from '../testing/playback-events.ts';
import { createProjectionHarness, type ProjectionHarness } from '../testing/projection-harness.ts';
import {
  type HistoryEntry,
  type HistoryTables,
  historyProjection,
  listFileHistory,
  listHistory,
} from './history.projection.ts';

let harness: ProjectionHarness<HistoryTables>;
beforeAll(async () => {
  harness = await createProjectionHarness([historyProjection]);
});
afterAll(() => harness.close());

const MOVIES = id(100);
const SERIES = id(101);
const OLD = id(102);
const FILE = id(1);
const SHARE = 'share-aaaaaaaaaaaaaaaa';
const LOCATION = { channelId: '-1001', messageId: 1, documentId: 'd', dcId: 2 };

/** A user's afternoon, one event a minute from 12:00. */
const session = () => {
  const at = (minute: number) => ({ occurredAt: `2025-06-01T12:${String(minute).padStart(2, '0')}:00.000Z` });
  return [
    folderCreated(MOVIES, 'Movies', null, at(0)),
    folderCreated(SERIES, 'Series', null, at(1)),
    uploaded(FILE, { name: 'x.mp4', folderId: MOVIES }, at(2)),
    makeEvent('FileMoved', { fileId: FILE, fromFolderId: MOVIES, toFolderId: SERIES }, at(3)),
    makeEvent('FolderRenamed', { folderId: SERIES, from: 'Series', to: 'Shows' }, at(4)),
    makeEvent('FileRenamed', { fileId: FILE, from: 'x.mp4', to: 'y.mp4' }, { ...at(5), source: 'mobile' }),
    makeEvent('ShareLinkCreated', { shareId: SHARE, fileId: FILE, expiresAt: null }, at(6)),
    makeEvent('ShareLinkRevoked', { shareId: SHARE }, at(7)),
    playbackStopped({ fileId: FILE, deviceId: 'tv-1', positionSeconds: 100, ...at(8) }),
    playbackCompleted({ fileId: FILE, deviceId: 'tv-1', ...at(9) }),
    folderCreated(OLD, 'Old', null, at(10)),
    uploaded(id(2), { name: 'a.mp4', folderId: OLD }, at(11)),
    makeEvent('FolderTrashed', { folderId: OLD, descendantFolderIds: [], fileIds: [id(2)] }, at(12)),
    makeEvent(
      'FolderDeleted',
      { folderId: OLD, descendantFolderIds: [], files: [{ fileId: id(2), telegram: LOCATION }] },
      at(13),
    ),
  ];
};

const summaries = (page: { items: HistoryEntry[] }) => page.items.map((entry) => entry.summary);

describe('history projection', () => {
  it('tells what happened, newest first, with the names as they were then', async () => {
    const { result } = await harness.project(session(), () => listHistory(harness.db, USER_A));
    expect(summaries(result)).toEqual([
      'deleted folder “Old” forever with 1 file from the web app',
      'trashed folder “Old” with 1 file from the web app',
      'uploaded “a.mp4” to “Old” from the bot',
      'created folder “Old” from the web app',
      'finished watching “y.mp4” on the TV app',
      'revoked the share link of “y.mp4” from the web app',
      'shared “y.mp4” with a link from the web app',
      'renamed “x.mp4” to “y.mp4” from the mobile app',
      'renamed folder “Series” to “Shows” from the web app',
      'moved “x.mp4” from “Movies” to “Series” from the web app',
      'uploaded “x.mp4” to “Movies” from the bot',
      'created folder “Series” from the web app',
      'created folder “Movies” from the web app',
    ]);
    expect(result.items[7]).toEqual({
      position: expect.any(String),
      type: 'FileRenamed',
      occurredAt: '2025-06-01T12:05:00.000Z',
      source: 'mobile',
      deviceId: null,
      actorId: USER_A,
      fileId: FILE,
      folderId: null,
      shareId: null,
      summary: 'renamed “x.mp4” to “y.mp4” from the mobile app',
    } satisfies HistoryEntry);
    expect(result.items[5]).toMatchObject({ type: 'ShareLinkRevoked', fileId: FILE, shareId: SHARE });
  });

  it("gives a file's timeline, including the folder cascades that took it along", async () => {
    const { result } = await harness.project(session(), async () => ({
      file: summaries(await listFileHistory(harness.db, USER_A, FILE)),
      cascaded: summaries(await listFileHistory(harness.db, USER_A, id(2))),
    }));
    expect(result.file).toEqual([
      'finished watching “y.mp4” on the TV app',
      'revoked the share link of “y.mp4” from the web app',
      'shared “y.mp4” with a link from the web app',
      'renamed “x.mp4” to “y.mp4” from the mobile app',
      'moved “x.mp4” from “Movies” to “Series” from the web app',
      'uploaded “x.mp4” to “Movies” from the bot',
    ]);
    expect(result.cascaded).toEqual([
      'deleted folder “Old” forever with 1 file from the web app',
      'trashed folder “Old” with 1 file from the web app',
      'uploaded “a.mp4” to “Old” from the bot',
    ]);
  });

  it('filters by event type and time range', async () => {
    const { result } = await harness.project(session(), async () => ({
      renames: summaries(await listHistory(harness.db, USER_A, { types: ['FileRenamed', 'FolderRenamed'] })),
      window: summaries(
        await listHistory(harness.db, USER_A, {
          from: new Date('2025-06-01T12:03:00.000Z'),
          to: new Date('2025-06-01T12:05:00.000Z'),
        }),
      ),
      noTypes: summaries(await listHistory(harness.db, USER_A, { types: [] })),
    }));
    expect(result).toEqual({
      renames: [
        'renamed “x.mp4” to “y.mp4” from the mobile app',
        'renamed folder “Series” to “Shows” from the web app',
      ],
      window: [
        'renamed folder “Series” to “Shows” from the web app',
        'moved “x.mp4” from “Movies” to “Series” from the web app',
      ],
      noTypes: [],
    });
  });

  it('pages through the timeline with a cursor', async () => {
    await harness.project(session(), () => listHistory(harness.db, USER_A));
    const all = summaries(await listHistory(harness.db, USER_A));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listHistory(harness.db, USER_A, { limit: 5, ...(cursor ? { cursor } : {}) });
      seen.push(...summaries(page));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
  });

  it('records sign-ins and sign-outs with the device name', async () => {
    const events = [
      makeEvent('UserRegistered', { userId: USER_A, firstName: 'Ada', username: null }, { source: 'bot' }),
      makeEvent('DeviceSignedIn', { deviceId: 'tv-1', name: 'Living room', kind: 'tv' }, { source: 'tv' }),
      makeEvent(
        'DeviceSignedOut',
        { deviceId: 'tv-1', reason: 'logout' },
        { source: 'tv', deviceId: 'tv-1' },
      ),
    ];
    const { result } = await harness.project(events, () => listHistory(harness.db, USER_A));
    expect(summaries(result)).toEqual([
      'signed out of “Living room” from the TV app',
      'signed in on “Living room” (TV)',
      'registered as “Ada”',
    ]);
    expect(result.items[0]?.deviceId).toBe('tv-1');
  });

  it('shows a user only their own timeline', async () => {
    const events = [
      ...session(),
      uploaded(id(50), { name: 'theirs.mp4' }, { userId: USER_B }),
      // User B naming user A's file: the line uses B's own names only.
      makeEvent('FileTrashed', { fileId: FILE }, { userId: USER_B }),
    ];
    const { result } = await harness.project(events, async () => ({
      b: summaries(await listHistory(harness.db, USER_B)),
      bFile: summaries(await listFileHistory(harness.db, USER_B, FILE)),
      aCount: (await listHistory(harness.db, USER_A)).items.length,
    }));
    expect(result).toEqual({
      b: ['trashed a file from the web app', 'uploaded “theirs.mp4” from the bot'],
      bFile: ['trashed a file from the web app'],
      aCount: 13,
    });
  });
});
