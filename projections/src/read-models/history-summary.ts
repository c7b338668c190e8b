import {
  type DeviceKind,
  type EventSource,
  HistoryEventType as HistoryEventTypeSchema,
} from '@teleplay/contracts';
import type { ProjectedEvent } from '../projection.ts';
import type { Projected } from './read-model-support.ts';

/** The event types the audit timeline records: the API's contract for its `type` filter. */
export const HISTORY_EVENT_TYPES = HistoryEventTypeSchema.options;
export type HistoryEventType = (typeof HISTORY_EVENT_TYPES)[number];
export type HistoryEvent = Projected<HistoryEventType>;

const historyTypes = new Set<string>(HISTORY_EVENT_TYPES);
export function isHistoryEvent(event: ProjectedEvent): event is HistoryEvent {
  return historyTypes.has(event.type);
}

/** Names as they were just before the event (the timeline renders each line once, when recorded). */
export interface HistoryNames {
  file(fileId: string): Promise<string | null>;
  folder(folderId: string): Promise<string | null>;
  device(deviceId: string): Promise<string | null>;
  /** Name of the file a share link was created for. */
  sharedFile(shareId: string): Promise<string | null>;
}

const FROM_SOURCE: Record<EventSource, string> = {
  bot: 'from the bot',
  web: 'from the web app',
  tv: 'from the TV app',
  mobile: 'from the mobile app',
  system: 'automatically',
};

const PLAYED_ON: Record<EventSource, string> = {
  bot: 'via the bot',
  web: 'in the web app',
  tv: 'on the TV app',
  mobile: 'on the mobile app',
  system: '',
};

const DEVICE_KINDS: Record<DeviceKind, string> = { web: 'web', tv: 'TV', mobile: 'phone' };

const quote = (name: string) => `“${name}”`;

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** " with 3 files and 1 folder", or nothing for an empty folder. */
function withItems(files: number, folders: number): string {
  const parts = [
    files > 0 ? count(files, 'file', 'files') : null,
    folders > 0 ? count(folders, 'folder', 'folders') : null,
  ];
  const listed = parts.filter((part) => part !== null);
  return listed.length === 0 ? '' : ` with ${listed.join(' and ')}`;
}

/** "2026-01-31 18:00 UTC" */
function formatTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One line of the audit timeline, e.g. `renamed “a.mkv” to “b.mkv” from the web app`. */
export async function summarizeEvent(event: HistoryEvent, names: HistoryNames): Promise<string> {
  const file = async (fileId: string) => {
    const name = await names.file(fileId);
    return name === null ? 'a file' : quote(name);
  };
  const folder = async (folderId: string) => {
    const name = await names.folder(folderId);
    return name === null ? 'a folder' : quote(name);
  };
  const place = (folderId: string | null) =>
    folderId === null ? Promise.resolve('the root') : folder(folderId);
  const device = async (deviceId: string) => {
    const name = await names.device(deviceId);
    return name === null ? 'a device' : quote(name);
  };
  const from = FROM_SOURCE[event.metadata.source];
  const line = (...words: string[]) => words.filter((word) => word !== '').join(' ');

  switch (event.type) {
    case 'FileUploaded': {
      const { name, folderId } = event.data;
      return line('uploaded', quote(name), folderId === null ? '' : `to ${await folder(folderId)}`, from);
    }
    case 'FileRenamed':
      return line('renamed', quote(event.data.from), 'to', quote(event.data.to), from);
    case 'FileMoved':
      return line(
        'moved',
        await file(event.data.fileId),
        'from',
        await place(event.data.fromFolderId),
        'to',
        await place(event.data.toFolderId),
        from,
      );
    case 'FileTrashed':
      return line('trashed', await file(event.data.fileId), from);
    case 'FileRestored':
      return line('restored', await file(event.data.fileId), 'to', await place(event.data.folderId), from);
    case 'FileDeleted':
      return line('deleted', await file(event.data.fileId), 'forever', from);
    case 'FolderCreated': {
      const { name, parentId } = event.data;
      return line(
        'created folder',
        quote(name),
        parentId === null ? '' : `in ${await folder(parentId)}`,
        from,
      );
    }
    case 'FolderRenamed':
      return line('renamed folder', quote(event.data.from), 'to', quote(event.data.to), from);
    case 'FolderMoved':
      return line(
        'moved folder',
        await folder(event.data.folderId),
        'from',
        await place(event.data.fromParentId),
        'to',
        await place(event.data.toParentId),
        from,
      );
    case 'FolderTrashed': {
      const { folderId, fileIds, descendantFolderIds } = event.data;
      return line(
        `trashed folder ${await folder(folderId)}${withItems(fileIds.length, descendantFolderIds.length)}`,
        from,
      );
    }
    case 'FolderRestored': {
      const { folderId, parentId, fileIds, descendantFolderIds } = event.data;
      const items = withItems(fileIds.length, descendantFolderIds.length);
      return line(`restored folder ${await folder(folderId)}${items}`, 'to', await place(parentId), from);
    }
    case 'FolderDeleted': {
      const { folderId, files, descendantFolderIds } = event.data;
      return line(
        `deleted folder ${await folder(folderId)} forever${withItems(files.length, descendantFolderIds.length)}`,
        from,
      );
    }
    case 'PlaybackCompleted':
      return line('finished watching', await file(event.data.fileId), PLAYED_ON[event.metadata.source]);
    case 'UserRegistered': {
      const { firstName, username } = event.data;
      return line('registered as', quote(firstName), username === null ? '' : `(@${username})`);
    }
    case 'DeviceSignedIn':
      return line('signed in on', quote(event.data.name), `(${DEVICE_KINDS[event.data.kind]})`);
    case 'DeviceSignedOut': {
      const name = await device(event.data.deviceId);
      const byReason = {
        logout: line('signed out of', name, from),
        revoked: line('revoked the sign-in of', name, from),
        token_reuse: line('signed out', name, 'because its sign-in token was used twice'),
      } satisfies Record<typeof event.data.reason, string>;
      return byReason[event.data.reason];
    }
    case 'ShareLinkCreated': {
      const { fileId, expiresAt } = event.data;
      return line(
        'shared',
        await file(fileId),
        'with a link',
        expiresAt === null ? '' : `until ${formatTime(expiresAt)}`,
        from,
      );
    }
    case 'ShareLinkRevoked': {
      const name = await names.sharedFile(event.data.shareId);
      return line('revoked the share link of', name === null ? 'a file' : quote(name), from);
    }
  }
}
