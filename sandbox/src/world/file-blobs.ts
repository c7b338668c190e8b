import { createCipheriv, createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';

/** The bytes of a stored file, read by range (getFile reads at most 1 MiB at a time). */
export interface FileBlob {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
  /** Releases what reading holds open; the bytes stay (their file store owns them). */
  close(): Promise<void>;
}

export class MemoryBlob implements FileBlob {
  readonly #data: Buffer;

  constructor(data: Buffer) {
    this.#data = data;
  }

  get size(): number {
    return this.#data.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    return this.#data.subarray(offset, Math.min(offset + length, this.#data.length));
  }

  async close(): Promise<void> {}
}

/** A file in the sandbox's file store, opened on first read; large files never sit in memory. */
export class DiskBlob implements FileBlob {
  readonly size: number;
  readonly path: string;
  #handle: Promise<FileHandle> | undefined;

  constructor(path: string, size: number) {
    this.path = path;
    this.size = size;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const end = Math.min(offset + length, this.size);
    if (end <= offset) return Buffer.alloc(0);
    this.#handle ??= open(this.path, 'r');
    const handle = await this.#handle;
    const buffer = Buffer.alloc(end - offset);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, offset + filled);
      if (bytesRead === 0) throw new Error(`stored file ${this.path} is shorter than ${this.size} bytes`);
      filled += bytesRead;
    }
    return buffer;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle).close();
  }
}

/**
 * Deterministic content of any size without storing it: the AES-128-CTR keystream of a key derived
 * from the seed, so any range can be computed directly and checked by a client with
 * {@link generatedBytes}.
 */
export class GeneratedBlob implements FileBlob {
  readonly size: number;
  readonly seed: string;

  constructor(size: number, seed: string) {
    this.size = size;
    this.seed = seed;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    return generatedBytes(this.seed, offset, Math.max(0, Math.min(length, this.size - offset)));
  }

  async close(): Promise<void> {}
}

/** Bytes [offset, offset + length) of the generated content for `seed` (see {@link GeneratedBlob}). */
export function generatedBytes(seed: string, offset: number, length: number): Buffer {
  if (length <= 0) return Buffer.alloc(0);
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const firstBlock = Math.floor(offset / 16);
  const counter = Buffer.alloc(16);
  counter.writeBigUInt64BE(BigInt(firstBlock), 8);
  const skip = offset - firstBlock * 16;
  const cipher = createCipheriv('aes-128-ctr', key, counter);
  return cipher.update(Buffer.alloc(skip + length)).subarray(skip);
}
