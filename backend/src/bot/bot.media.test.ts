import { NAME_MAX_LENGTH } from '@teleplay/contracts';
import { describe, expect, it } from 'vitest';
import { fileKindOf, fileNameOf, thumbnailOf } from './bot.media.ts';
import type { BotMedia } from './bot.transport.ts';

const SENT = new Date('2026-11-25T23:59:00Z');
const media = (kind: BotMedia['kind'], fileName: string | null, mimeType = 'application/octet-stream') => ({
  kind,
  fileName,
  mimeType,
});

describe('fileKindOf', () => {
  it.each([
    [media('video', null), 'video'],
    [media('animation', 'cat.mp4'), 'video'],
    [media('audio', 'song.mp3'), 'audio'],
    [media('voice', null), 'audio'],
    [media('photo', null), 'photo'],
    [media('document', 'film.mkv', 'video/x-matroska'), 'video'],
    [media('document', 'album.flac', 'audio/flac'), 'audio'],
    [media('document', 'scan.png', 'image/png'), 'photo'],
    [media('document', 'Film.MKV'), 'video'],
    [media('document', 'report.pdf', 'application/pdf'), 'document'],
    [media('document', null), 'document'],
  ] as const)('%j is a %s', (given, kind) => {
    expect(fileKindOf(given)).toBe(kind);
  });
});

describe('fileNameOf', () => {
  it('keeps a good name', () => {
    expect(fileNameOf(media('video', 'Big Buck Bunny.mp4'), SENT)).toBe('Big Buck Bunny.mp4');
  });

  it('replaces slashes and drops control and direction characters', () => {
    expect(fileNameOf(media('document', 'AC/DC\u0000\u0007 \u202elive\n.flac'), SENT)).toBe(
      'AC_DC live .flac',
    );
  });

  it('makes one up from the kind and the day when there is none', () => {
    expect(fileNameOf(media('photo', null, 'image/jpeg'), SENT)).toBe('photo-2026-11-25.jpg');
    expect(fileNameOf(media('voice', null, 'audio/ogg'), SENT)).toBe('voice-2026-11-25.ogg');
    expect(fileNameOf(media('video', '', 'video/mp4'), SENT)).toBe('video-2026-11-25.mp4');
    expect(fileNameOf(media('document', null, 'application/x-unknown'), SENT)).toBe('file-2026-11-25');
  });

  it('makes one up when nothing usable is left', () => {
    expect(fileNameOf(media('audio', ' \u0001\u0002 ', 'audio/mpeg'), SENT)).toBe('audio-2026-11-25.mp3');
  });

  it('shortens a long name to the limit, keeping the extension', () => {
    const name = fileNameOf(media('video', `${'é'.repeat(300)}.mkv`), SENT);
    expect([...name]).toHaveLength(NAME_MAX_LENGTH);
    expect(name.endsWith('éé.mkv')).toBe(true);
  });
});

describe('thumbnailOf', () => {
  it('picks the largest preview', () => {
    expect(
      thumbnailOf({
        thumbnails: [
          { width: 90, height: 60, size: 800 },
          { width: 320, height: 213, size: 9000 },
          { width: 100, height: 100, size: 1000 },
        ],
      }),
    ).toEqual({ width: 320, height: 213, size: 9000 });
  });

  it('is null without previews', () => {
    expect(thumbnailOf({ thumbnails: [] })).toBeNull();
  });
});
