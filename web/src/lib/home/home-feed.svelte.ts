import type { Schemas } from '@teleplay/api-client';
import type { RealtimeChangeMessage } from '@teleplay/contracts';
import { SvelteSet } from 'svelte/reactivity';
import { api } from '../api/api.ts';
import { describeError, unwrap } from '../api/api-errors.ts';
import { fileOrder, type LibraryFile, placeItem } from '../library/library-order.ts';

export type ContinueItem = Schemas['ContinueWatchingItem'];

const RECENT_COUNT = 24;
const newestFirst = fileOrder('uploadedAt', 'desc');

/** The home page: what to continue watching, and what was added lately; both kept current live. */
export class HomeFeed {
  continueWatching = $state<ContinueItem[]>([]);
  recent = $state<LibraryFile[]>([]);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  readonly fresh = new SvelteSet<string>();
  #progressTimer: ReturnType<typeof setTimeout> | undefined;

  async load(): Promise<void> {
    try {
      const [resume, recent] = await Promise.all([
        unwrap(api.listContinueWatching({ params: { query: { limit: 20 } } })),
        unwrap(
          api.listFiles({
            params: { query: { sort: 'uploadedAt', direction: 'desc', limit: RECENT_COUNT } },
          }),
        ),
      ]);
      this.continueWatching = resume.items;
      this.recent = recent.items;
      this.status = 'ready';
      this.error = null;
    } catch (error) {
      this.status = this.status === 'ready' ? 'ready' : 'error';
      this.error = describeError(error);
    }
  }

  apply(change: RealtimeChangeMessage): void {
    if (change.type === 'ProgressChanged') {
      // Reports come every few seconds while something plays: one refetch for a burst of them.
      clearTimeout(this.#progressTimer);
      this.#progressTimer = setTimeout(() => void this.#reloadContinueWatching(), 250);
      return;
    }
    if (change.type !== 'LibraryFileChanged') return;
    const file = change.removed ? null : change.file;
    if (!file || file.trashed) {
      this.recent = this.recent.filter((item) => item.id !== change.fileId);
      this.continueWatching = this.continueWatching.filter((item) => item.fileId !== change.fileId);
      return;
    }
    const known = this.recent.some((item) => item.id === file.id);
    this.recent = placeItem(this.recent, file, newestFirst).slice(0, RECENT_COUNT);
    this.continueWatching = this.continueWatching.map((item) =>
      item.fileId === file.id ? { ...item, name: file.name } : item,
    );
    if (!known && this.recent.some((item) => item.id === file.id)) {
      this.fresh.add(file.id);
      setTimeout(() => this.fresh.delete(file.id), 6000);
    }
  }

  dispose(): void {
    clearTimeout(this.#progressTimer);
  }

  async #reloadContinueWatching(): Promise<void> {
    try {
      this.continueWatching = (
        await unwrap(api.listContinueWatching({ params: { query: { limit: 20 } } }))
      ).items;
    } catch {
      // The row keeps what it showed; the next change tries again.
    }
  }
}
