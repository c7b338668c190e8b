import { z } from 'zod';

/**
 * The lines of a data directory's journal: one durable change each, in order. 64-bit values are
 * decimal strings, bytes base64 (TL objects as their serialized bytes), times epoch milliseconds.
 * Every record carries `at`, the time it happened: replay runs the world's clock at it, so dates
 * and file ids come out as they were.
 */

const Int = z.number().int();
const Count = z.number().int().nonnegative();
const Time = z.number().int().nonnegative();
const Int64 = z
  .string()
  .regex(/^-?\d{1,20}$/)
  .transform((value) => BigInt(value));
const Bytes = z.base64().transform((value) => Buffer.from(value, 'base64'));

const BlobRecord = z.discriminatedUnion('kind', [
  /** A file in the data directory's `files/` folder. */
  z.object({ kind: z.literal('disk'), name: z.string(), size: Count }),
  z.object({ kind: z.literal('generated'), seed: z.string(), size: Count }),
]);

const PhotoSizeRecord = z.object({ type: z.string(), width: Count, height: Count, blob: BlobRecord });

const StoredFileRecord = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('document'),
    id: Int64,
    dcId: Int,
    fileName: z.string(),
    mimeType: z.string(),
    blob: BlobRecord,
    video: z.object({ duration: z.number(), width: Count, height: Count }).nullable(),
    audio: z.object({ duration: z.number() }).nullable(),
    image: z.object({ width: Count, height: Count }).nullable(),
    thumb: PhotoSizeRecord.nullable(),
  }),
  z.object({ kind: z.literal('photo'), id: Int64, dcId: Int, sizes: z.array(PhotoSizeRecord).min(1) }),
]);

/** A message by its id in one of its boxes (a participant of a private chat, or the channel). */
const MessageRef = z.object({ box: Int, id: Int });

const ContentRecord = z.object({
  text: z.string(),
  entities: z.array(Bytes),
  replyMarkup: Bytes.nullable(),
  /** Id of a file stored earlier in the journal. */
  media: Int64.nullable(),
  forward: z
    .object({
      from: z.discriminatedUnion('type', [
        z.object({ type: z.literal('user'), id: Int }),
        z.object({ type: z.literal('channel'), id: Int, postId: Int }),
      ]),
      date: Int,
    })
    .nullable(),
  replyTo: MessageRef.nullable(),
});

/** Only the fields an edit set; null removes the reply markup or media. */
const ChangesRecord = z.object({
  text: z.string().optional(),
  entities: z.array(Bytes).optional(),
  replyMarkup: Bytes.nullable().optional(),
  media: Int64.nullable().optional(),
});

export const JournalRecord = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('user_created'),
    at: Time,
    id: Int,
    firstName: z.string(),
    username: z.string(),
  }),
  z.object({ type: z.literal('bot_commands_set'), at: Time, botId: Int, commands: z.array(Bytes) }),
  z.object({ type: z.literal('file_stored'), at: Time, file: StoredFileRecord }),
  z.object({ type: z.literal('file_served_from'), at: Time, fileId: Int64, dcId: Int }),
  z.object({
    type: z.literal('private_sent'),
    at: Time,
    senderId: Int,
    recipientId: Int,
    randomId: Int64.nullable(),
    content: ContentRecord,
  }),
  z.object({
    type: z.literal('posted'),
    at: Time,
    channelId: Int,
    authorId: Int.nullable(),
    randomId: Int64.nullable(),
    content: ContentRecord,
  }),
  z.object({ type: z.literal('edited'), at: Time, message: MessageRef, changes: ChangesRecord }),
  /** Messages deleted for everyone, by their ids in one box. */
  z.object({ type: z.literal('deleted'), at: Time, ownerId: Int, ids: z.array(Int).min(1) }),
  /** A file reference minted for an account at `at`. */
  z.object({
    type: z.literal('file_reference_issued'),
    at: Time,
    accountId: Int,
    fileId: Int64,
    bytes: Bytes,
  }),
  z.object({ type: z.literal('file_references_expired'), at: Time, accountId: Int.nullable() }),
  z.object({ type: z.literal('auth_key_created'), at: Time, key: Bytes, dcId: Int, serverSalt: Bytes }),
  z.object({
    type: z.literal('auth_key_account_set'),
    at: Time,
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    accountId: Int.nullable(),
  }),
]);

/** A record as read back (bigints and Buffers). */
export type JournalRecord = z.output<typeof JournalRecord>;
/** A record as written (strings). */
export type JournalRecordInput = z.input<typeof JournalRecord>;
export type BlobRecordInput = z.input<typeof BlobRecord>;
export type BlobRecord = z.output<typeof BlobRecord>;
export type PhotoSizeRecord = z.output<typeof PhotoSizeRecord>;
export type PhotoSizeRecordInput = z.input<typeof PhotoSizeRecord>;
export type ContentRecord = z.output<typeof ContentRecord>;
export type ContentRecordInput = z.input<typeof ContentRecord>;
export type ChangesRecord = z.output<typeof ChangesRecord>;
export type ChangesRecordInput = z.input<typeof ChangesRecord>;

/** `sandbox.json`: what the data directory was made by, written once when it is created. */
export const SandboxMeta = z.object({
  format: z.literal(1),
  /** Stable across restarts: clients key their saved sessions by it. */
  instanceId: z.uuid(),
  seed: z.string(),
  homeDcId: Int,
  helperBotCount: Count,
  /** When the world was seeded (the storage channel's date). */
  createdAt: Time,
});
export type SandboxMeta = z.output<typeof SandboxMeta>;
