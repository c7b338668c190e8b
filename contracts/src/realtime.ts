import { z } from 'zod';
import { DeviceKind, EventSource, FileKind, TelegramLocation, Thumbnail, UploadOrigin } from './events.ts';
import { DeviceId, FileId, FolderId, ShareId, Timestamp, UserId } from './ids.ts';

// ---------------------------------------------------------------------------------------------
// The live WebSocket channel (`GET /api/ws`): a typed notification channel, not a second API.
//
// Conventions
// - Every message is one JSON text frame with a PascalCase `type`.
// - Versioning is per connection, not per message: the client names the protocol version in
//   `Hello.v`, the server confirms it in `Welcome.v`, and every message of that connection has
//   the shapes of that version. Additions that old clients can ignore (a new optional field, a new
//   message type) keep the version; any other change makes a new version, and the server keeps
//   serving the previous one for a while. Clients ignore message types they do not know.
// - Every change message carries `position`: where it is in the change feed. Positions are
//   opaque; a client keeps the last one it received and sends it as `Hello.resumeFrom` when it
//   reconnects, to receive what it missed.
// - Change messages carry the item as the read models serve it (the same DTO as the HTTP API), or
//   `removed: true` with its id when it no longer exists.
// ---------------------------------------------------------------------------------------------

export const REALTIME_PROTOCOL_VERSION = 1;
export const SUPPORTED_REALTIME_PROTOCOL_VERSIONS: readonly number[] = [REALTIME_PROTOCOL_VERSION];

/** Where a change is in the live feed. Opaque to clients: store it, send it back, never parse it. */
export const FeedPosition = z.string().regex(/^\d{20}:\d{20}$/, 'a feed position');
export type FeedPosition = z.infer<typeof FeedPosition>;

// ---------------------------------------------------------------------------------------------
// Read-model DTOs carried by change messages
// ---------------------------------------------------------------------------------------------

