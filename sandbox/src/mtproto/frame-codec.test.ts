import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, TransportError } from './frame-codec.ts';

describe('full TCP transport framing', () => {
  it('decodes frames split across and packed into chunks', () => {
    const first = Buffer.concat(encodeFrame(0, Buffer.from('first payload...')));
    const second = Buffer.concat(encodeFrame(1, Buffer.alloc(40, 7)));
    const stream = Buffer.concat([first, second]);
    const decoder = new FrameDecoder();
    const frames = [
      ...decoder.push(stream.subarray(0, 3)),
      ...decoder.push(stream.subarray(3, first.length + 5)),
      ...decoder.push(stream.subarray(first.length + 5)),
    ];
    expect(frames.map((frame) => frame.toString('latin1'))).toEqual([
      'first payload...',
      Buffer.alloc(40, 7).toString('latin1'),
    ]);
  });

  it('rejects a frame whose CRC does not match', () => {
    const frame = Buffer.concat(encodeFrame(0, Buffer.from('abcdefgh')));
    frame[10] = frame[10]! ^ 1;
    expect(() => new FrameDecoder().push(frame)).toThrow(TransportError);
  });

  it('rejects an impossible length', () => {
    const header = Buffer.alloc(8);
    header.writeInt32LE(6, 0);
    expect(() => new FrameDecoder().push(header)).toThrow(TransportError);
  });
});
