import { api, writeHeaders } from '../api/api.ts';
import { unwrap } from '../api/api-errors.ts';
import { copyText } from '../ui/clipboard.ts';
import type { LibraryFile, LibraryFolder } from './library-order.ts';
import { parseKey } from './library-view.svelte.ts';
import { mediaUrls } from './media-urls.ts';

// The library's writes, shared by the library page, its menus and dialogs, and the trash and history
// pages. A write answers with the item as it now is, or `{ position }` when the read models lag (the
// live channel then brings the change a moment later).

const isItem = <T extends { id: string }>(answer: T | { position: string }): answer is T => 'id' in answer;

export async function renameFile(fileId: string, name: string): Promise<LibraryFile | null> {
  const answer = await unwrap(
    api.updateFile({ params: { path: { fileId }, ...writeHeaders() }, body: { name } }),
  );
  return isItem(answer) ? answer : null;
}

export async function renameFolder(folderId: string, name: string): Promise<LibraryFolder | null> {
  const answer = await unwrap(
    api.updateFolder({ params: { path: { folderId }, ...writeHeaders() }, body: { name } }),
  );
  return isItem(answer) ? answer : null;
}

export async function createFolder(name: string, parentId: string | null): Promise<LibraryFolder | null> {
  const answer = await unwrap(api.createFolder({ params: writeHeaders(), body: { name, parentId } }));
  return isItem(answer) ? answer : null;
}

export interface BatchOutcome {
  done: string[];
  failed: { key: string; message: string }[];
}

/** Moves files and folders (by item key) into a folder (null: the top level). */
export async function moveItems(keys: readonly string[], folderId: string | null): Promise<BatchOutcome> {
  return eachItem(keys, async ({ type, id }) => {
    if (type === 'file') {
      await unwrap(
        api.updateFile({ params: { path: { fileId: id }, ...writeHeaders() }, body: { folderId } }),
      );
    } else {
      await unwrap(
        api.updateFolder({
          params: { path: { folderId: id }, ...writeHeaders() },
          body: { parentId: folderId },
        }),
      );
    }
  });
}

/** Moves files and folders to the trash: files in one batch, folders one by one. */
export async function trashItems(keys: readonly string[]): Promise<BatchOutcome> {
  const fileKeys = keys.filter((key) => parseKey(key).type === 'file');
  const folderKeys = keys.filter((key) => parseKey(key).type === 'folder');
  const outcome: BatchOutcome = { done: [], failed: [] };
  if (fileKeys.length > 0) {
    try {
      const answer = await unwrap(
        api.trashFiles({
          params: writeHeaders(),
          body: { fileIds: fileKeys.map((key) => parseKey(key).id) },
        }),
      );
      if ('failed' in answer) {
        const failed = new Map(
          answer.failed.map((failure) => [`file:${failure.fileId}`, failure.error.message]),
        );
        for (const key of fileKeys) {
          const message = failed.get(key);
          if (message === undefined) outcome.done.push(key);
          else outcome.failed.push({ key, message });
        }
      } else {
        outcome.done.push(...fileKeys);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome.failed.push(...fileKeys.map((key) => ({ key, message })));
    }
  }
  const folders = await eachItem(folderKeys, ({ id }) =>
    unwrap(api.trashFolder({ params: { path: { folderId: id }, ...writeHeaders() } })),
  );
  return { done: [...outcome.done, ...folders.done], failed: [...outcome.failed, ...folders.failed] };
}

export async function restoreItems(keys: readonly string[]): Promise<BatchOutcome> {
  return eachItem(keys, ({ type, id }) =>
    type === 'file'
      ? unwrap(api.restoreFile({ params: { path: { fileId: id }, ...writeHeaders() } }))
      : unwrap(api.restoreFolder({ params: { path: { folderId: id }, ...writeHeaders() } })),
  );
}

export async function deleteForever(key: string): Promise<void> {
  const { type, id } = parseKey(key);
  if (type === 'file')
    await unwrap(api.deleteFileForever({ params: { path: { fileId: id }, ...writeHeaders() } }));
  else await unwrap(api.deleteFolderForever({ params: { path: { folderId: id }, ...writeHeaders() } }));
}

export const SHARE_EXPIRY_CHOICES = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: 'Never', seconds: null },
] as const;

export async function createShareLink(fileId: string, expiresInSeconds: number | null) {
  const answer = await unwrap(
    api.createShareLink({
      params: writeHeaders(),
      body: expiresInSeconds === null ? { fileId } : { fileId, expiresInSeconds },
    }),
  );
  return 'url' in answer ? answer : null;
}

/** Copies a public link to the file: an active one if there is one, else a new one for 7 days. */
export async function copyShareLink(fileId: string): Promise<'copied' | 'pending' | 'failed'> {
  const existing = await unwrap(api.listShareLinks({ params: { query: { fileId, activeOnly: 'true' } } }));
  const link = existing.items[0] ?? (await createShareLink(fileId, 7 * 86_400));
  if (!link) return 'pending';
  return (await copyText(link.url)) ? 'copied' : 'failed';
}

/** Starts a download through the file's signed download URL (an attachment: the page stays). */
export async function downloadFile(fileId: string): Promise<void> {
  const urls = await mediaUrls(fileId);
  const link = document.createElement('a');
  link.href = urls.download.url;
  link.rel = 'noopener';
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
}

async function eachItem(
  keys: readonly string[],
  act: (item: { type: 'file' | 'folder'; id: string }) => Promise<unknown>,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { done: [], failed: [] };
  // A few at a time: fast enough for a selection, gentle on the API's rate limit.
  const queue = [...keys];
  const worker = async () => {
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
      try {
        await act(parseKey(key));
        outcome.done.push(key);
      } catch (error) {
        outcome.failed.push({ key, message: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, keys.length) }, worker));
  return outcome;
}
