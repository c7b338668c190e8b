import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id, makeEvent, USER_A, USER_B } from '../testing/event-builder.ts';
import { createProjectionHarness, type ProjectionHarness } from '../testing/projection-harness.ts';
import {
  getShareLink,
  listShareLinks,
  type ShareLink,
  type ShareLinksTables,
  shareLinksProjection,
} from './share-links.projection.ts';

let harness: ProjectionHarness<ShareLinksTables>;
beforeAll(async () => {
  harness = await createProjectionHarness([shareLinksProjection]);
});
afterAll(() => harness.close());

const share = (n: number) => `share-${String(n).padStart(16, '0')}`;
const NOW = new Date('2025-08-15T00:00:00.000Z');
const LOCATION = { channelId: '-1001', messageId: 1, documentId: 'd', dcId: 2 };

const links = () => [
  makeEvent(
    'ShareLinkCreated',
    { shareId: share(1), fileId: id(1), expiresAt: null },
    { occurredAt: '2025-08-01T00:00:00.000Z' },
  ),
  makeEvent(
    'ShareLinkCreated',
    { shareId: share(2), fileId: id(1), expiresAt: '2025-08-10T00:00:00.000Z' },
    { occurredAt: '2025-08-02T00:00:00.000Z' },
  ),
  makeEvent(
    'ShareLinkCreated',
    { shareId: share(3), fileId: id(2), expiresAt: '2025-09-01T00:00:00.000Z' },
    { occurredAt: '2025-08-03T00:00:00.000Z' },
  ),
  makeEvent('ShareLinkRevoked', { shareId: share(3) }, { occurredAt: '2025-08-04T00:00:00.000Z' }),
];

const statuses = (list: ShareLink[]) => list.map((link) => [link.shareId, link.status]);

describe('share_links projection', () => {
  it('finds a share by id alone, with its status as of now', async () => {
    const { result, changes } = await harness.project(links(), async () => ({
      first: await getShareLink(harness.db, share(1), NOW),
      expired: (await getShareLink(harness.db, share(2), NOW))?.status,
      stillValidBefore: (await getShareLink(harness.db, share(2), new Date('2025-08-09T00:00:00.000Z')))
        ?.status,
      revoked: (await getShareLink(harness.db, share(3), NOW))?.status,
      unknown: await getShareLink(harness.db, share(9), NOW),
    }));
    expect(result).toEqual({
      first: {
        shareId: share(1),
        userId: USER_A,
        fileId: id(1),
        createdAt: '2025-08-01T00:00:00.000Z',
        expiresAt: null,
        revokedAt: null,
        status: 'active',
      },
      expired: 'expired',
      stillValidBefore: 'active',
      revoked: 'revoked',
      unknown: null,
    });
    expect(changes.map((change) => change.id)).toEqual([share(1), share(2), share(3), share(3)]);
  });

  it("lists a user's links newest first, by file and active only on request", async () => {
    const { result } = await harness.project(links(), async () => ({
      all: statuses(await listShareLinks(harness.db, USER_A, NOW)),
      ofFile: statuses(await listShareLinks(harness.db, USER_A, NOW, { fileId: id(1) })),
      active: statuses(await listShareLinks(harness.db, USER_A, NOW, { activeOnly: true })),
    }));
    expect(result).toEqual({
      all: [
        [share(3), 'revoked'],
        [share(2), 'expired'],
        [share(1), 'active'],
      ],
      ofFile: [
        [share(2), 'expired'],
        [share(1), 'active'],
      ],
      active: [[share(1), 'active']],
    });
  });

  it('drops the links of files deleted forever', async () => {
    const events = [
      ...links(),
      makeEvent('FileDeleted', { fileId: id(1), telegram: LOCATION }),
      makeEvent('FolderDeleted', {
        folderId: id(50),
        descendantFolderIds: [],
        files: [{ fileId: id(2), telegram: LOCATION }],
      }),
    ];
    const { result, changes } = await harness.project(events, () => listShareLinks(harness.db, USER_A, NOW));
    expect(result).toEqual([]);
    expect(changes.filter((change) => change.removed).map((change) => change.id)).toEqual([
      share(1),
      share(2),
      share(3),
    ]);
  });

  it("never lets one user's events touch another user's links", async () => {
    const events = [
      ...links(),
      makeEvent('ShareLinkRevoked', { shareId: share(1) }, { userId: USER_B }),
      makeEvent(
        'ShareLinkCreated',
        { shareId: share(1), fileId: id(7), expiresAt: null },
        { userId: USER_B },
      ),
      makeEvent('FileDeleted', { fileId: id(1), telegram: LOCATION }, { userId: USER_B }),
    ];
    const { result } = await harness.project(events, async () => ({
      link: await getShareLink(harness.db, share(1), NOW),
      b: await listShareLinks(harness.db, USER_B, NOW),
    }));
    expect(result).toEqual({
      link: expect.objectContaining({ userId: USER_A, fileId: id(1), status: 'active' }),
      b: [],
    });
  });
});
