import { crc32 } from 'node:zlib';

/** Largest frame a client may send: a 512 KiB upload part plus MTProto overhead, with room to spare. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export class TransportError extends Error {}

/**
 * Server side of MTProto's "full" TCP transport, the one teleproto uses under Node:
 * `int32 length (whole frame) | int32 seq | payload | crc32(length..payload)`, no init tag.
 */
export class FrameDecoder {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Feeds received bytes; returns the payloads of every frame now complete. */
  push(chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.#buffered >= 4) {
      const head = this.#peek(4);
      const length = head.readInt32LE(0);
      if (length < 12 || length > MAX_FRAME_BYTES || length % 4 !== 0) {
        throw new TransportError(`invalid frame length ${length}`);
      }
      if (this.#buffered < length) break;
      const frame = this.#take(length);
      const expected = frame.readUInt32LE(length - 4);
      if (crc32(frame.subarray(0, length - 4)) !== expected) throw new TransportError('frame CRC mismatch');
      frames.push(frame.subarray(8, length - 4));
    }
    return frames;
  }

  #peek(bytes: number): Buffer {
    if (this.#chunks[0]!.length < bytes) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0]!;
  }

  #take(bytes: number): Buffer {
    const whole = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    const rest = whole.subarray(bytes);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return whole.subarray(0, bytes);
  }
}

/** Frames one payload; returned as parts so a 1 MiB answer is never copied just to add 12 bytes. */
export function encodeFrame(seq: number, payload: Buffer): Buffer[] {
  const header = Buffer.alloc(8);
  header.writeInt32LE(payload.length + 12, 0);
  header.writeInt32LE(seq, 4);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32LE(crc32(payload, crc32(header)));
  return [header, payload, trailer];
}
