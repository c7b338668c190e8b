import { describe, expect, it } from 'vitest';
import { id, makeEvent } from '../testing/event-builder.ts';
import { folderCreated, uploaded } from '../testing/library-events.ts';
import { playbackCompleted } from '../testing/playback-events.ts';
import { type HistoryEvent, type HistoryNames, summarizeEvent } from './history-summary.ts';

const MOVIES = id(100);
const SERIES = id(101);
const FILE = id(1);

const names: HistoryNames = {
  file: async (fileId) => (fileId === FILE ? 'x.mp4' : null),
  folder: async (folderId) => ({ [MOVIES]: 'Movies', [SERIES]: 'Series' })[folderId] ?? null,
  device: async (deviceId) => (deviceId === 'tv-1' ? 'Living room' : null),
  sharedFile: async (shareId) => (shareId === 'share-aaaaaaaaaaaaaaaa' ? 'x.mp4' : null),
};

const location = { channelId: '-1001', messageId: 1, documentId: 'd', dcId: 2 };

const cases: [string, HistoryEvent][] = [
  ['uploaded “x.mp4” from the bot', uploaded(FILE, { name: 'x.mp4' })],
  ['uploaded “x.mp4” to “Movies” from the bot', uploaded(FILE, { name: 'x.mp4', folderId: MOVIES })],
  [
    'renamed “a.mkv” to “b.mkv” from the web app',
    makeEvent('FileRenamed', { fileId: FILE, from: 'a.mkv', to: 'b.mkv' }),
  ],
  [
    'moved “x.mp4” from “Movies” to “Series” from the mobile app',
    makeEvent('FileMoved', { fileId: FILE, fromFolderId: MOVIES, toFolderId: SERIES }, { source: 'mobile' }),
  ],
  [
    'moved “x.mp4” from the root to “Movies” from the web app',
    makeEvent('FileMoved', { fileId: FILE, fromFolderId: null, toFolderId: MOVIES }),
  ],
  ['trashed a file from the TV app', makeEvent('FileTrashed', { fileId: id(2) }, { source: 'tv' })],
  [
    'restored “x.mp4” to the root from the web app',
    makeEvent('FileRestored', { fileId: FILE, folderId: null }),
  ],
  [
    'deleted “x.mp4” forever automatically',
    makeEvent('FileDeleted', { fileId: FILE, telegram: location }, { source: 'system' }),
  ],
  ['created folder “Season 1” in “Series” from the web app', folderCreated(id(5), 'Season 1', SERIES)],
  [
    'renamed folder “Old” to “Older” from the web app',
    makeEvent('FolderRenamed', { folderId: MOVIES, from: 'Old', to: 'Older' }),
  ],
  [
    'moved folder “Series” from “Movies” to the root from the web app',
    makeEvent('FolderMoved', { folderId: SERIES, fromParentId: MOVIES, toParentId: null }),
  ],
  [
    'trashed folder “Movies” with 3 files and 1 folder from the web app',
    makeEvent('FolderTrashed', {
      folderId: MOVIES,
      descendantFolderIds: [SERIES],
      fileIds: [id(1), id(2), id(3)],
    }),
  ],
  [
    'trashed folder “Movies” from the web app',
    makeEvent('FolderTrashed', { folderId: MOVIES, descendantFolderIds: [], fileIds: [] }),
  ],
  [
    'restored folder “Movies” with 1 file to “Series” from the web app',
    makeEvent('FolderRestored', {
      folderId: MOVIES,
      parentId: SERIES,
      descendantFolderIds: [],
      fileIds: [FILE],
    }),
  ],
  [
    'deleted folder “Movies” forever with 2 folders from the web app',
    makeEvent('FolderDeleted', {
      folderId: MOVIES,
      descendantFolderIds: [id(7), id(8)],
      files: [],
    }),
  ],
  ['finished watching “x.mp4” on the TV app', playbackCompleted({ fileId: FILE, deviceId: 'tv-1' })],
  [
    'registered as “Ada” (@ada)',
    makeEvent('UserRegistered', { userId: '1001', firstName: 'Ada', username: 'ada' }),
  ],
  [
    'signed in on “Living room” (TV)',
    makeEvent('DeviceSignedIn', { deviceId: 'tv-1', name: 'Living room', kind: 'tv' }),
  ],
  [
    'revoked the sign-in of “Living room” from the web app',
    makeEvent('DeviceSignedOut', { deviceId: 'tv-1', reason: 'revoked' }),
  ],
  [
    'signed out “Living room” because its sign-in token was used twice',
    makeEvent('DeviceSignedOut', { deviceId: 'tv-1', reason: 'token_reuse' }, { source: 'system' }),
  ],
  [
    'shared “x.mp4” with a link until 2026-01-31 18:00 UTC from the web app',
    makeEvent('ShareLinkCreated', {
      shareId: 'share-aaaaaaaaaaaaaaaa',
      fileId: FILE,
      expiresAt: '2026-01-31T18:00:00.000Z',
    }),
  ],
  [
    'revoked the share link of “x.mp4” from the web app',
    makeEvent('ShareLinkRevoked', { shareId: 'share-aaaaaaaaaaaaaaaa' }),
  ],
];

describe('summarizeEvent', () => {
  it.each(cases)('%s', async (expected, event) => {
    expect(await summarizeEvent(event, names)).toBe(expected);
  });
});
