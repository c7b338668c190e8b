// teleproto must be loaded before its deep modules (its CommonJS graph has a cycle).
import 'teleproto';
import net from 'node:net';
import { errors } from 'teleproto';
import type { PromisedNetSockets } from 'teleproto/extensions/PromisedNetSockets.js';
import type { Connection } from 'teleproto/network/connection/Connection.js';
import { AbridgedPacketCodec } from 'teleproto/network/connection/TCPAbridged.js';
import { ConnectionTCPFull } from 'teleproto/network/connection/TCPFull.js';

// MTProto's abridged TCP transport (core.telegram.org/mtproto/mtproto-transports) without teleproto's
// copies (ADR 0006). teleproto's socket appends every received chunk to one growing Buffer (a 1 MiB
// answer arriving in 64 KiB chunks is copied about eight times over) and reads through a process-wide
// mutex; its default "full" transport also checks a CRC32 over every byte, which TCP's checksums and
// MTProto's SHA-256 msg_key already cover. These classes are drop-in replacements passed through
// teleproto's own client options (`networkSocket`, `connection`). The socket reads into one reused
// buffer and copies each packet once, into memory of its own sized from its length: one allocation per
// packet and none per read (every allocation of external memory brings V8's next full collection closer).

const closed = () => new Error('NetSocket was closed');

/** The socket's reusable read buffer. */
const READ_BUFFER_BYTES = 256 * 1024;
/** Larger than any answer Telegram sends (a 1 MiB file part plus MTProto's envelope). */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** A length of this many 4-byte words or more is this byte and three more; a shorter one, one byte. */
const LONG_LENGTH = 0x7f;

/**
 * Frames this transport copied into memory of their own: nothing else sees them, so the receiving side
 * may decrypt them in place (mtproto-crypto.ts).
 */
const exclusiveFrames = new WeakSet<Buffer>();

/** Whether `payload` is a packet from {@link FramedPacketCodec} that no one else refers to. */
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
 * close), cutting the byte stream into whole abridged-transport packets as it arrives.
 */
export class FramedNetSocket {
  #socket: net.Socket | undefined;
  /** The length in front of the next packet: one byte, or `0x7f` and three. */
  readonly #header = Buffer.alloc(4);
  #headerFilled = 0;
  /** The packet being received, and how much of it has arrived. */
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

  /** The next whole packet, without its length; rejects once the socket has closed. */
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
          Math.min(bytes, offset + this.#headerBytes() - this.#headerFilled),
        );
        this.#headerFilled += copied;
        offset += copied;
        if (this.#headerFilled === this.#headerBytes()) this.#startFrame();
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

  /** How long the length in front of the packet is, as far as its first byte tells (1 before it came). */
  #headerBytes(): number {
    return this.#headerFilled > 0 && this.#header[0]! >= LONG_LENGTH ? 4 : 1;
  }

  #startFrame(): void {
    const words = this.#header[0]! < LONG_LENGTH ? this.#header[0]! : this.#header.readUIntLE(1, 3);
    if (words === 0 || 4 * words > MAX_FRAME_BYTES) {
      this.#failure = new errors.InvalidBufferError(Buffer.from(this.#header));
      this.#socket?.destroy();
      return;
    }
    // Not from the shared pool: the packet's memory is its own (see exclusiveFrames).
    this.#frame = Buffer.allocUnsafeSlow(4 * words);
    this.#frameFilled = 0;
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
 * The abridged transport's framing (a `0xef` tag once, then a length in words in front of each packet),
 * like teleproto's AbridgedPacketCodec, reading the packets {@link FramedNetSocket} cut, with one copy
 * per packet to send.
 */
export class FramedPacketCodec extends AbridgedPacketCodec {
  override encodePacket(data: Buffer): Buffer<ArrayBuffer> {
    const words = data.length >> 2;
    const headerBytes = words < LONG_LENGTH ? 1 : 4;
    const frame = Buffer.allocUnsafe(headerBytes + data.length);
    if (words < LONG_LENGTH) frame[0] = words;
    else {
      frame[0] = LONG_LENGTH;
      frame.writeUIntLE(words, 1, 3);
    }
    data.copy(frame, headerBytes);
    return frame;
  }

  override async readPacket(reader: unknown): Promise<Buffer> {
    if (!(reader instanceof FramedNetSocket))
      throw new TypeError('FramedPacketCodec reads from a FramedNetSocket (see framedTransportParams)');
    // Telegram's transport errors (e.g. -404) are 4-byte packets: the MTProto senders report them.
    const packet = await reader.readFrame();
    exclusiveFrames.add(packet);
    return packet;
  }
}

/**
 * `connection` (ConnectionTCPFull or a subclass of it, such as the sandbox's DC redirect) speaking the
 * abridged transport with {@link FramedPacketCodec}: a connection only frames through its codec.
 */
export function framedConnection(connection: typeof ConnectionTCPFull): typeof ConnectionTCPFull {
  return class FramedConnection extends connection {
    constructor(params: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
      super(params);
      (this as Connection).PacketCodecClass = FramedPacketCodec;
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
