import type {
  DeviceDto,
  FileDto,
  FolderDto,
  ShareLinkDto,
  UserId,
  WatchProgressDto,
} from '@teleplay/contracts';
import type { ChangePayload, LoadChange } from './realtime-hub.ts';

/** How to read each kind of item as the read models serve it; null when it does not exist. */
export interface ChangeLoaders {
  file(userId: UserId, fileId: string): Promise<FileDto | null>;
  folder(userId: UserId, folderId: string): Promise<FolderDto | null>;
  /** With the name of the device the file was last played on. */
  progress(userId: UserId, fileId: string): Promise<WatchProgressDto | null>;
  device(userId: UserId, deviceId: string): Promise<DeviceDto | null>;
  share(userId: UserId, shareId: string): Promise<ShareLinkDto | null>;
}

/**
 * The hub's `loadChange` from one reader per kind: a removal becomes its message without a read;
 * anything else is read now, and an item that no longer exists sends nothing (its removal follows).
 */
export function createChangeLoader(loaders: ChangeLoaders): LoadChange {
  return async ({ kind, userId, entityId: id, removed }): Promise<ChangePayload | null> => {
    switch (kind) {
      case 'file': {
        const type = 'LibraryFileChanged';
        if (removed) return { type, removed, fileId: id };
        const file = await loaders.file(userId, id);
        return file && { type, removed, fileId: id, file };
      }
      case 'folder': {
        const type = 'LibraryFolderChanged';
        if (removed) return { type, removed, folderId: id };
        const folder = await loaders.folder(userId, id);
        return folder && { type, removed, folderId: id, folder };
      }
      case 'progress': {
        const type = 'ProgressChanged';
        if (removed) return { type, removed, fileId: id };
        const progress = await loaders.progress(userId, id);
        return progress && { type, removed, fileId: id, progress };
      }
      case 'device': {
        const type = 'DeviceChanged';
        if (removed) return { type, removed, deviceId: id };
        const device = await loaders.device(userId, id);
        return device && { type, removed, deviceId: id, device };
      }
      case 'share': {
        const type = 'ShareLinkChanged';
        if (removed) return { type, removed, shareId: id };
        const share = await loaders.share(userId, id);
        return share && { type, removed, shareId: id, share };
      }
      default:
        // A kind this version does not push (a newer projector wrote it).
        return null;
    }
  };
}
