import { describe, expect, it } from 'vitest';
import { photoSizeType, readImageSize, resolveMimeType } from './media-types.ts';

function png(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(24);
  bytes.writeUInt32BE(0x89504e47, 0);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x04, 0x00, 0x00]);
  const sof = Buffer.alloc(11);
  sof.writeUInt16BE(0xffc0, 0);
  sof.writeUInt16BE(11, 2);
  sof.writeUInt8(8, 4);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]);
}

describe('media types', () => {
  it('reads image dimensions from PNG, JPEG and GIF headers', () => {
    expect(readImageSize(png(640, 480))).toEqual({ width: 640, height: 480 });
    expect(readImageSize(jpeg(1920, 1080))).toEqual({ width: 1920, height: 1080 });
    const gif = Buffer.from('GIF89a\x20\x03\x58\x02', 'latin1');
    expect(readImageSize(gif)).toEqual({ width: 800, height: 600 });
    expect(readImageSize(Buffer.from('not an image'))).toBeUndefined();
  });

  it("keeps the client's type unless generic, else guesses from the extension", () => {
    expect(resolveMimeType('a.mkv', 'video/webm')).toBe('video/webm');
    expect(resolveMimeType('a.mkv', 'application/octet-stream')).toBe('video/x-matroska');
    expect(resolveMimeType('A.MP4', undefined)).toBe('video/mp4');
    expect(resolveMimeType('blob', undefined)).toBe('application/octet-stream');
  });

  it("names photo sizes by Telegram's letters", () => {
    expect(photoSizeType({ width: 90, height: 60 })).toBe('s');
    expect(photoSizeType({ width: 320, height: 100 })).toBe('m');
    expect(photoSizeType({ width: 640, height: 480 })).toBe('x');
    expect(photoSizeType({ width: 1280, height: 720 })).toBe('y');
    expect(photoSizeType({ width: 4000, height: 3000 })).toBe('w');
  });
});
