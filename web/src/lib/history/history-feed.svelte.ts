import type { Schemas } from '@teleplay/api-client';
import type { RealtimeChangeMessage } from '@teleplay/contracts';
import { SvelteSet } from 'svelte/reactivity';
import { api } from '../api/api.ts';
import { describeError, unwrap } from '../api/api-errors.ts';
import { fileKey, folderKey } from '../library/library-view.svelte.ts';
import { trashKey } from '../trash/trash-list.svelte.ts';

export type HistoryEntry = Schemas['HistoryEntry'];
export type HistoryEventType = Schemas['HistoryEventType'];

export const HISTORY_GROUPS: { id: string; label: string; types: HistoryEventType[] }[] = [
  { id: 'uploads', label: 'Uploads', types: ['FileUploaded'] },
  {
    id: 'changes',
    label: 'Renames and moves',
    types: ['FileRenamed', 'FileMoved', 'FolderCreated', 'FolderRenamed', 'FolderMoved'],
  },
  {
    id: 'trash',
    label: 'Trash',
    types: ['FileTrashed', 'FileRestored', 'FileDeleted', 'FolderTrashed', 'FolderRestored', 'FolderDeleted'],
  },
  { id: 'playback', label: 'Playback', types: ['PlaybackCompleted'] },
  {
    id: 'account',
    label: 'Sign-ins and sharing',
    types: ['UserRegistered', 'DeviceSignedIn', 'DeviceSignedOut', 'ShareLinkCreated', 'ShareLinkRevoked'],
  },
];

/** The key of the item an entry can bring back from the trash, if it is a trashing. */
export function undoableKey(entry: HistoryEntry): string | null {
  if (entry.type === 'FileTrashed' && entry.fileId) return fileKey(entry.fileId);
  if (entry.type === 'FolderTrashed' && entry.folderId) return folderKey(entry.folderId);
  return null;
}

/**
 * The audit timeline, newest first: everything, or one file's, filtered by kind of event and time.
 * Trashings of items that are still in the trash can be undone (`trashed` holds their keys).
 */
export class HistoryFeed {
  fileId = $state<string | null>(null);
  fileName = $state<string | null>(null);
  groups = new SvelteSet<string>();
  from = $state('');
  to = $state('');
  items = $state<HistoryEntry[]>([]);
  nextCursor = $state<string | null>(null);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  readonly trashed = new SvelteSet<string>();
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;
  #request = 0;

  get types(): HistoryEventType[] {
    return HISTORY_GROUPS.filter((group) => this.groups.has(group.id)).flatMap((group) => group.types);
  }

  async load(): Promise<void> {
    const request = ++this.#request;
    try {
      const [page] = await Promise.all([this.#page(undefined), this.#loadTrashed(), this.#loadFileName()]);
      if (request !== this.#request) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.status = 'ready';
      this.error = null;
    } catch (error) {
      if (request !== this.#request) return;
      this.error = describeError(error);
      if (this.status !== 'ready') this.status = 'error';
    }
  }

  async loadMore(): Promise<void> {
    const cursor = this.nextCursor;
    if (!cursor) return;
    try {
      const page = await this.#page(cursor);
      this.items = [...this.items, ...page.items];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.error = describeError(error);
    }
  }

  toggleGroup(id: string): void {
    if (this.groups.has(id)) this.groups.delete(id);
    else this.groups.add(id);
    void this.load();
  }

  apply(change: RealtimeChangeMessage): void {
    if (change.type === 'ProgressChanged') return;
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => void this.load(), 300);
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }

  async #page(cursor: string | undefined): Promise<{ items: HistoryEntry[]; nextCursor: string | null }> {
    const types = this.types;
    if (this.fileId) {
      // One file's history has no filters on the server: they apply here.
      const page = await unwrap(
        api.getFileHistory({ params: { path: { fileId: this.fileId }, query: { cursor, limit: 100 } } }),
      );
      return { ...page, items: page.items.filter((entry) => this.#keep(entry, types)) };
    }
    return unwrap(
      api.listHistory({
        params: {
          query: {
            type: types.length > 0 ? types : undefined,
            from: this.from ? new Date(`${this.from}T00:00:00`).toISOString() : undefined,
            to: this.to ? new Date(`${this.to}T23:59:59.999`).toISOString() : undefined,
            cursor,
            limit: 100,
          },
        },
      }),
    );
  }

  #keep(entry: HistoryEntry, types: HistoryEventType[]): boolean {
    if (types.length > 0 && !types.includes(entry.type)) return false;
    const at = Date.parse(entry.occurredAt);
    if (this.from && at < Date.parse(`${this.from}T00:00:00`)) return false;
    if (this.to && at > Date.parse(`${this.to}T23:59:59.999`)) return false;
    return true;
  }

  async #loadTrashed(): Promise<void> {
    const trash = await unwrap(api.listTrash({ params: { query: { limit: 200 } } }));
    this.trashed.clear();
    for (const item of trash.items) this.trashed.add(trashKey(item));
  }

  async #loadFileName(): Promise<void> {
    if (!this.fileId) {
      this.fileName = null;
      return;
    }
    try {
      this.fileName = (await unwrap(api.getFile({ params: { path: { fileId: this.fileId } } }))).name;
    } catch {
      this.fileName = null;
    }
  }
}
