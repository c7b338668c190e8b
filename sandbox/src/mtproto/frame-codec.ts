import { crc32 } from 'node:zlib';

/** Largest frame a client may send: a 512 KiB upload part plus MTProto overhead, with room to spare. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** The first byte of an abridged connection; a full frame's first byte is a multiple of 4, never this. */
const ABRIDGED_TAG = 0xef;
/** An abridged length of this many words or more takes three more bytes. */
const ABRIDGED_LONG = 0x7f;

export class TransportError extends Error {}

/**
 * Server side of MTProto's TCP transports (core.telegram.org/mtproto/mtproto-transports), the one the
 * client picked, as its first byte says:
 * - full (teleproto's default): `int32 length (whole frame) | int32 seq | payload | crc32(length..payload)`;
 * - abridged (after a `0xef` byte): a length in words, one byte (under 127 words) or `0x7f` and three,
 *   then the payload; no checksum: TCP and MTProto's msg_key already cover it.
 * Both directions use the same transport.
 */
export class FrameCodec {
  #transport: 'full' | 'abridged' | undefined;
  #sendSeq = 0;
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Feeds received bytes; returns the payloads of every frame now complete. */
  push(chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (!this.#transport && this.#buffered > 0) {
      this.#transport = this.#peek(1)[0] === ABRIDGED_TAG ? 'abridged' : 'full';
      if (this.#transport === 'abridged') this.#take(1);
    }
    const frames: Buffer[] = [];
    for (;;) {
      const frame = this.#transport === 'abridged' ? this.#abridgedFrame() : this.#fullFrame();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  /** Frames one payload; returned as parts so a 1 MiB answer is never copied just to add a header. */
  encode(payload: Buffer): Buffer[] {
    if (this.#transport !== 'abridged') {
      const header = Buffer.alloc(8);
      header.writeInt32LE(payload.length + 12, 0);
      header.writeInt32LE(this.#sendSeq++, 4);
      const trailer = Buffer.alloc(4);
      trailer.writeUInt32LE(crc32(payload, crc32(header)));
      return [header, payload, trailer];
    }
    if (payload.length % 4 !== 0) throw new TransportError('an abridged payload is whole 4-byte words');
    const words = payload.length / 4;
    if (words < ABRIDGED_LONG) return [Buffer.of(words), payload];
    const header = Buffer.alloc(4);
    header[0] = ABRIDGED_LONG;
    header.writeUIntLE(words, 1, 3);
    return [header, payload];
  }

  #fullFrame(): Buffer | undefined {
    if (this.#buffered < 4) return undefined;
    const length = this.#peek(4).readInt32LE(0);
    if (length < 12 || length > MAX_FRAME_BYTES || length % 4 !== 0) {
      throw new TransportError(`invalid frame length ${length}`);
    }
    if (this.#buffered < length) return undefined;
    const frame = this.#take(length);
    const expected = frame.readUInt32LE(length - 4);
    if (crc32(frame.subarray(0, length - 4)) !== expected) throw new TransportError('frame CRC mismatch');
    return frame.subarray(8, length - 4);
  }

  #abridgedFrame(): Buffer | undefined {
    if (this.#buffered < 1) return undefined;
    const short = this.#peek(1)[0]!;
    const headerBytes = short < ABRIDGED_LONG ? 1 : 4;
    if (this.#buffered < headerBytes) return undefined;
    const length = 4 * (short < ABRIDGED_LONG ? short : this.#peek(4).readUIntLE(1, 3));
    if (length === 0 || length > MAX_FRAME_BYTES) throw new TransportError(`invalid frame length ${length}`);
    if (this.#buffered < headerBytes + length) return undefined;
    return this.#take(headerBytes + length).subarray(headerBytes);
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
