import 'teleproto';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { errors } from 'teleproto';
import { AbridgedPacketCodec } from 'teleproto/network/connection/TCPAbridged.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FramedNetSocket, FramedPacketCodec, isExclusiveFrame } from './mtproto-transport.ts';
import { framedSocketPair } from './testing/framed-socket-pair.ts';

/** Writes `bytes` in pieces of the given sizes, each its own TCP write with a pause between. */
async function writeInPieces(socket: net.Socket, bytes: Buffer, sizes: number[]): Promise<void> {
  let offset = 0;
  for (const size of sizes) {
    socket.write(bytes.subarray(offset, offset + size));
    offset += size;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (offset < bytes.length) socket.write(bytes.subarray(offset));
}

// teleproto's own codec frames exactly what Telegram expects: the reference for ours.
const referenceCodec = () => new AbridgedPacketCodec(undefined);
const codec = () => new FramedPacketCodec(undefined);

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe('FramedPacketCodec', () => {
  it('frames packets byte for byte as teleproto does, short and long lengths, after the same tag', () => {
    const ours = codec();
    const reference = referenceCodec();
    // The byte a connection sends first, which tells the server the transport.
    const tagOf = (instance: object) => (instance as { tag?: Buffer }).tag;
    expect(tagOf(ours)).toEqual(Buffer.of(0xef));
    expect(tagOf(ours)).toEqual(tagOf(reference));
    for (const length of [0, 4, 504, 508, 1000, 1024 * 1024]) {
      const payload = randomBytes(length);
      expect(ours.encodePacket(payload).equals(reference.encodePacket(payload))).toBe(true);
    }
  });

  it('reads frames split across chunks and frames sharing a chunk', async () => {
    const pair = await framedSocketPair();
    cleanup = pair.close;
    const payloads = [randomBytes(1024 * 1024), randomBytes(16), randomBytes(100_000), randomBytes(4)];
    const reference = referenceCodec();
    const wire = Buffer.concat(payloads.map((payload) => reference.encodePacket(payload)));
    // Cuts inside a long length, at the end of a packet, and two packets in one write.
    void writeInPieces(pair.server, wire, [2, 5, 70_000, 978_573, 1, 18, 30, 50_000]);
    const reader = codec();
    for (const payload of payloads) {
      const received = await reader.readPacket(pair.client);
      expect(received.equals(payload)).toBe(true);
      // A frame copied out of several chunks is the receiver's alone, to decrypt in place.
      if (payload.length >= 100_000) expect(isExclusiveFrame(received)).toBe(true);
    }
    expect(isExclusiveFrame(Buffer.from(payloads[0]!))).toBe(false);
  });

  it("hands Telegram's transport error codes on as the 4-byte packets they are", async () => {
    const pair = await framedSocketPair();
    cleanup = pair.close;
    const code = Buffer.alloc(4);
    code.writeInt32LE(-404);
    pair.server.write(Buffer.concat([Buffer.of(1), code]));
    expect(await codec().readPacket(pair.client)).toEqual(code);
  });
});

describe('FramedNetSocket', () => {
  it('fails a pending read when the connection closes, and later reads at once', async () => {
    const pair = await framedSocketPair();
    cleanup = pair.close;
    const pending = pair.client.readFrame();
    // Half a packet: the length says 8 bytes, 2 arrive.
    pair.server.write(Buffer.of(2, 0, 0));
    pair.server.destroy();
    await expect(pending).rejects.toThrow('NetSocket was closed');
    expect(pair.client.closed).toBe(true);
    await expect(pair.client.readFrame()).rejects.toThrow('NetSocket was closed');
    expect(() => pair.client.write(Buffer.alloc(1))).toThrow('NetSocket was closed');
  });

  it.each([
    ['empty', Buffer.of(0)],
    ['larger than any answer', Buffer.of(0x7f, 0xff, 0xff, 0xff)],
  ])('closes on a packet length no answer can have: %s', async (_, header) => {
    const pair = await framedSocketPair();
    cleanup = pair.close;
    pair.server.write(header);
    await expect(pair.client.readFrame()).rejects.toBeInstanceOf(errors.InvalidBufferError);
  });

  it('refuses to connect where nothing listens', async () => {
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as net.AddressInfo;
    await new Promise((resolve) => listener.close(resolve));
    await expect(new FramedNetSocket().connect(port, '127.0.0.1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
