import type { RealtimeChangeMessage } from '@teleplay/contracts';
import { SvelteSet } from 'svelte/reactivity';
import { ApiFailure, describeError, isAbort } from '../api/api-errors.ts';
import {
  type FileKind,
  type FileSort,
  fileOrder,
  folderOrder,
  type LibraryFile,
  type LibraryFolder,
  placeItem,
  type SortDirection,
} from './library-order.ts';

export interface Breadcrumb {
  id: string;
  name: string;
}

export interface FolderContentsPage {
  folder: LibraryFolder | null;
  path: Breadcrumb[];
  folders: LibraryFolder[];
  files: FilePage;
}

export interface FilePage {
  items: LibraryFile[];
  nextCursor: string | null;
}

export interface ListOptions {
  kind: FileKind | null;
  sort: FileSort;
  direction: SortDirection;
}

/** Where the view reads from: the API in the app, a fake in tests. */
export interface LibrarySource {
  contents(folderId: string | null, options: ListOptions, signal: AbortSignal): Promise<FolderContentsPage>;
  moreFiles(
    folderId: string | null,
    options: ListOptions,
    cursor: string,
    signal: AbortSignal,
  ): Promise<FilePage>;
  search(text: string, signal: AbortSignal): Promise<{ folders: LibraryFolder[]; files: LibraryFile[] }>;
}

export type LibraryItem =
  | { type: 'folder'; key: string; folder: LibraryFolder }
  | { type: 'file'; key: string; file: LibraryFile };

export const folderKey = (id: string) => `folder:${id}`;
export const fileKey = (id: string) => `file:${id}`;

/** `key` → the id and type it stands for. */
export function parseKey(key: string): { type: 'folder' | 'file'; id: string } {
  const [type, id = ''] = key.split(':', 2) as ['folder' | 'file', string];
  return { type, id };
}

export interface LibraryViewOptions {
  source: LibrarySource;
  /** How long a live arrival stays highlighted. */
  highlightMs?: number;
  searchDelayMs?: number;
}

/**
 * One folder of the library as the page shows it: its subfolders and files under the chosen filter and
 * sort (or search results), kept current by the live channel. Items that arrive live are marked
 * `fresh` for a moment; the folder itself going away (trashed in another tab) is reported in `gone`.
 */
export class LibraryView {
  folderId = $state<string | null>(null);
  folder = $state<LibraryFolder | null>(null);
  path = $state<Breadcrumb[]>([]);
  folders = $state<LibraryFolder[]>([]);
  files = $state<LibraryFile[]>([]);
  nextCursor = $state<string | null>(null);
  status = $state<'loading' | 'ready' | 'error' | 'missing'>('loading');
  /** Whether a reload is under way while the previous items stay on screen. */
  refreshing = $state(false);
  loadingMore = $state(false);
  error = $state<string | null>(null);
  gone = $state<'trashed' | 'deleted' | null>(null);
  kind = $state<FileKind | null>(null);
  sort = $state<FileSort>('name');
  direction = $state<SortDirection>('asc');
  search = $state('');
  /** Keys of items that just arrived live. */
  readonly fresh = new SvelteSet<string>();

