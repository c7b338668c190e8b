import { RealtimeChangeMessage, type ShareLinkDto } from '@teleplay/contracts';
import { makePosition } from '@teleplay/eventstore';
import { describe, expect, it } from 'vitest';
import type { FeedChange, LiveChangeKind } from './change-feed.ts';
import { type ChangeLoaders, createChangeLoader } from './change-loader.ts';
import { uuid } from './testing/live-changes.ts';

const SHARE_ID = 'share_link_0123456789';
const share: ShareLinkDto = {
  id: SHARE_ID,
  fileId: uuid(1),
  createdAt: '2025-01-01T00:00:00.000Z',
  expiresAt: null,
  revokedAt: null,
};

/** Read models holding one share link and nothing else. */
const loaders: ChangeLoaders = {
  file: async () => null,
  folder: async () => null,
  progress: async () => null,
  device: async () => null,
  share: async (_userId, shareId) => (shareId === SHARE_ID ? share : null),
};
const loadChange = createChangeLoader(loaders);

const change = (kind: string, entityId: string, removed = false): FeedChange => ({
  position: makePosition(5n, 1n),
  userId: '1001',
  kind: kind as LiveChangeKind,
  entityId,
  removed,
  eventPosition: makePosition(3n, 3n),
  createdAt: new Date(),
});

describe('change loader', () => {
  it('sends the item as the read model has it now', async () => {
    const payload = await loadChange(change('share', SHARE_ID));
    expect(payload).toEqual({ type: 'ShareLinkChanged', removed: false, shareId: SHARE_ID, share });
    expect(RealtimeChangeMessage.safeParse({ ...payload, position: makePosition(5n, 1n) }).success).toBe(
      true,
    );
  });

  it('sends a removal without reading anything', async () => {
    const cases = [
      ['file', 'LibraryFileChanged', 'fileId'],
      ['folder', 'LibraryFolderChanged', 'folderId'],
      ['progress', 'ProgressChanged', 'fileId'],
      ['device', 'DeviceChanged', 'deviceId'],
      ['share', 'ShareLinkChanged', 'shareId'],
    ] as const;
    for (const [kind, type, idKey] of cases) {
      const id = kind === 'share' ? SHARE_ID : kind === 'device' ? 'tv-1' : uuid(2);
      expect(await loadChange(change(kind, id, true))).toEqual({ type, removed: true, [idKey]: id });
    }
  });

  it('sends nothing for an item that is gone or a kind it does not know', async () => {
    expect(await loadChange(change('file', uuid(3)))).toBeNull();
    expect(await loadChange(change('playlist', uuid(3)))).toBeNull();
  });
});