/** A file of the library (read model `library_files`). */
export const FileDto = z.object({
  id: FileId,
  folderId: FolderId.nullable(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  mimeType: z.string(),
  kind: FileKind,
  durationSeconds: z.number().nonnegative().nullable(),
  width: z.number().int().nonnegative().nullable(),
  height: z.number().int().nonnegative().nullable(),
  thumbnail: Thumbnail.nullable(),
  telegram: TelegramLocation,
  origin: UploadOrigin,
  uploadedFrom: EventSource,
  trashed: z.boolean(),
  trashedAt: Timestamp.nullable(),
  /** The folder this file went to the trash with (it comes back only with that folder). */
  trashedWith: FolderId.nullable(),
  uploadedAt: Timestamp,
  updatedAt: Timestamp,
});
export type FileDto = z.infer<typeof FileDto>;

/** A folder of the library with its aggregates (read model `library_folders`). */
export const FolderDto = z.object({
  id: FolderId,
  parentId: FolderId.nullable(),
  name: z.string(),
  trashed: z.boolean(),
  trashedAt: Timestamp.nullable(),
  trashedWith: FolderId.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Direct subfolders and files, and the bytes of those files. */
  folderCount: z.number().int().nonnegative(),
  fileCount: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  /** Everything below, recursively. */
  totalFolderCount: z.number().int().nonnegative(),
  totalFileCount: z.number().int().nonnegative(),
  totalSize: z.number().int().nonnegative(),
});
export type FolderDto = z.infer<typeof FolderDto>;

/** Playback state of one file for the user (read model `watch_progress`), with the device it was on. */
export const WatchProgressDto = z.object({
  fileId: FileId,
  positionSeconds: z.number().nonnegative(),
  durationSeconds: z.number().nonnegative(),
  /** Offer "resume at …" from here; null: start from the beginning. */
  resumeAtSeconds: z.number().nonnegative().nullable(),
  played: z.boolean(),
  playCount: z.number().int().nonnegative(),
  deviceId: DeviceId,
  /** Null when the device is not known (signed out and forgotten). */
  deviceName: z.string().nullable(),
  lastPlayedAt: Timestamp,
});
export type WatchProgressDto = z.infer<typeof WatchProgressDto>;

export const SignOutReason = z.enum(['logout', 'revoked', 'token_reuse']);
export type SignOutReason = z.infer<typeof SignOutReason>;

/** A device signed in to the account (from `DeviceSignedIn` / `DeviceSignedOut`). */
export const DeviceDto = z.object({
  id: DeviceId,
  name: z.string(),
  kind: DeviceKind,
  signedInAt: Timestamp,
  signedOutAt: Timestamp.nullable(),
  signOutReason: SignOutReason.nullable(),
});
export type DeviceDto = z.infer<typeof DeviceDto>;

/** A public link to one file (from `ShareLinkCreated` / `ShareLinkRevoked`). */
export const ShareLinkDto = z.object({
  id: ShareId,
  fileId: FileId,
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type ShareLinkDto = z.infer<typeof ShareLinkDto>;

// ---------------------------------------------------------------------------------------------
// Client → server
// ---------------------------------------------------------------------------------------------

/**
 * The first message, within a few seconds of connecting. The access token travels here, never in
 * the URL (URLs end up in logs). `v` is the protocol version the client speaks.
 */
export const Hello = z.object({
  type: z.literal('Hello'),
  v: z.number().int().positive(),
  accessToken: z.string().min(1).max(8192),
  /** The last position the client received: the server first sends what changed after it. */
  resumeFrom: FeedPosition.optional(),
});
export type Hello = z.infer<typeof Hello>;

/** Application-level keep-alive (for clients that cannot see WebSocket ping frames). */
export const Ping = z.object({ type: z.literal('Ping'), nonce: z.string().max(64).optional() });
export type Ping = z.infer<typeof Ping>;

export const RealtimeClientMessage = z.discriminatedUnion('type', [Hello, Ping]);
export type RealtimeClientMessage = z.infer<typeof RealtimeClientMessage>;

// ---------------------------------------------------------------------------------------------
// Server → client
// ---------------------------------------------------------------------------------------------

/**
 * Authenticated and live. Sent after the replayed changes (or `ResyncRequired`) of a resuming
 * client: every change after `position` arrives live, so `position` is where the client now is.
 */
export const Welcome = z.object({
  type: z.literal('Welcome'),
  v: z.number().int().positive(),
  userId: UserId,
  deviceId: DeviceId,
  position: FeedPosition,
});
export type Welcome = z.infer<typeof Welcome>;

const field = <K extends string, S extends z.ZodType>(key: K, schema: S) =>
  ({ [key]: schema }) as Record<K, S>;

/** A change message: the item as it is now (`removed: false`), or its id when it no longer exists. */
function changeMessage<
  T extends string,
  IK extends string,
  I extends z.ZodType,
  DK extends string,
  D extends z.ZodType,
>(type: T, [idKey, id]: [IK, I], [itemKey, item]: [DK, D]) {
  const common = { type: z.literal(type), position: FeedPosition, ...field(idKey, id) };
  return z.discriminatedUnion('removed', [
    z.object({ ...common, removed: z.literal(false), ...field(itemKey, item) }),
    z.object({ ...common, removed: z.literal(true) }),
  ]);
}

export const LibraryFileChanged = changeMessage('LibraryFileChanged', ['fileId', FileId], ['file', FileDto]);
export type LibraryFileChanged = z.infer<typeof LibraryFileChanged>;

export const LibraryFolderChanged = changeMessage(
  'LibraryFolderChanged',
  ['folderId', FolderId],
  ['folder', FolderDto],
);
export type LibraryFolderChanged = z.infer<typeof LibraryFolderChanged>;

/** Playback state of a file changed (on any of the user's devices), or was forgotten with the file. */
export const ProgressChanged = changeMessage(
  'ProgressChanged',
  ['fileId', FileId],
  ['progress', WatchProgressDto],
);
export type ProgressChanged = z.infer<typeof ProgressChanged>;

export const DeviceChanged = changeMessage('DeviceChanged', ['deviceId', DeviceId], ['device', DeviceDto]);
export type DeviceChanged = z.infer<typeof DeviceChanged>;

export const ShareLinkChanged = changeMessage(
  'ShareLinkChanged',
  ['shareId', ShareId],
  ['share', ShareLinkDto],
);
export type ShareLinkChanged = z.infer<typeof ShareLinkChanged>;

export const RealtimeChangeMessage = z.discriminatedUnion('type', [
  LibraryFileChanged,
  LibraryFolderChanged,
  ProgressChanged,
  DeviceChanged,
  ShareLinkChanged,
]);
export type RealtimeChangeMessage = z.infer<typeof RealtimeChangeMessage>;

/**
 * `resumeFrom` cannot be honoured: the changes after it are no longer kept (`too_old`), or the
 * position is not one of this server's (`unknown`). Refetch everything over HTTP; the connection
 * stays open and continues live after `position`.
 */
export const ResyncRequired = z.object({
  type: z.literal('ResyncRequired'),
  reason: z.enum(['too_old', 'unknown']),
  position: FeedPosition,
});
export type ResyncRequired = z.infer<typeof ResyncRequired>;

/**
 * Answer to `Ping`. `position`: every change up to here has been sent on this connection, so an
 * idle client can keep it as its resume position.
 */
export const Pong = z.object({
  type: z.literal('Pong'),
  nonce: z.string().optional(),
  position: FeedPosition.optional(),
});
export type Pong = z.infer<typeof Pong>;

export const RealtimeErrorCode = z.enum([
  /** Not JSON, or not a message of the protocol. */
  'invalid_message',
  /** A message other than `Hello` before it, or a second `Hello`. */
  'hello_expected',
  'unsupported_version',
  /** The access token is missing, invalid or expired. */
  'unauthorized',
  'internal',
]);
export type RealtimeErrorCode = z.infer<typeof RealtimeErrorCode>;

export const RealtimeError = z.object({
  type: z.literal('Error'),
  code: RealtimeErrorCode,
  message: z.string(),
});
export type RealtimeError = z.infer<typeof RealtimeError>;

export const RealtimeServerMessage = z.discriminatedUnion('type', [
  Welcome,
  ...RealtimeChangeMessage.options,
  ResyncRequired,
  Pong,
  RealtimeError,
]);
export type RealtimeServerMessage = z.infer<typeof RealtimeServerMessage>;

/** Close codes the server uses, and what the client should do. */
export const RealtimeCloseCode = {
  /** The server is shutting down: reconnect (to another instance) with the last position. */
  goingAway: 1001,
  /** No `Hello` in time, a second `Hello`, or repeated invalid messages: fix the client. */
  policyViolation: 1008,
  /** Something failed on the server: reconnect with backoff. */
  internalError: 1011,
  /** The token was refused: refresh it, then reconnect. */
  unauthorized: 4401,
  /** The client does not read fast enough; it may reconnect with its last position. */
  tooSlow: 4408,
  /** The server does not speak the requested protocol version. */
  unsupportedVersion: 4426,
} as const;
export type RealtimeCloseCode = (typeof RealtimeCloseCode)[keyof typeof RealtimeCloseCode];
