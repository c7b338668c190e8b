// teleproto must be loaded before its deep modules (its CommonJS graph has a cycle).
import 'teleproto';
import net from 'node:net';
import { crc32 } from 'node:zlib';
import { errors } from 'teleproto';
import type { PromisedNetSockets } from 'teleproto/extensions/PromisedNetSockets.js';
import { ConnectionTCPFull, FullPacketCodec } from 'teleproto/network/connection/TCPFull.js';

// MTProto's "full" TCP transport without teleproto's copies (ADR 0006). Its socket appends every
// received chunk to one growing Buffer (a 1 MiB answer arriving in 64 KiB chunks is copied about eight
// times over), reads through a process-wide mutex and checks CRC32 in JavaScript: together more CPU than
// the decryption. These classes are drop-in replacements passed through teleproto's own client options
// (`networkSocket`, `connection`). The socket reads into one reused buffer and copies each frame once,
// into memory of its own sized from the frame's length: one allocation per frame and none per read
// (every allocation of external memory brings V8's next full collection closer). The CRC is zlib's.

const closed = () => new Error('NetSocket was closed');

/** The socket's reusable read buffer. */
const READ_BUFFER_BYTES = 256 * 1024;
/** Larger than any answer Telegram sends (a 1 MiB file part plus MTProto's envelope). */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;
const HEADER_BYTES = 8;
/** A transport error is `int32 code` twice, then once more (Telethon #4042). */
const ERROR_FRAME_BYTES = 12;

/**
 * Frames this transport copied into memory of their own: nothing else sees them, so the receiving side
 * may decrypt them in place (mtproto-crypto.ts).
 */
const exclusiveFrames = new WeakSet<Buffer>();

/** Whether `payload` is a frame payload from {@link FramedPacketCodec} that no one else refers to. */
export function isExclusiveFrame(payload: Buffer): boolean {
  return exclusiveFrames.has(payload);
}

/** A pending `readFrame`. */
interface FrameReader {
  resolve(frame: Buffer): void;
  reject(error: Error): void;
}

/**
 * The socket teleproto's connection reads from (its `PromisedNetSockets` interface: connect, write,
 * close), cutting the byte stream into whole "full transport" frames as it arrives.
 */
export class FramedNetSocket {
  #socket: net.Socket | undefined;
  readonly #header = Buffer.alloc(HEADER_BYTES);
  #headerFilled = 0;
  /** The frame being received (the header copied in), and how much of it has arrived. */
  #frame: Buffer | undefined;
  #frameFilled = 0;
  /** Frames received before anyone asked for them. */
  #frames: Buffer[] = [];
  #reader: FrameReader | undefined;
  #failure: Error | undefined;
  #closed = true;

  constructor(proxy?: unknown) {
    if (proxy) throw new Error('FramedNetSocket does not support proxies');
  }

  get closed(): boolean {
    return this.#closed;
  }

