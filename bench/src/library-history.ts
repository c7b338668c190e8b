import { createHash } from 'node:crypto';
import { type DomainEvent, type EventMetadata, libraryStream, playbackStream } from '@teleplay/contracts';
import type { EventToAppend } from '@teleplay/eventstore';

/** Deterministic UUID from a seed, so generated histories are reproducible. */
function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A small seeded PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedStream {
  streamName: string;
  events: EventToAppend[];
}

/**
 * A realistic library history for `users` users: folders, uploads from the bot, renames and moves
 * from the web app, some trash and restore, and many playback progress ticks. Every event is valid
 * against the catalogue and consistent with the ones before it.
 */
export function generateHistory(users: number, eventsPerUser: number, seed = 1): GeneratedStream[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const streams: GeneratedStream[] = [];
  let clock = Date.parse('2026-01-01T00:00:00Z');

  for (let u = 0; u < users; u++) {
    const userId = String(100_000_000 + u);
    const library: EventToAppend[] = [];
    const playback: EventToAppend[] = [];
    const folders: string[] = [];
    const files: { id: string; name: string; folderId: string | null; duration: number; trashed: boolean }[] =
      [];
    let count = 0;
    const add = (target: EventToAppend[], event: DomainEvent, source: EventMetadata['source']) => {
      clock += 1000;
      const id = uuidFrom(`${seed}:${userId}:${count++}`);
      const metadata: EventMetadata = {
        actorId: userId,
        deviceId: source === 'bot' ? null : `${source}-device`,
        source,
        correlationId: id,
        causationId: id,
        occurredAt: new Date(clock).toISOString(),
      };
      target.push({ id, type: event.type, data: event.data, metadata });
    };

    while (count < eventsPerUser) {
      const roll = next();
      if (folders.length < 3 || roll < 0.01) {
        const folderId = uuidFrom(`${seed}:${userId}:folder:${folders.length}`);
        add(
          library,
          {
            type: 'FolderCreated',
            data: {
              folderId,
              parentId: folders.length > 3 ? pick(folders) : null,
              name: `Folder ${folders.length}`,
            },
          },
          'web',
        );
        folders.push(folderId);
      } else if (files.length < 5 || roll < 0.2) {
        const fileId = uuidFrom(`${seed}:${userId}:file:${files.length}`);
        const name = `Episode ${files.length}.mkv`;
        const folderId = next() < 0.3 ? null : pick(folders);
        const duration = 300 + Math.floor(next() * 7000);
        add(
          library,
          {
            type: 'FileUploaded',
            data: {
              fileId,
              folderId,
              name,
              size: 50_000_000 + Math.floor(next() * 2_000_000_000),
              mimeType: 'video/x-matroska',
              kind: 'video',
              durationSeconds: duration,
              width: 1920,
              height: 1080,
              thumbnail: { width: 320, height: 180, size: 12_000 },
              origin: { chatId: userId, messageId: files.length + 1 },
              telegram: {
                channelId: '-1001000000001',
                messageId: u * 100_000 + files.length + 1,
                documentId: String(5_000_000_000 + u * 100_000 + files.length),
                dcId: 2,
              },
            },
          },
          'bot',
        );
        files.push({ id: fileId, name, folderId, duration, trashed: false });
      } else if (roll < 0.27) {
        const file = pick(files.filter((f) => !f.trashed));
        if (!file) continue;
        const to = `${file.name.replace(/\.mkv$/, '')} (${count}).mkv`;
        add(library, { type: 'FileRenamed', data: { fileId: file.id, from: file.name, to } }, 'web');
        file.name = to;
      } else if (roll < 0.34) {
        const file = pick(files.filter((f) => !f.trashed));
        const toFolderId = next() < 0.2 ? null : pick(folders);
        if (!file || toFolderId === file.folderId) continue;
        add(
          library,
          { type: 'FileMoved', data: { fileId: file.id, fromFolderId: file.folderId, toFolderId } },
          'web',
        );
        file.folderId = toFolderId;
      } else if (roll < 0.36) {
        const file = pick(files);
        if (file.trashed) {
          add(library, { type: 'FileRestored', data: { fileId: file.id, folderId: file.folderId } }, 'web');
        } else {
          add(library, { type: 'FileTrashed', data: { fileId: file.id } }, 'web');
        }
        file.trashed = !file.trashed;
      } else {
        const file = pick(files.filter((f) => !f.trashed));
        if (!file) continue;
        const position = Math.floor(next() * file.duration);
        const resumable = position > file.duration * 0.05 && position < file.duration * 0.9;
        add(
          playback,
          {
            type: 'PlaybackProgressed',
            data: {
              fileId: file.id,
              deviceId: pick(['tv-device', 'mobile-device', 'web-device']),
              positionSeconds: position,
              durationSeconds: file.duration,
              resumeAtSeconds: resumable ? position : null,
              paused: next() < 0.1,
            },
          },
          pick(['tv', 'mobile', 'web'] as const),
        );
      }
    }
    streams.push({ streamName: libraryStream(userId), events: library });
    streams.push({ streamName: playbackStream(userId), events: playback });
  }
  return streams;
}
