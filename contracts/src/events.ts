import { z } from 'zod';
import { DeviceId, FileId, FolderId, ShareId, Timestamp, UserId } from './ids.ts';

// ---------------------------------------------------------------------------------------------
// Metadata envelope: who did it, from where, why. Never business data.
// ---------------------------------------------------------------------------------------------

export const EventSource = z.enum(['bot', 'web', 'tv', 'mobile', 'system']);
export type EventSource = z.infer<typeof EventSource>;

export const EventMetadata = z.object({
  actorId: UserId,
  deviceId: DeviceId.nullable(),
  source: EventSource,
  correlationId: z.string().min(1),
  causationId: z.string().min(1),
  occurredAt: Timestamp,
});
export type EventMetadata = z.infer<typeof EventMetadata>;

const event = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.object({ type: z.literal(type), data: z.object(data) });

// ---------------------------------------------------------------------------------------------
// Library: stream `library-{userId}`
// ---------------------------------------------------------------------------------------------

export const FileKind = z.enum(['video', 'audio', 'photo', 'document']);
export type FileKind = z.infer<typeof FileKind>;

/** Where a file's bytes live: a message in the private storage channel. */
export const TelegramLocation = z.object({
  channelId: z.string(),
  messageId: z.number().int().positive(),
  documentId: z.string(),
  dcId: z.number().int().positive(),
});
export type TelegramLocation = z.infer<typeof TelegramLocation>;

/** The message the user sent: what makes an upload idempotent. */
export const UploadOrigin = z.object({
  chatId: z.string(),
  messageId: z.number().int().positive(),
});
export type UploadOrigin = z.infer<typeof UploadOrigin>;

export const Thumbnail = z.object({
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
});

/**
 * The preview the library records and serves for a file: the largest by area (the first of equals). The
 * bot and the Telegram gateway both choose by this rule, so the served bytes match the recorded size.
 */
export function largestThumbnail<T extends { readonly width: number; readonly height: number }>(
  sizes: Iterable<T>,
): T | undefined {
  let largest: T | undefined;
  for (const size of sizes) {
    if (!largest || size.width * size.height > largest.width * largest.height) largest = size;
  }
  return largest;
}

