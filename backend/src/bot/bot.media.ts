import { checkName, type FileKind, largestThumbnail, NAME_MAX_LENGTH } from '@teleplay/contracts';
import type { BotMedia } from './bot.transport.ts';

// What a file Telegram hands us becomes in the library: its kind, a valid name, its preview.

/** The library's kind: voice notes are audio, animations (GIFs are MP4s on Telegram) are video. */
export function fileKindOf(media: Pick<BotMedia, 'kind' | 'mimeType' | 'fileName'>): FileKind {
  switch (media.kind) {
    case 'video':
    case 'animation':
      return 'video';
    case 'audio':
    case 'voice':
      return 'audio';
    case 'photo':
      return 'photo';
    case 'document':
      // Sent "as a file" (MKV, FLAC, RAW photos...): playable all the same.
      return kindOfMimeType(media.mimeType) ?? kindOfExtension(media.fileName) ?? 'document';
  }
}

function kindOfMimeType(mimeType: string): FileKind | null {
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('image/')) return 'photo';
  return null;
}

const EXTENSION_KINDS: Record<string, FileKind> = {
  mkv: 'video',
  mp4: 'video',
  m4v: 'video',
  mov: 'video',
  avi: 'video',
  webm: 'video',
  ts: 'video',
  mp3: 'audio',
  flac: 'audio',
  m4a: 'audio',
  ogg: 'audio',
  opus: 'audio',
  wav: 'audio',
  jpg: 'photo',
  jpeg: 'photo',
  png: 'photo',
  webp: 'photo',
  heic: 'photo',
};

function kindOfExtension(fileName: string | null): FileKind | null {
  const extension = fileName?.match(/\.([A-Za-z0-9]{1,5})$/)?.[1]?.toLowerCase();
  return extension === undefined ? null : (EXTENSION_KINDS[extension] ?? null);
}

const MIME_EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/x-matroska': 'mkv',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/wav': 'wav',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
};

const NAME_PREFIXES: Record<BotMedia['kind'], string> = {
  video: 'video',
  animation: 'animation',
  audio: 'audio',
  voice: 'voice',
  photo: 'photo',
  document: 'file',
};

// Unicode category Cc (C0, DEL, C1), which names must not contain; format characters (Cf) such as
// right-to-left overrides are dropped too, as they make a name read differently from what it is.
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/**
 * A valid library name for a file Telegram gives us: the sender's file name with `/` replaced and
 * control characters dropped, cut to the length limit keeping the extension; or, when there is none
 * (photos, voice notes) or nothing usable is left, one made from the kind and the day it was sent,
 * like `video-2026-11-25.mp4`.
 */
export function fileNameOf(media: Pick<BotMedia, 'kind' | 'mimeType' | 'fileName'>, sentAt: Date): string {
  const given = sanitisedName(media.fileName ?? '');
  if (given !== null) return given;
  const extension = MIME_EXTENSIONS[media.mimeType.toLowerCase()];
  const day = sentAt.toISOString().slice(0, 10);
  return `${NAME_PREFIXES[media.kind]}-${day}${extension ? `.${extension}` : ''}`;
}

function sanitisedName(raw: string): string | null {
  // Line breaks and tabs become spaces before the other invisible characters go.
  const cleaned = raw.replace(/\s+/g, ' ').replace(INVISIBLE, '').replaceAll('/', '_').trim();
  const name = shortened(cleaned);
  const checked = checkName(name);
  return checked.ok ? checked.name : null;
}

/** Cuts a name to NAME_MAX_LENGTH characters, keeping a short extension. */
function shortened(name: string): string {
  const characters = [...name];
  if (characters.length <= NAME_MAX_LENGTH) return name;
  const extension = name.match(/\.[A-Za-z0-9]{1,5}$/)?.[0] ?? '';
  return `${characters
    .slice(0, NAME_MAX_LENGTH - extension.length)
    .join('')
    .trimEnd()}${extension}`;
}

/** The largest preview Telegram made, as the library records it. */
export function thumbnailOf(
  media: Pick<BotMedia, 'thumbnails'>,
): { width: number; height: number; size: number } | null {
  const largest = largestThumbnail(media.thumbnails);
  return largest ? { width: largest.width, height: largest.height, size: largest.size } : null;
}
