import type { Schemas } from '@teleplay/api-client';
import type { RealtimeChangeMessage } from '@teleplay/contracts';
import { SvelteMap } from 'svelte/reactivity';
import { api, writeHeaders } from '../api/api.ts';
import { describeError, unwrap } from '../api/api-errors.ts';

export type ShareLink = Schemas['ShareLink'];

/** Public links to files: create with an expiry, copy, revoke. */
export class ShareList {
  items = $state<ShareLink[]>([]);
  activeOnly = $state(true);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  /** File names by id (a link knows only its file's id). */
  readonly names = new SvelteMap<string, string | null>();

  async load(): Promise<void> {
    try {
      const list = await unwrap(
        api.listShareLinks({ params: { query: { activeOnly: this.activeOnly ? 'true' : 'false' } } }),
      );
      this.items = [...list.items].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
      this.status = 'ready';
      this.error = null;
      await this.#loadNames();
    } catch (error) {
      this.error = describeError(error);
      if (this.status !== 'ready') this.status = 'error';
    }
  }

  apply(change: RealtimeChangeMessage): void {
    if (change.type === 'ShareLinkChanged') void this.load();
    if (change.type === 'LibraryFileChanged' && this.names.has(change.fileId)) {
      this.names.set(change.fileId, change.removed ? null : change.file.name);
    }
  }

  async revoke(shareId: string): Promise<void> {
    await unwrap(api.revokeShareLink({ params: { path: { shareId }, ...writeHeaders() } }));
    await this.load();
  }

  async #loadNames(): Promise<void> {
    const missing = [...new Set(this.items.map((link) => link.fileId))].filter((id) => !this.names.has(id));
    await Promise.all(
      missing.map(async (fileId) => {
        try {
          this.names.set(fileId, (await unwrap(api.getFile({ params: { path: { fileId } } }))).name);
        } catch {
          this.names.set(fileId, null);
        }
      }),
    );
  }
}