  readonly #options: LibraryViewOptions;
  #request: AbortController | null = null;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: LibraryViewOptions) {
    this.#options = options;
  }

  get searching(): boolean {
    return this.search.trim() !== '';
  }

  /** Folders, then files, as shown. */
  readonly items: LibraryItem[] = $derived([
    ...this.folders.map((folder) => ({ type: 'folder' as const, key: folderKey(folder.id), folder })),
    ...this.files.map((file) => ({ type: 'file' as const, key: fileKey(file.id), file })),
  ]);

  /** Opens a folder (null: the top level). */
  open(folderId: string | null): Promise<void> {
    if (folderId !== this.folderId) {
      this.folderId = folderId;
      this.folder = null;
      this.path = [];
      this.folders = [];
      this.files = [];
      this.nextCursor = null;
      this.status = 'loading';
    }
    this.gone = null;
    return this.load();
  }

  setKind(kind: FileKind | null): Promise<void> {
    this.kind = kind;
    return this.load();
  }

  setSort(sort: FileSort, direction: SortDirection): Promise<void> {
    this.sort = sort;
    this.direction = direction;
    return this.load();
  }

  /** Search as you type: waits for a pause in typing before asking the server. */
  setSearch(text: string): void {
    this.search = text;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => void this.load(), this.#options.searchDelayMs ?? 200);
  }

  /** Reloads what is shown (after a resync, or to retry). */
  async load(): Promise<void> {
    clearTimeout(this.#searchTimer);
    this.#request?.abort();
    const request = new AbortController();
    this.#request = request;
    this.refreshing = true;
    this.error = null;
    const options = this.#listOptions();
    try {
      if (this.searching) {
        const found = await this.#options.source.search(this.search.trim(), request.signal);
        if (request.signal.aborted) return;
        this.folders = this.kind ? [] : found.folders;
        this.files = found.files.filter((file) => this.kind === null || file.kind === this.kind);
        this.nextCursor = null;
      } else {
        const page = await this.#options.source.contents(this.folderId, options, request.signal);
        if (request.signal.aborted) return;
        this.folder = page.folder;
        this.path = page.path;
        this.folders = this.kind ? [] : [...page.folders].sort(folderOrder);
        this.files = page.files.items;
        this.nextCursor = page.files.nextCursor;
        this.gone = page.folder?.trashed ? 'trashed' : null;
      }
      this.status = 'ready';
    } catch (error) {
      if (isAbort(error) || request.signal.aborted) return;
      if (error instanceof ApiFailure && error.status === 404) this.status = 'missing';
      else {
        this.status = this.status === 'ready' ? 'ready' : 'error';
        this.error = describeError(error);
      }
    } finally {
      if (this.#request === request) {
        this.refreshing = false;
        this.#request = null;
      }
    }
  }

  async loadMore(): Promise<void> {
    const cursor = this.nextCursor;
    if (!cursor || this.loadingMore || this.searching) return;
    this.loadingMore = true;
    const request = new AbortController();
    try {
      const page = await this.#options.source.moreFiles(
        this.folderId,
        this.#listOptions(),
        cursor,
        request.signal,
      );
      const known = new Set(this.files.map((file) => file.id));
      this.files = [...this.files, ...page.items.filter((file) => !known.has(file.id))];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loadingMore = false;
    }
  }

  /** A change from the live channel (or the answer to this tab's own write). */
  apply(change: RealtimeChangeMessage): void {
    if (change.type === 'LibraryFileChanged') {
      if (change.removed) this.#removeFile(change.fileId);
      else this.showFile(change.file, true);
    } else if (change.type === 'LibraryFolderChanged') {
      if (change.removed) this.#folderRemoved(change.folderId);
      else this.showFolder(change.folder, true);
    }
  }

  /** Puts a file where it belongs, or takes it out when it no longer belongs here. */
  showFile(file: LibraryFile, live = false): void {
    const key = fileKey(file.id);
    const known = this.files.some((existing) => existing.id === file.id);
    if (!this.#fileBelongs(file, known)) {
      this.#removeFile(file.id);
      return;
    }
    const complete = this.nextCursor === null;
    this.files = placeItem(this.files, file, fileOrder(this.sort, this.direction), complete);
    if (live && !known && this.files.some((existing) => existing.id === file.id)) this.#highlight(key);
  }

  showFolder(folder: LibraryFolder, live = false): void {
    if (folder.id === this.folderId) {
      this.#currentFolderChanged(folder);
      return;
    }
    const crumb = this.path.findIndex((item) => item.id === folder.id);
    if (crumb >= 0) {
      const moved = (this.path[crumb - 1]?.id ?? null) !== folder.parentId;
      if (moved || folder.trashed) void this.load();
      else
        this.path = this.path.map((item) =>
          item.id === folder.id ? { id: item.id, name: folder.name } : item,
        );
      return;
    }
    const known = this.folders.some((existing) => existing.id === folder.id);
    if (!this.#folderBelongs(folder, known)) {
      this.folders = this.folders.filter((existing) => existing.id !== folder.id);
      return;
    }
    this.folders = placeItem(this.folders, folder, folderOrder);
    if (live && !known) this.#highlight(folderKey(folder.id));
  }

  /** Takes items out at once (this tab trashed or moved them); the live change confirms it. */
  forget(keys: Iterable<string>): void {
    const gone = new Set(keys);
    this.files = this.files.filter((file) => !gone.has(fileKey(file.id)));
    this.folders = this.folders.filter((folder) => !gone.has(folderKey(folder.id)));
  }

  dispose(): void {
    clearTimeout(this.#searchTimer);
    this.#request?.abort();
  }

  #listOptions(): ListOptions {
    return { kind: this.kind, sort: this.sort, direction: this.direction };
  }

  #fileBelongs(file: LibraryFile, known: boolean): boolean {
    if (file.trashed) return false;
    if (this.kind !== null && file.kind !== this.kind) return false;
    if (this.searching) return known || matches(file.name, this.search);
    return file.folderId === this.folderId;
  }

  #folderBelongs(folder: LibraryFolder, known: boolean): boolean {
    if (folder.trashed || this.kind !== null) return false;
    if (this.searching) return known || matches(folder.name, this.search);
    return folder.parentId === this.folderId;
  }

  #currentFolderChanged(folder: LibraryFolder): void {
    const parent = this.path.at(-2)?.id ?? null;
    this.folder = folder;
    if (folder.trashed) {
      this.gone = 'trashed';
      return;
    }
    if (this.gone === 'trashed') {
      this.gone = null;
      void this.load();
      return;
    }
    if (folder.parentId !== parent) {
      void this.load();
      return;
    }
    this.path = this.path.map((item) => (item.id === folder.id ? { id: item.id, name: folder.name } : item));
  }

  #folderRemoved(folderId: string): void {
    if (folderId === this.folderId) this.gone = 'deleted';
    this.folders = this.folders.filter((folder) => folder.id !== folderId);
  }

  #removeFile(fileId: string): void {
    if (this.files.some((file) => file.id === fileId))
      this.files = this.files.filter((file) => file.id !== fileId);
  }

  #highlight(key: string): void {
    this.fresh.add(key);
    setTimeout(() => this.fresh.delete(key), this.#options.highlightMs ?? 6000);
  }
}

const matches = (name: string, search: string) =>
  name.toLocaleLowerCase().includes(search.trim().toLocaleLowerCase());
