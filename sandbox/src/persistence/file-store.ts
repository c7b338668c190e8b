import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { DiskBlob } from '../world/file-blobs.ts';

/** Where the bytes of uploaded files live. */
export interface FileStore {
  /** A fresh path to stream an upload to, then hand to {@link adopt}. */
  incomingPath(): string;
  isIncoming(path: string): boolean;
  /** Takes a completely written upload from {@link incomingPath}; its blob reads it by range. */
  adopt(path: string, size: number): Promise<DiskBlob>;
  close(): Promise<void>;
}

/** Without a data directory: uploads stay where they were written, in a folder deleted on close. */
export class TempFileStore implements FileStore {
  readonly #dir: string;
  #uploads = 0;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async create(parent: string): Promise<TempFileStore> {
    return new TempFileStore(await mkdtemp(join(parent, 'teleplay-sandbox-')));
  }

  incomingPath(): string {
    return join(this.#dir, `upload-${++this.#uploads}`);
  }

  isIncoming(path: string): boolean {
    return path.startsWith(this.#dir + sep);
  }

  async adopt(path: string, size: number): Promise<DiskBlob> {
    return new DiskBlob(path, size);
  }

  async close(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/** Names of stored files: letters, digits and dashes, so a journal cannot point outside the folder. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * The files of a data directory. `files/` holds only complete files: each is written under
 * `incoming/` (uploads too), fsynced and renamed in, so a crash never leaves half a file a journal
 * line points at. `incoming/` is emptied on open.
 */
export class DataDirFileStore implements FileStore {
  readonly #filesDir: string;
  readonly #incomingDir: string;

  private constructor(filesDir: string, incomingDir: string) {
    this.#filesDir = filesDir;
    this.#incomingDir = incomingDir;
  }

  static async open(dataDir: string): Promise<DataDirFileStore> {
    const filesDir = join(dataDir, 'files');
    const incomingDir = join(dataDir, 'incoming');
    await mkdir(filesDir, { recursive: true });
    await rm(incomingDir, { recursive: true, force: true });
    await mkdir(incomingDir);
    return new DataDirFileStore(filesDir, incomingDir);
  }

  incomingPath(): string {
    return join(this.#incomingDir, randomUUID());
  }

  isIncoming(path: string): boolean {
    return dirname(path) === this.#incomingDir;
  }

  async adopt(path: string, size: number): Promise<DiskBlob> {
    await syncFile(path);
    const name = `upload-${randomUUID()}`;
    await rename(path, join(this.#filesDir, name));
    await syncFile(this.#filesDir);
    return this.blob(name, size);
  }

  /** Stores bytes under a name, atomically. */
  async write(name: string, bytes: Buffer): Promise<void> {
    await this.writeAtomically(join(this.#filesDir, checkedName(name)), bytes);
  }

  /** Writes a file anywhere in the data directory: to a temporary name, fsynced, then renamed. */
  async writeAtomically(path: string, data: Buffer | string): Promise<void> {
    const temporary = this.incomingPath();
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    await syncFile(dirname(path));
  }

  /** The blob of a stored file. */
  blob(name: string, size: number): DiskBlob {
    return new DiskBlob(join(this.#filesDir, checkedName(name)), size);
  }

  /** The name a journal gives a blob of this store. */
  nameOf(blob: DiskBlob): string {
    if (dirname(blob.path) !== this.#filesDir) {
      throw new Error(`${blob.path} is not in the data directory's files folder`);
    }
    return basename(blob.path);
  }

  async close(): Promise<void> {}
}

function checkedName(name: string): string {
  if (!FILE_NAME.test(name)) throw new Error(`"${name}" is not a stored file name`);
  return name;
}

/** fsync of a file, or of a folder (so a rename in it is durable). */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
