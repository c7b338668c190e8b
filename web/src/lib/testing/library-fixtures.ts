import type { LibraryFile, LibraryFolder } from '../library/library-order.ts';

let sequence = 0;
const uuid = () => {
  sequence += 1;
  return `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
};

/** A file as the API serves it, with what a test cares about overridden. */
export function makeFile(overrides: Partial<LibraryFile> = {}): LibraryFile {
  const at = '2026-11-25T10:00:00.000Z';
  return {
    id: uuid(),
    folderId: null,
    name: 'file.mp4',
    size: 1000,
    mimeType: 'video/mp4',
    kind: 'video',
    durationSeconds: 60,
    width: 1280,
    height: 720,
    thumbnail: null,
    telegram: { channelId: '1000000001', messageId: 1, documentId: '1', dcId: 2 },
    origin: { chatId: '100000001', messageId: 1 },
    uploadedFrom: 'bot',
    trashed: false,
    trashedAt: null,
    trashedWith: null,
    uploadedAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function makeFolder(overrides: Partial<LibraryFolder> = {}): LibraryFolder {
  const at = '2026-11-25T10:00:00.000Z';
  return {
    id: uuid(),
    parentId: null,
    name: 'Folder',
    trashed: false,
    trashedAt: null,
    trashedWith: null,
    createdAt: at,
    updatedAt: at,
    folderCount: 0,
    fileCount: 0,
    size: 0,
    totalFolderCount: 0,
    totalFileCount: 0,
    totalSize: 0,
    ...overrides,
  };
}

/** A feed position for change messages. */
export const feedPosition = (n: number) => `${String(n).padStart(20, '0')}:${String(n).padStart(20, '0')}`;
