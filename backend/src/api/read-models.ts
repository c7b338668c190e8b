import {
  continueWatchingProjection,
  devicesProjection,
  InvalidCursorError,
  libraryFilesProjection,
  libraryFoldersProjection,
  librarySearchProjection,
  shareLinksProjection,
  watchProgressProjection,
} from '@teleplay/projections';
import { ApiError } from '../plugins/errors.plugin.ts';

/**
 * What a write waits for before it answers: every read model its change shows in (the audit history
 * aside), so that the answer and whatever the client reads next already include it.
 */
export const READ_MODELS_OF = {
  library: [libraryFilesProjection.name, libraryFoldersProjection.name, librarySearchProjection.name],
  playback: [watchProgressProjection.name, continueWatchingProjection.name],
  devices: [devicesProjection.name],
  shareLinks: [shareLinksProjection.name],
} as const;

/** Reads a page; a cursor the read model does not accept is the client's mistake (400). */
export async function readPage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new ApiError(400, 'invalid_cursor', error.message);
    throw error;
  }
}

/**
 * Answers for what the user's read models do not hold. Another user's item gets the same answer as
 * one that never existed: nothing tells them apart. Codes and messages are the deciders'.
 */
export const notFound = {
  file: (fileId: string) => new ApiError(404, 'file_not_found', `file ${fileId} does not exist`),
  folder: (folderId: string) => new ApiError(404, 'folder_not_found', `folder ${folderId} does not exist`),
  device: (deviceId: string) => new ApiError(404, 'device_not_found', `device ${deviceId} never signed in`),
  shareLink: (shareId: string) =>
    new ApiError(404, 'share_link_not_found', `share link ${shareId} does not exist`),
};
