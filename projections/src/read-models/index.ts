import type { Projection } from '../projection.ts';
import { type ContinueWatchingTables, continueWatchingProjection } from './continue-watching.projection.ts';
import { type DevicesTables, devicesProjection } from './devices.projection.ts';
import { type HistoryTables, historyProjection } from './history.projection.ts';
import { type LibraryFilesTables, libraryFilesProjection } from './library-files.projection.ts';
import { type LibraryFoldersTables, libraryFoldersProjection } from './library-folders.projection.ts';
import { type LibrarySearchTables, librarySearchProjection } from './library-search.projection.ts';
import { type ShareLinksTables, shareLinksProjection } from './share-links.projection.ts';
import { type WatchProgressTables, watchProgressProjection } from './watch-progress.projection.ts';

/** Every read model the projector runs, one per query. */
export const readModels: readonly Projection[] = [
  libraryFilesProjection,
  libraryFoldersProjection,
  librarySearchProjection,
  watchProgressProjection,
  continueWatchingProjection,
  historyProjection,
  devicesProjection,
  shareLinksProjection,
];

/** All read-model tables of the public schema: the type of the HTTP API's `Kysely`. */
export type ReadModelTables = LibraryFilesTables &
  LibraryFoldersTables &
  LibrarySearchTables &
  WatchProgressTables &
  ContinueWatchingTables &
  HistoryTables &
  DevicesTables &
  ShareLinksTables;

export {
  type ContinueWatchingItem,
  type ContinueWatchingTables,
  continueWatchingProjection,
  listContinueWatching,
} from './continue-watching.projection.ts';
export {
  type Device,
  type DevicesTables,
  devicesProjection,
  getDevice,
  listDevices,
  type SignOutReason,
} from './devices.projection.ts';
export {
  HISTORY_EVENT_TYPES,
  type HistoryEntry,
  type HistoryEventType,
  type HistoryOptions,
  type HistoryTables,
  historyProjection,
  listFileHistory,
  listHistory,
} from './history.projection.ts';
export {
  type FileDto,
  type FileSort,
  type FileThumbnail,
  findFileByOrigin,
  getFile,
  getFiles,
  type LibraryFilesTables,
  type ListFilesOptions,
  libraryFilesProjection,
  listFiles,
  listRecentFiles,
} from './library-files.projection.ts';
export {
  type BreadcrumbItem,
  type FolderContents,
  type FolderDto,
  type FolderTreeNode,
  getFolder,
  getFolderContents,
  getFolderPath,
  getFolders,
  getFolderTree,
  type LibraryFoldersTables,
  libraryFoldersProjection,
  listFolders,
} from './library-folders.projection.ts';
export {
  type LibrarySearchTables,
  librarySearchProjection,
  SEARCH_QUERY_MAX_LENGTH,
  type SearchItemType,
  type SearchOptions,
  type SearchResult,
  searchLibrary,
} from './library-search.projection.ts';
export { listTrash, type TrashItem } from './library-trash.query.ts';
export {
  DEFAULT_PAGE_SIZE,
  InvalidCursorError,
  MAX_PAGE_SIZE,
  type Page,
  type SortDirection,
} from './pagination.ts';
export {
  getShareLink,
  listShareLinks,
  type ShareLink,
  type ShareLinkStatus,
  type ShareLinksTables,
  shareLinksProjection,
} from './share-links.projection.ts';
export {
  getProgress,
  getProgressOfFiles,
  type WatchProgress,
  type WatchProgressTables,
  watchProgressProjection,
} from './watch-progress.projection.ts';
