import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { AuthKeyRegistry } from '../mtproto/auth-keys.ts';
import {
  exportServerRsaKey,
  importServerRsaKey,
  type ServerRsaKey,
  serverRsaKey,
} from '../mtproto/rsa-key.ts';
import { World, type WorldOptions } from '../world/world.ts';
import { DataDirFileStore } from './file-store.ts';
import { applyRecord, type EncodedChange, encodeAuthKeyChange, encodeWorldChange } from './journal-codec.ts';
import { JournalFile } from './journal-file.ts';
import { JournalRecord, SandboxMeta } from './journal-records.ts';
import { SandboxDataError } from './sandbox-data-error.ts';

/** What must match between a data directory and the sandbox opening it. */
export interface WorldIdentity {
  seed: string;
  homeDcId: number;
  helperBotCount: number;
}

export interface DataDirOptions {
  /** Longest a journalled change waits for its fsync. */
  syncIntervalMs: number;
  /** Called when a change could not be recorded; recording stops there, the sandbox goes on. */
  onError: (error: SandboxDataError) => void;
}

const META_FILE = 'sandbox.json';
const KEY_FILE = 'server-key.pem';
const JOURNAL_FILE = 'journal.jsonl';

/**
 * A folder that keeps the sandbox's world across restarts:
 *
 * - `sandbox.json`: seed, instance id and creation time, written once;
 * - `server-key.pem`: the RSA key, so the fingerprint clients registered stays valid;
 * - `journal.jsonl`: every durable change to the world and the auth keys, one JSON line each,
 *   replayed on start (see journal-records.ts);
 * - `files/`: the bytes of stored documents and photos, one file each (see DataDirFileStore).
 *
 * One sandbox at a time may use a data directory.
 */
export class SandboxDataDir {
  readonly files: DataDirFileStore;
  readonly rsaKey: ServerRsaKey;
  readonly #meta: SandboxMeta;
  readonly #path: string;
  readonly #options: DataDirOptions;
  #journal: JournalFile | undefined;
  #writes: Promise<void> = Promise.resolve();
  #stopped = false;
  /** The time of the record being replayed. */
  #replayedTime: number | undefined;
  /** The time of the current synchronous turn (see {@link #now}). */
  #turnTime: number | undefined;

  private constructor(parts: {
    path: string;
    meta: SandboxMeta;
    rsaKey: ServerRsaKey;
    files: DataDirFileStore;
    options: DataDirOptions;
  }) {
    this.#path = parts.path;
    this.#meta = parts.meta;
    this.rsaKey = parts.rsaKey;
    this.files = parts.files;
    this.#options = parts.options;
  }

  /** Opens a data directory, creating it for this identity if it is new or empty. */
  static async open(
    folder: string,
    identity: WorldIdentity,
    options: DataDirOptions,
  ): Promise<SandboxDataDir> {
    const path = resolve(folder);
    await mkdir(path, { recursive: true });
    const files = await DataDirFileStore.open(path);
    const meta = await readMeta(path, files, identity);
    for (const field of ['seed', 'homeDcId', 'helperBotCount'] as const) {
      if (meta[field] !== identity[field]) {
        throw new SandboxDataError(
          `${path} holds a sandbox with ${field} ${JSON.stringify(meta[field])}, not ${JSON.stringify(identity[field])}: use another data directory`,
        );
      }
    }
    const rsaKey = await readRsaKey(path, files);
    return new SandboxDataDir({ path, meta, rsaKey, files, options });
  }

  /** Stable across restarts: clients key their saved sessions by it. */
  get instanceId(): string {
    return this.#meta.instanceId;
  }

