export interface PlaybackReport {
  event: 'start' | 'progress' | 'stop';
  positionSeconds: number;
  durationSeconds?: number;
  paused?: boolean;
}

export interface PlaybackReporterOptions {
  send(report: PlaybackReport): void;
  /** While playing, a progress report this often. */
  intervalMs?: number;
}

export const PROGRESS_INTERVAL_MS = 10_000;

/**
 * Turns what a player does into the reports the API keeps (as Jellyfin clients do): `start` when
 * playback first starts, `progress` every 10 s while playing and on every pause and seek, and `stop`
 * when the player goes away or the media ends. Feed it the player's events; it decides what to send.
 */
export class PlaybackReporter {
  readonly #options: PlaybackReporterOptions;
  #position = 0;
  #duration: number | undefined;
  #started = false;
  #playing = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: PlaybackReporterOptions) {
    this.#options = options;
  }

  /** The playhead moved (`timeupdate`), or the duration became known. */
  time(positionSeconds: number, durationSeconds?: number): void {
    if (Number.isFinite(positionSeconds) && positionSeconds >= 0) this.#position = positionSeconds;
    if (durationSeconds !== undefined && Number.isFinite(durationSeconds) && durationSeconds > 0) {
      this.#duration = durationSeconds;
    }
  }

  playing(positionSeconds: number): void {
    this.time(positionSeconds);
    if (this.#playing) return;
    this.#playing = true;
    if (!this.#started) {
      this.#started = true;
      this.#send('start');
    }
    clearInterval(this.#timer);
    this.#timer = setInterval(
      () => this.#send('progress', false),
      this.#options.intervalMs ?? PROGRESS_INTERVAL_MS,
    );
  }

  paused(positionSeconds: number): void {
    this.time(positionSeconds);
    if (!this.#playing) return;
    this.#playing = false;
    clearInterval(this.#timer);
    this.#send('progress', true);
  }

  /** A seek finished (by the user or by a "continue from" offer). */
  seeked(positionSeconds: number): void {
    this.time(positionSeconds);
    if (this.#started) this.#send('progress', !this.#playing);
  }

  /** The player is closing, or the media ended: the last report. Playing again starts a new session. */
  stop(): void {
    clearInterval(this.#timer);
    this.#playing = false;
    if (!this.#started) return;
    this.#started = false;
    this.#send('stop');
  }

  #send(event: PlaybackReport['event'], paused?: boolean): void {
    this.#options.send({
      event,
      positionSeconds: this.#position,
      ...(this.#duration === undefined ? {} : { durationSeconds: this.#duration }),
      ...(paused === undefined ? {} : { paused }),
    });
  }
}