  connect(port: number, ip: string): Promise<this> {
    this.#headerFilled = 0;
    this.#frame = undefined;
    this.#frames = [];
    this.#failure = undefined;
    const socket = new net.Socket({
      onread: {
        buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES),
        callback: (bytes: number, buffer: Uint8Array) => {
          this.#received(buffer as Buffer, bytes);
          return true;
        },
      },
    });
    this.#socket = socket;
    this.#closed = false;
    return new Promise((resolve, reject) => {
      // Errors after connecting end in 'close', which fails the pending read.
      socket.on('error', reject);
      socket.on('close', () => {
        this.#closed = true;
        this.#fail(this.#failure ?? closed());
      });
      socket.connect(port, ip, () => resolve(this));
    });
  }

  /** The next whole frame (header, payload and CRC); rejects once the socket has closed. */
  readFrame(): Promise<Buffer> {
    const frame = this.#frames.shift();
    if (frame) return Promise.resolve(frame);
    if (this.#closed) return Promise.reject(this.#failure ?? closed());
    if (this.#reader) return Promise.reject(new Error('FramedNetSocket: one read at a time'));
    return new Promise((resolve, reject) => {
      this.#reader = { resolve, reject };
    });
  }

  write(data: Buffer): void {
    if (this.#closed || !this.#socket) throw closed();
    this.#socket.write(data);
  }

  async close(): Promise<void> {
    this.#socket?.destroy();
    this.#socket?.unref();
    this.#closed = true;
    this.#fail(closed());
  }

  toString(): string {
    return 'FramedNetSocket';
  }

  /** Copies `bytes` bytes out of the reused read buffer, into the headers and frames they belong to. */
  #received(buffer: Buffer, bytes: number): void {
    let offset = 0;
    while (offset < bytes && !this.#failure) {
      if (!this.#frame) {
        const copied = buffer.copy(
          this.#header,
          this.#headerFilled,
          offset,
          Math.min(bytes, offset + HEADER_BYTES - this.#headerFilled),
        );
        this.#headerFilled += copied;
        offset += copied;
        if (this.#headerFilled === HEADER_BYTES) this.#startFrame();
        continue;
      }
      const copied = buffer.copy(
        this.#frame,
        this.#frameFilled,
        offset,
        Math.min(bytes, offset + this.#frame.length - this.#frameFilled),
      );
      this.#frameFilled += copied;
      offset += copied;
      if (this.#frameFilled === this.#frame.length) {
        const frame = this.#frame;
        this.#frame = undefined;
        this.#headerFilled = 0;
        this.#deliver(frame);
      }
    }
  }

  #startFrame(): void {
    const length = this.#header.readInt32LE(0);
    const size = length < 0 ? ERROR_FRAME_BYTES : length;
    if (length >= 0 && (length < 12 || length > MAX_FRAME_BYTES)) {
      this.#failure = new errors.InvalidBufferError(Buffer.from(this.#header));
      this.#socket?.destroy();
      return;
    }
    // Not from the shared pool: the frame's memory is its own (see exclusiveFrames).
    this.#frame = Buffer.allocUnsafeSlow(size);
    this.#header.copy(this.#frame);
    this.#frameFilled = HEADER_BYTES;
  }

  #deliver(frame: Buffer): void {
    const reader = this.#reader;
    this.#reader = undefined;
    if (reader) reader.resolve(frame);
    else this.#frames.push(frame);
  }

  #fail(error: Error): void {
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.reject(error);
  }
}

/**
 * `int32 length | int32 seq | payload | crc32`, like teleproto's FullPacketCodec, reading the frames
 * {@link FramedNetSocket} cut, with one copy per frame to send and zlib's CRC32.
 */
export class FramedPacketCodec extends FullPacketCodec {
  #sent = 0;

  override encodePacket(data: Buffer): Buffer<ArrayBuffer> {
    const frame = Buffer.allocUnsafe(data.length + 12);
    frame.writeInt32LE(frame.length, 0);
    frame.writeInt32LE(this.#sent++, 4);
    data.copy(frame, 8);
    frame.writeUInt32LE(crc32(frame.subarray(0, frame.length - 4)), frame.length - 4);
    return frame;
  }

  override async readPacket(reader: unknown): Promise<Buffer> {
    if (!(reader instanceof FramedNetSocket))
      throw new TypeError('FramedPacketCodec reads from a FramedNetSocket (see framedTransportParams)');
    const frame = await reader.readFrame();
    const length = frame.readInt32LE(0);
    // Telegram's transport errors (e.g. -404): the code in place of the length, and again after it.
    if (length < 0) throw new errors.InvalidBufferError(frame.subarray(8, 12));
    const payload = frame.subarray(HEADER_BYTES, length - 4);
    const checksum = frame.readUInt32LE(length - 4);
    const computed = crc32(payload, crc32(frame.subarray(0, HEADER_BYTES)));
    if (computed !== checksum) throw new errors.InvalidChecksumError(checksum, computed);
    exclusiveFrames.add(payload);
    return payload;
  }
}

/** `connection` (ConnectionTCPFull or a subclass of it) framing with {@link FramedPacketCodec}. */
export function framedConnection(connection: typeof ConnectionTCPFull): typeof ConnectionTCPFull {
  return class FramedConnection extends connection {
    constructor(params: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
      super(params);
      this.PacketCodecClass = FramedPacketCodec;
    }
  };
}

/** teleproto client options that use these transport classes. */
export function framedTransportParams(connection: typeof ConnectionTCPFull = ConnectionTCPFull): {
  connection: typeof ConnectionTCPFull;
  networkSocket: typeof PromisedNetSockets;
} {
  return {
    connection: framedConnection(connection),
    networkSocket: FramedNetSocket as unknown as typeof PromisedNetSockets,
  };
}
