import type { Schemas } from '@teleplay/api-client';
import type { RealtimeChangeMessage } from '@teleplay/contracts';
import { api } from '../api/api.ts';
import { ApiFailure, describeError, unwrap } from '../api/api-errors.ts';
import type { LibraryFile } from '../library/library-order.ts';
import { type MediaUrls, mediaUrls } from '../library/media-urls.ts';
import { type PlaybackReport, PlaybackReporter } from './playback-reporter.ts';

export type WatchProgress = Schemas['WatchProgress'];

export interface ContinueOffer {
  positionSeconds: number;
  deviceName: string;
}

/** Another device's position is offered only when it is this far from here. */
const OFFER_MIN_DISTANCE_SECONDS = 5;

/**
 * One file open in the player: the file, its signed URLs, where to resume, the playback reports, and
 * the "continue from 41:07 (Living room TV)" offer when another device moves on in the same file.
 */
export class PlayerSession {
  readonly fileId: string;
  file = $state<LibraryFile | null>(null);
  urls = $state<MediaUrls | null>(null);
  saved = $state<WatchProgress | null>(null);
  status = $state<'loading' | 'ready' | 'missing' | 'error'>('loading');
  error = $state<string | null>(null);
  offer = $state<ContinueOffer | null>(null);
  /** It could not be played here (and why): offer the download and external players. */
  unplayable = $state<{ title: string; detail: string } | null>(null);
  /** Where the player is (kept current by the component). */
  position = $state(0);

  readonly reporter: PlaybackReporter;
  readonly #deviceId: string | null;
  #closing = false;

  constructor(fileId: string, deviceId: string | null) {
    this.fileId = fileId;
    this.#deviceId = deviceId;
    this.reporter = new PlaybackReporter({ send: (report) => this.#report(report) });
  }

  get playable(): boolean {
    const kind = this.file?.kind;
    return kind === 'video' || kind === 'audio';
  }

  /** Where playback starts: the saved resume point, if any. */
  get resumeAt(): number | null {
    return this.saved?.resumeAtSeconds ?? null;
  }

  async load(): Promise<void> {
    try {
      const path = { params: { path: { fileId: this.fileId } } };
      const [file, urls, state] = await Promise.all([
        unwrap(api.getFile(path)),
        mediaUrls(this.fileId),
        unwrap(api.getPlaybackState(path)),
      ]);
      this.file = file;
      this.urls = urls;
      this.saved = state.progress;
      this.status = 'ready';
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 404) this.status = 'missing';
      else {
        this.status = 'error';
        this.error = describeError(error);
      }
    }
  }

  apply(change: RealtimeChangeMessage): void {
    if (change.type === 'LibraryFileChanged' && change.fileId === this.fileId) {
      if (change.removed) this.status = 'missing';
      else this.file = change.file;
      return;
    }
    if (change.type !== 'ProgressChanged' || change.fileId !== this.fileId || change.removed) return;
    const progress = change.progress;
    if (progress.deviceId === this.#deviceId) {
      this.saved = progress;
      return;
    }
    if (Math.abs(progress.positionSeconds - this.position) < OFFER_MIN_DISTANCE_SECONDS) return;
    this.offer = {
      positionSeconds: progress.positionSeconds,
      deviceName: progress.deviceName ?? 'another device',
    };
  }

  /**
   * The player gave up. A media element does not say why, so the stream is asked directly: a server
   * that cannot stream the file is not the browser's fault, and the page says so.
   */
  async failed(reason?: string): Promise<void> {
    if (this.unplayable || !this.urls) return;
    let status = 0;
    try {
      const response = await fetch(this.urls.stream.url, { headers: { range: 'bytes=0-0' } });
      status = response.status;
      await response.body?.cancel();
    } catch {
      status = 0;
    }
    this.unplayable =
      status >= 200 && status < 300
        ? {
            title: 'This browser cannot play this file.',
            detail: reason ?? 'Its format or codecs are not supported here; a player app can open it.',
          }
        : {
            title: 'The server could not stream this file just now.',
            detail:
              status === 0
                ? 'It did not answer.'
                : `It answered HTTP ${status}. Try the download, or again later.`,
          };
  }

  /** Takes the offer: the position to seek to. */
  acceptOffer(): number | null {
    const offer = this.offer;
    this.offer = null;
    return offer?.positionSeconds ?? null;
  }

  dismissOffer(): void {
    this.offer = null;
  }

  /** The page is going away: the stop report must outlive it (`keepalive`). */
  close(): void {
    this.#closing = true;
    this.reporter.stop();
  }

  #report(report: PlaybackReport): void {
    const keepalive = this.#closing;
    void unwrap(api.reportPlayback({ body: { fileId: this.fileId, ...report }, keepalive })).catch(() => {
      // A lost report is repaired by the next one (every 10 s while playing).
    });
  }
}
