import type { Schemas } from '@teleplay/api-client';
import type { RealtimeChangeMessage } from '@teleplay/contracts';
import { api } from '../api/api.ts';
import { describeError, unwrap } from '../api/api-errors.ts';
import { fileKey, folderKey } from '../library/library-view.svelte.ts';

export type TrashItem = Schemas['TrashItem'];

export const trashKey = (item: TrashItem) =>
  item.type === 'file' ? fileKey(item.file.id) : folderKey(item.folder.id);

/** The trash, newest first: what was trashed on its own (a folder's contents go with it). */
export class TrashList {
  items = $state<TrashItem[]>([]);
  nextCursor = $state<string | null>(null);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  async load(): Promise<void> {
    try {
      const page = await unwrap(api.listTrash({ params: { query: { limit: 100 } } }));
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.status = 'ready';
      this.error = null;
    } catch (error) {
      this.error = describeError(error);
      if (this.status !== 'ready') this.status = 'error';
    }
  }

  async loadMore(): Promise<void> {
    const cursor = this.nextCursor;
    if (!cursor) return;
    try {
      const page = await unwrap(api.listTrash({ params: { query: { limit: 100, cursor } } }));
      this.items = [...this.items, ...page.items];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.error = describeError(error);
    }
  }

  /** Any library change may add to or take from the trash: one reload for a burst of them. */
  apply(change: RealtimeChangeMessage): void {
    if (change.type !== 'LibraryFileChanged' && change.type !== 'LibraryFolderChanged') return;
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => void this.load(), 150);
  }

  /** Takes items off the list at once (restored or deleted here). */
  forget(keys: Iterable<string>): void {
    const gone = new Set(keys);
    this.items = this.items.filter((item) => !gone.has(trashKey(item)));
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }
}