  /**
   * Rebuilds the world (seeded at the directory's creation time) and the auth keys from the journal,
   * then journals their changes from now on.
   */
  async restore(options: Omit<WorldOptions, 'now'>, keys: AuthKeyRegistry): Promise<World> {
    this.#replayedTime = this.#meta.createdAt;
    const world = new World({ ...options, now: this.#now });
    const path = join(this.#path, JOURNAL_FILE);
    const journal = await JournalFile.open(
      path,
      (value, line) => {
        const parsed = JournalRecord.safeParse(value);
        if (!parsed.success) {
          throw new SandboxDataError(`${path} line ${line}: ${z.prettifyError(parsed.error)}`);
        }
        this.#replayedTime = parsed.data.at;
        try {
          applyRecord(parsed.data, { world, keys, files: this.files });
        } catch (error) {
          throw new SandboxDataError(`${path} line ${line}: ${(error as Error).message}`, { cause: error });
        }
      },
      {
        syncIntervalMs: this.#options.syncIntervalMs,
        onSyncError: (error) =>
          this.#options.onError(new SandboxDataError(`${path}: fsync failed`, { cause: error })),
      },
    );
    this.#replayedTime = undefined;
    this.#journal = journal;
    world.setJournal({
      record: (change) => this.#record(encodeWorldChange(change, this.#now(), this.files)),
    });
    keys.setJournal((change) =>
      this.#record({ record: encodeAuthKeyChange(change, this.#now()), blobs: [] }),
    );
    return world;
  }

  /**
   * The world's clock: the replayed record's time, else the wall clock, read once per synchronous
   * turn. A change and its record then carry the same time, so a change made at 1999.9995 s is not
   * recorded at 2000.0001 s and replayed with a date one second later.
   */
  readonly #now = (): number => {
    if (this.#replayedTime !== undefined) return this.#replayedTime;
    if (this.#turnTime === undefined) {
      this.#turnTime = Date.now();
      queueMicrotask(() => {
        this.#turnTime = undefined;
      });
    }
    return this.#turnTime;
  };

  /** Waits for the changes recorded so far to be written, then fsyncs and closes the journal. */
  async close(): Promise<void> {
    const journal = this.#journal;
    this.#journal = undefined;
    await this.#writes;
    await journal?.close();
  }

  /**
   * Records in order; a record's bytes are written before the record, so the journal never points
   * at a missing file. Appends are not awaited here: the journal batches them.
   */
  #record({ record, blobs }: EncodedChange): void {
    const journal = this.#journal;
    if (!journal || this.#stopped) return;
    this.#writes = this.#writes.then(async () => {
      if (this.#stopped) return;
      try {
        for (const { name, blob } of blobs) await this.files.write(name, await blob.read(0, blob.size));
      } catch (error) {
        this.#stop(error);
        return;
      }
      journal.append(record).catch((error: unknown) => this.#stop(error));
    });
  }

  /** A gap would make every later record suspect: the journal stays a consistent prefix. */
  #stop(error: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#options.onError(
      new SandboxDataError(`${this.#path}: a change could not be recorded; recording stopped`, {
        cause: error,
      }),
    );
  }
}

async function readMeta(
  path: string,
  files: DataDirFileStore,
  identity: WorldIdentity,
): Promise<SandboxMeta> {
  const file = join(path, META_FILE);
  const text = await readOptional(file);
  if (text === undefined) {
    const meta: SandboxMeta = {
      format: 1,
      instanceId: randomUUID(),
      seed: identity.seed,
      homeDcId: identity.homeDcId,
      helperBotCount: identity.helperBotCount,
      createdAt: Date.now(),
    };
    await files.writeAtomically(file, `${JSON.stringify(meta, null, 2)}\n`);
    return meta;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SandboxDataError(`${file} is not JSON`);
  }
  const parsed = SandboxMeta.safeParse(json);
  if (!parsed.success) throw new SandboxDataError(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

async function readRsaKey(path: string, files: DataDirFileStore): Promise<ServerRsaKey> {
  const file = join(path, KEY_FILE);
  const pem = await readOptional(file);
  if (pem === undefined) {
    const key = await serverRsaKey();
    await files.writeAtomically(file, exportServerRsaKey(key));
    return key;
  }
  try {
    return importServerRsaKey(pem);
  } catch (error) {
    throw new SandboxDataError(`${file} is not an RSA private key`, { cause: error });
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
