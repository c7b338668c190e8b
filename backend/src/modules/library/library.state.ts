import {
  type FileId,
  type FolderId,
  type LibraryEvent,
  nameKey,
  type TelegramLocation,
  type UploadOrigin,
} from '@teleplay/contracts';
import { Set as ImmutableSet, OrderedMap } from 'immutable';

/**
 * The state of one user's library (`library-{userId}`), as the decider needs it. Persistent
 * collections keep `evolve` pure and cheap: folding an event shares everything it does not touch.
 * Ordered maps keep creation order, so cascades list their items in a stable, meaningful order.
 */
export interface LibraryState {
  files: OrderedMap<FileId, LibraryFile>;
  folders: OrderedMap<FolderId, LibraryFolder>;
  /** Every upload ever recorded, by `originKey`, deleted files included: a redelivery is a no-op. */
  origins: ImmutableSet<string>;
}

/** Trashed by its own command, or together with a folder (then it comes back only with that folder). */
export type FileTrash = { kind: 'direct' } | { kind: 'with_folder'; folderId: FolderId };

/** A directly trashed folder remembers exactly what went to the trash with it. */
export type FolderTrash =
  | { kind: 'direct'; folderIds: readonly FolderId[]; fileIds: readonly FileId[] }
  | { kind: 'with_folder'; folderId: FolderId };

export interface LibraryFile {
  fileId: FileId;
  folderId: FolderId | null;
  name: string;
  durationSeconds: number | null;
  telegram: TelegramLocation;
  trash: FileTrash | null;
}

export interface LibraryFolder {
  folderId: FolderId;
  parentId: FolderId | null;
  name: string;
  trash: FolderTrash | null;
}

export function initialLibraryState(): LibraryState {
  return { files: OrderedMap(), folders: OrderedMap(), origins: ImmutableSet() };
}

export function originKey(origin: UploadOrigin): string {
  return `${origin.chatId}:${origin.messageId}`;
}

export function evolveLibrary(state: LibraryState, event: LibraryEvent): LibraryState {
  const { files, folders } = state;
  switch (event.type) {
    case 'FileUploaded': {
      const { fileId, folderId, name, durationSeconds, telegram, origin } = event.data;
      return {
        ...state,
        files: files.set(fileId, { fileId, folderId, name, durationSeconds, telegram, trash: null }),
        origins: state.origins.add(originKey(origin)),
      };
    }
    case 'FileRenamed':
      return { ...state, files: updateFile(files, event.data.fileId, { name: event.data.to }) };
    case 'FileMoved':
      return { ...state, files: updateFile(files, event.data.fileId, { folderId: event.data.toFolderId }) };
    case 'FileTrashed':
      return { ...state, files: updateFile(files, event.data.fileId, { trash: { kind: 'direct' } }) };
    case 'FileRestored':
      return {
        ...state,
        files: updateFile(files, event.data.fileId, { folderId: event.data.folderId, trash: null }),
      };
    case 'FileDeleted':
      return { ...state, files: files.delete(event.data.fileId) };
    case 'FolderCreated': {
      const { folderId, parentId, name } = event.data;
      return { ...state, folders: folders.set(folderId, { folderId, parentId, name, trash: null }) };
    }
    case 'FolderRenamed':
      return { ...state, folders: updateFolder(folders, event.data.folderId, { name: event.data.to }) };
    case 'FolderMoved':
      return {
        ...state,
        folders: updateFolder(folders, event.data.folderId, { parentId: event.data.toParentId }),
      };
    case 'FolderTrashed': {
      const { folderId, descendantFolderIds, fileIds } = event.data;
      const cascade = { kind: 'with_folder', folderId } as const;
      return {
        ...state,
        folders: folders.withMutations((mutable) => {
          updateFolder(mutable, folderId, {
            trash: { kind: 'direct', folderIds: descendantFolderIds, fileIds },
          });
          for (const id of descendantFolderIds) updateFolder(mutable, id, { trash: cascade });
        }),
        files: files.withMutations((mutable) => {
          for (const id of fileIds) updateFile(mutable, id, { trash: cascade });
        }),
      };
    }
    case 'FolderRestored': {
      const { folderId, parentId, descendantFolderIds, fileIds } = event.data;
      return {
        ...state,
        folders: folders.withMutations((mutable) => {
          updateFolder(mutable, folderId, { parentId, trash: null });
          for (const id of descendantFolderIds) updateFolder(mutable, id, { trash: null });
        }),
        files: files.withMutations((mutable) => {
          for (const id of fileIds) updateFile(mutable, id, { trash: null });
        }),
      };
    }
    case 'FolderDeleted': {
      const { folderId, descendantFolderIds } = event.data;
      return {
        ...state,
        folders: folders.deleteAll([folderId, ...descendantFolderIds]),
        files: files.deleteAll(event.data.files.map((file) => file.fileId)),
      };
    }
  }
}

function updateFile(
  files: OrderedMap<FileId, LibraryFile>,
  fileId: FileId,
  change: Partial<LibraryFile>,
): OrderedMap<FileId, LibraryFile> {
  const file = files.get(fileId);
  return file ? files.set(fileId, { ...file, ...change }) : files;
}

function updateFolder(
  folders: OrderedMap<FolderId, LibraryFolder>,
  folderId: FolderId,
  change: Partial<LibraryFolder>,
): OrderedMap<FolderId, LibraryFolder> {
  const folder = folders.get(folderId);
  return folder ? folders.set(folderId, { ...folder, ...change }) : folders;
}

// -----------------------------------------------------------------------------------------------
// Queries over the tree, for the decider and for tests of its invariants.
// -----------------------------------------------------------------------------------------------

/** The folders below `folderId` (not itself), parents before children, siblings in creation order. */
export function descendantFolderIds(state: LibraryState, folderId: FolderId): FolderId[] {
  const children = new Map<FolderId, FolderId[]>();
  for (const folder of state.folders.values()) {
    if (folder.parentId === null) continue;
    const siblings = children.get(folder.parentId);
    if (siblings) siblings.push(folder.folderId);
    else children.set(folder.parentId, [folder.folderId]);
  }
  const found: FolderId[] = [];
  for (let next = [folderId]; next.length > 0; ) {
    next = next.flatMap((id) => children.get(id) ?? []);
    found.push(...next);
  }
  return found;
}

/** The files directly inside any of these folders, in upload order. */
export function filesInFolders(state: LibraryState, folderIds: ReadonlySet<FolderId>): LibraryFile[] {
  return [...state.files.values()].filter((file) => file.folderId !== null && folderIds.has(file.folderId));
}

/** Whether `folderId` is `ancestorId` or lies below it. */
export function isWithin(state: LibraryState, folderId: FolderId, ancestorId: FolderId): boolean {
  for (let id: FolderId | null = folderId; id !== null; id = state.folders.get(id)?.parentId ?? null) {
    if (id === ancestorId) return true;
  }
  return false;
}

/** The folder not in the trash under `parentId` whose name equals `name` case-insensitively, if any. */
export function liveFolderNamed(
  state: LibraryState,
  parentId: FolderId | null,
  name: string,
): LibraryFolder | undefined {
  const key = nameKey(name);
  return state.folders.find(
    (folder) => folder.trash === null && folder.parentId === parentId && nameKey(folder.name) === key,
  );
}