export const FileUploaded = event('FileUploaded', {
  fileId: FileId,
  folderId: FolderId.nullable(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  mimeType: z.string(),
  kind: FileKind,
  durationSeconds: z.number().nonnegative().nullable(),
  width: z.number().int().nonnegative().nullable(),
  height: z.number().int().nonnegative().nullable(),
  thumbnail: Thumbnail.nullable(),
  origin: UploadOrigin,
  telegram: TelegramLocation,
});
export const FileRenamed = event('FileRenamed', { fileId: FileId, from: z.string(), to: z.string() });
export const FileMoved = event('FileMoved', {
  fileId: FileId,
  fromFolderId: FolderId.nullable(),
  toFolderId: FolderId.nullable(),
});
export const FileTrashed = event('FileTrashed', { fileId: FileId });
/** `folderId` is where the file lands: its old folder, or the root when that folder is gone. */
export const FileRestored = event('FileRestored', { fileId: FileId, folderId: FolderId.nullable() });
/** Purged for good; the storage-channel message is deleted after this is recorded. */
export const FileDeleted = event('FileDeleted', { fileId: FileId, telegram: TelegramLocation });

export const FolderCreated = event('FolderCreated', {
  folderId: FolderId,
  parentId: FolderId.nullable(),
  name: z.string(),
});
export const FolderRenamed = event('FolderRenamed', { folderId: FolderId, from: z.string(), to: z.string() });
export const FolderMoved = event('FolderMoved', {
  folderId: FolderId,
  fromParentId: FolderId.nullable(),
  toParentId: FolderId.nullable(),
});
/** Trashing cascades: the listed descendants and files (those not already in the trash) go with it. */
export const FolderTrashed = event('FolderTrashed', {
  folderId: FolderId,
  descendantFolderIds: z.array(FolderId),
  fileIds: z.array(FileId),
});
/** Restores the folder and exactly what was trashed with it; `parentId` as for FileRestored. */
export const FolderRestored = event('FolderRestored', {
  folderId: FolderId,
  parentId: FolderId.nullable(),
  descendantFolderIds: z.array(FolderId),
  fileIds: z.array(FileId),
});
export const FolderDeleted = event('FolderDeleted', {
  folderId: FolderId,
  descendantFolderIds: z.array(FolderId),
  files: z.array(z.object({ fileId: FileId, telegram: TelegramLocation })),
});

export const LibraryEvent = z.discriminatedUnion('type', [
  FileUploaded,
  FileRenamed,
  FileMoved,
  FileTrashed,
  FileRestored,
  FileDeleted,
  FolderCreated,
  FolderRenamed,
  FolderMoved,
  FolderTrashed,
  FolderRestored,
  FolderDeleted,
]);
export type LibraryEvent = z.infer<typeof LibraryEvent>;

// ---------------------------------------------------------------------------------------------
// Playback: stream `playback-{userId}`. The decider classifies each report (Jellyfin's rules),
// so the events say whether the position is resumable and whether the item counts as played.
// ---------------------------------------------------------------------------------------------

const progress = {
  fileId: FileId,
  deviceId: DeviceId,
  positionSeconds: z.number().nonnegative(),
  durationSeconds: z.number().positive(),
  /** Where to resume, or null when the position is not resumable (too early, too late, short item). */
  resumeAtSeconds: z.number().nonnegative().nullable(),
};
export const PlaybackStarted = event('PlaybackStarted', progress);
export const PlaybackProgressed = event('PlaybackProgressed', { ...progress, paused: z.boolean() });
export const PlaybackStopped = event('PlaybackStopped', progress);
/** Over 90 % watched (or the end reached): counts as played, nothing to resume. */
export const PlaybackCompleted = event('PlaybackCompleted', {
  fileId: FileId,
  deviceId: DeviceId,
  durationSeconds: z.number().positive(),
});

export const PlaybackEvent = z.discriminatedUnion('type', [
  PlaybackStarted,
  PlaybackProgressed,
  PlaybackStopped,
  PlaybackCompleted,
]);
export type PlaybackEvent = z.infer<typeof PlaybackEvent>;

// ---------------------------------------------------------------------------------------------
// Account: stream `account-{userId}`
// ---------------------------------------------------------------------------------------------

export const DeviceKind = z.enum(['web', 'tv', 'mobile']);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const UserRegistered = event('UserRegistered', {
  userId: UserId,
  firstName: z.string(),
  username: z.string().nullable(),
});
export const DeviceSignedIn = event('DeviceSignedIn', {
  deviceId: DeviceId,
  name: z.string(),
  kind: DeviceKind,
});
export const DeviceSignedOut = event('DeviceSignedOut', {
  deviceId: DeviceId,
  reason: z.enum(['logout', 'revoked', 'token_reuse']),
});
export const ShareLinkCreated = event('ShareLinkCreated', {
  shareId: ShareId,
  fileId: FileId,
  expiresAt: Timestamp.nullable(),
});
export const ShareLinkRevoked = event('ShareLinkRevoked', { shareId: ShareId });

export const AccountEvent = z.discriminatedUnion('type', [
  UserRegistered,
  DeviceSignedIn,
  DeviceSignedOut,
  ShareLinkCreated,
  ShareLinkRevoked,
]);
export type AccountEvent = z.infer<typeof AccountEvent>;

// ---------------------------------------------------------------------------------------------
// The whole catalogue
// ---------------------------------------------------------------------------------------------

export const DomainEvent = z.discriminatedUnion('type', [
  ...LibraryEvent.options,
  ...PlaybackEvent.options,
  ...AccountEvent.options,
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type DomainEventType = DomainEvent['type'];
export type EventOfType<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = DomainEvent.options.map(
  (option) => option.shape.type.value,
);
