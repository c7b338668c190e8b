import { describe, expect, it } from 'vitest';
import { FrameCodec, TransportError } from './frame-codec.ts';

/** Two frames as `sender` encodes them, after `prefix` (a transport tag). */
function stream(sender: FrameCodec, payloads: Buffer[], prefix = Buffer.alloc(0)) {
  return Buffer.concat([prefix, ...payloads.flatMap((payload) => sender.encode(payload))]);
}

/** Feeds `bytes` in the chunks the cut points make. */
function receive(codec: FrameCodec, bytes: Buffer, cuts: number[]): string[] {
  const frames: Buffer[] = [];
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    frames.push(...codec.push(bytes.subarray(from, to)));
    from = to;
  }
  return frames.map((frame) => frame.toString('latin1'));
}

const PAYLOADS = [Buffer.from('first payload...'), Buffer.alloc(40, 7)];
const expected = PAYLOADS.map((payload) => payload.toString('latin1'));

describe('full TCP transport framing', () => {
  it('decodes frames split across and packed into chunks', () => {
    const bytes = stream(new FrameCodec(), PAYLOADS);
    expect(receive(new FrameCodec(), bytes, [3, 33])).toEqual(expected);
  });

  it('numbers the frames it sends and checksums them', () => {
    const codec = new FrameCodec();
    codec.push(stream(new FrameCodec(), [PAYLOADS[0]!]));
    codec.encode(PAYLOADS[0]!);
    const [header, payload, trailer] = codec.encode(PAYLOADS[1]!);
    expect(header!.readInt32LE(0)).toBe(52);
    expect(header!.readInt32LE(4)).toBe(1);
    expect(payload).toBe(PAYLOADS[1]);
    expect(trailer).toHaveLength(4);
  });

  it('rejects a frame whose CRC does not match', () => {
    const frame = stream(new FrameCodec(), [Buffer.from('abcdefgh')]);
    frame[10] = frame[10]! ^ 1;
    expect(() => new FrameCodec().push(frame)).toThrow(TransportError);
  });

  it('rejects an impossible length', () => {
    const header = Buffer.alloc(8);
    header.writeInt32LE(6, 0);
    expect(() => new FrameCodec().push(header)).toThrow(TransportError);
  });
});

describe('abridged TCP transport framing', () => {
  /** What a client sends: the tag, then frames with word lengths. */
  const clientStream = (payloads: Buffer[]) => {
    const client = new FrameCodec();
    client.push(Buffer.of(0xef));
    return stream(client, payloads, Buffer.of(0xef));
  };

  it('is chosen by the 0xef tag and decodes short and long frames across chunks', () => {
    const long = Buffer.alloc(127 * 4 + 8, 3);
    const bytes = clientStream([...PAYLOADS, long]);
    expect(receive(new FrameCodec(), bytes, [1, 2, 20, 60, 62])).toEqual([
      ...expected,
      long.toString('latin1'),
    ]);
  });

  it('answers in the abridged transport, a one-byte length or 0x7f and three bytes', () => {
    const codec = new FrameCodec();
    codec.push(Buffer.of(0xef));
    expect(codec.encode(Buffer.alloc(8))[0]).toEqual(Buffer.of(2));
    expect(codec.encode(Buffer.alloc(1024 * 1024))[0]).toEqual(Buffer.of(0x7f, 0x00, 0x00, 0x04));
    expect(() => codec.encode(Buffer.alloc(6))).toThrow(TransportError);
  });

  it('rejects an empty or oversized frame', () => {
    expect(() => new FrameCodec().push(Buffer.of(0xef, 0))).toThrow(TransportError);
    expect(() => new FrameCodec().push(Buffer.of(0xef, 0x7f, 0xff, 0xff, 0xff))).toThrow(TransportError);
  });
});
