import { type FileHandle, open } from 'node:fs/promises';
import { SandboxDataError } from './sandbox-data-error.ts';

const READ_CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

export interface JournalFileOptions {
  /** How long an appended line may wait for its fsync. */
  syncIntervalMs: number;
  /** Called when a timed fsync fails (appends go on; close() reports its own failure). */
  onSyncError: (error: unknown) => void;
}

/**
 * An append-only file of JSON values, one a line. Lines are written at once (a crashed process
 * loses nothing the OS already has), those appended while a write is in flight together in the next
 * one, and fsynced on a short timer and on close (a power cut loses at most the last interval).
 * After a failed write every later append fails too, so the file never has a gap. A crash mid-write
 * leaves a partial or garbled last line: opening drops it and cuts the file back to the last whole
 * line, so appends continue on a clean line.
 */
export class JournalFile {
  readonly #handle: FileHandle;
  readonly #options: JournalFileOptions;
  #lines: string[] = [];
  #waiters: { resolve(): void; reject(error: unknown): void }[] = [];
  #writing: Promise<void> | undefined;
  #syncing: Promise<void> = Promise.resolve();
  #syncTimer: NodeJS.Timeout | undefined;
  #failure: { error: unknown } | undefined;
  #closed = false;

  private constructor(handle: FileHandle, options: JournalFileOptions) {
    this.#handle = handle;
    this.#options = options;
  }

  /**
   * Opens (or creates) the journal, handing every value in it to `read` in order. A line that is
   * not JSON is dropped if it is the last one; followed by more lines, it is damage, not a crash,
   * and opening fails with {@link SandboxDataError}. So does an error thrown by `read`.
   */
  static async open(
    path: string,
    read: (value: unknown, line: number) => void,
    options: JournalFileOptions,
  ): Promise<JournalFile> {
    const handle = await open(path, 'a+');
    try {
      const { wholeBytes, totalBytes } = await readLines(handle, path, read);
      if (wholeBytes < totalBytes) {
        await handle.truncate(wholeBytes);
        await handle.sync();
      }
      return new JournalFile(handle, options);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Appends one value as a line; resolves once it is written (not yet fsynced). */
  append(value: unknown): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the journal is closed'));
    if (this.#failure) return Promise.reject(this.#failure.error);
    this.#lines.push(`${JSON.stringify(value)}\n`);
    const written = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#writing ??= this.#writeLines();
    return written;
  }

  /** Writes what is pending, fsyncs and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#syncTimer);
    await this.#writing;
    await this.#syncing;
    try {
      if (!this.#failure) await this.#handle.sync();
    } finally {
      await this.#handle.close();
    }
  }

  async #writeLines(): Promise<void> {
    while (this.#lines.length > 0) {
      const lines = this.#lines.splice(0);
      const waiters = this.#waiters.splice(0);
      try {
        if (this.#failure) throw this.#failure.error;
        await this.#handle.appendFile(lines.join(''));
        for (const waiter of waiters) waiter.resolve();
        this.#scheduleSync();
      } catch (error) {
        this.#failure ??= { error };
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.#writing = undefined;
  }

  #scheduleSync(): void {
    if (this.#syncTimer || this.#closed) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = undefined;
      this.#syncing = this.#syncing.then(() => this.#handle.sync()).catch(this.#options.onSyncError);
    }, this.#options.syncIntervalMs);
    this.#syncTimer.unref();
  }
}

/** Reads the whole lines; returns how many bytes they take and how many the file has. */
async function readLines(
  handle: FileHandle,
  path: string,
  read: (value: unknown, line: number) => void,
): Promise<{ wholeBytes: number; totalBytes: number }> {
  let totalBytes = 0;
  /** File offset where the line being assembled starts. */
  let lineStart = 0;
  let lineNumber = 0;
  let pending = Buffer.alloc(0);
  let damaged: { line: number; offset: number } | undefined;
  for (;;) {
    const chunk = Buffer.alloc(READ_CHUNK_BYTES);
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, totalBytes);
    if (bytesRead === 0) break;
    totalBytes += bytesRead;
    const data = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
    let start = 0;
    for (let end = data.indexOf(NEWLINE, start); end !== -1; end = data.indexOf(NEWLINE, start)) {
      lineNumber++;
      if (damaged) {
        throw new SandboxDataError(
          `${path}: line ${damaged.line} is not valid JSON but more lines follow it; the journal is damaged`,
        );
      }
      const value = parseJson(data.toString('utf8', start, end));
      if (value === INVALID) damaged = { line: lineNumber, offset: lineStart };
      else read(value, lineNumber);
      lineStart += end + 1 - start;
      start = end + 1;
    }
    pending = data.subarray(start);
  }
  return { wholeBytes: damaged?.offset ?? lineStart, totalBytes };
}

const INVALID = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}
