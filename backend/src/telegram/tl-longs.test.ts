import 'teleproto';
import { randomBytes } from 'node:crypto';
import { helpers } from 'teleproto';
import { BinaryReader } from 'teleproto/extensions/BinaryReader.js';
import { describe, expect, it } from 'vitest';
import { installNativeTlLongs } from './tl-longs.ts';

// teleproto's own implementations, kept before installing ours.
const teleprotoToSignedLittleBuffer = helpers.toSignedLittleBuffer;
const teleprotoReadLong = (bytes: Buffer, signed: boolean) =>
  new BinaryReader(bytes).readLargeInt(64, signed).toString();
installNativeTlLongs();

const EDGES = [
  '0000000000000000',
  'ffffffffffffffff',
  '0000000000000080',
  'ffffffffffffff7f',
  '0100000000000000',
  '00000000ffffffff',
].map((hex) => Buffer.from(hex, 'hex'));
const samples = [...EDGES, ...Array.from({ length: 200 }, () => randomBytes(8))];

describe('native TL longs', () => {
  it('replace teleproto’s shared implementations', () => {
    expect(BinaryReader.prototype.readLong.name).toBe('nativeReadLong');
    expect(helpers.toSignedLittleBuffer).not.toBe(teleprotoToSignedLittleBuffer);
  });

  it('read every long as teleproto does, signed and unsigned, and move on by eight bytes', () => {
    for (const bytes of samples) {
      for (const signed of [true, false]) {
        const reader = new BinaryReader(Buffer.concat([bytes, Buffer.from([1, 0, 0, 0])]));
        expect(reader.readLong(signed).toString()).toBe(teleprotoReadLong(bytes, signed));
        expect(reader.readInt()).toBe(1);
      }
    }
  });

  it('fail a read past the end with teleproto’s own error', () => {
    expect(() => new BinaryReader(Buffer.alloc(7)).readLong()).toThrow(/No more data left to read/);
  });

  it('write every long as teleproto does, from big integers, numbers and BigInts', () => {
    for (const bytes of samples) {
      const value = helpers.readBigIntFromBuffer(bytes, true, true);
      expect(helpers.toSignedLittleBuffer(value)).toEqual(teleprotoToSignedLittleBuffer(value));
      expect(helpers.toSignedLittleBuffer(value)).toEqual(bytes);
    }
    for (const value of [0, 1, -1, 2 ** 53 - 1, -(2 ** 53)]) {
      expect(helpers.toSignedLittleBuffer(value)).toEqual(teleprotoToSignedLittleBuffer(value));
    }
    const smallest = (-(2n ** 63n)).toString();
    expect(helpers.toSignedLittleBuffer(smallest)).toEqual(teleprotoToSignedLittleBuffer(smallest));
  });

  it('leave other widths to teleproto', () => {
    const value = helpers.readBigIntFromBuffer(randomBytes(16), true, true);
    expect(helpers.toSignedLittleBuffer(value, 16)).toEqual(teleprotoToSignedLittleBuffer(value, 16));
  });
});
