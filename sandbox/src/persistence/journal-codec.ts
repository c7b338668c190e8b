import { Api, extensions } from 'teleproto';
import type { AuthKeyChange, AuthKeyRegistry } from '../mtproto/auth-keys.ts';
import { DiskBlob, type FileBlob, GeneratedBlob } from '../world/file-blobs.ts';
import type {
  ChatMessage,
  MessageChanges,
  MessageContent,
  StoredMedia,
  StoredPhotoSize,
  WorldChange,
} from '../world/model.ts';
import type { World } from '../world/world.ts';
import type {
  BlobRecord,
  BlobRecordInput,
  ChangesRecord,
  ChangesRecordInput,
  ContentRecord,
  ContentRecordInput,
  JournalRecord,
  JournalRecordInput,
  PhotoSizeRecord,
  PhotoSizeRecordInput,
} from './journal-records.ts';

/** Where blobs live on disk: names for the journal, and blobs back from names. */
export interface BlobFiles {
  nameOf(blob: DiskBlob): string;
  blob(name: string, size: number): DiskBlob;
}

/** Bytes held only in memory (a bot's upload, a thumbnail): written under `name` before the record. */
export interface PendingBlob {
  name: string;
  blob: FileBlob;
}

export interface EncodedChange {
  record: JournalRecordInput;
  blobs: PendingBlob[];
}

// ── encoding: taken synchronously, as the change happens (messages are edited in place later) ──

export function encodeWorldChange(change: WorldChange, at: number, files: BlobFiles): EncodedChange {
  const blobs: PendingBlob[] = [];
  const record = ((): JournalRecordInput => {
    switch (change.type) {
      case 'user_created': {
        const { id, firstName, username } = change.account;
        return { type: change.type, at, id, firstName, username };
      }
      case 'bot_commands_set':
        return { type: change.type, at, botId: change.account.id, commands: change.account.commands.map(tl) };
      case 'file_stored':
        return { type: change.type, at, file: fileRecord(change.file, files, blobs) };
      case 'file_served_from':
        return { type: change.type, at, fileId: String(change.file.id), dcId: change.dcId };
      case 'private_sent': {
        const { message } = change;
        if (message.chat.type !== 'private' || message.senderId === undefined) {
          throw new Error('private_sent carries a channel message');
        }
        const { userId, botId } = message.chat;
        return {
          type: change.type,
          at,
          senderId: message.senderId,
          recipientId: message.senderId === userId ? botId : userId,
          randomId: change.randomId === undefined ? null : String(change.randomId),
          content: contentRecord(message),
        };
      }
      case 'posted': {
        const { message } = change;
        if (message.chat.type !== 'channel') throw new Error('posted carries a private message');
        return {
          type: change.type,
          at,
          channelId: message.chat.channelId,
          authorId: message.senderId ?? null,
          randomId: change.randomId === undefined ? null : String(change.randomId),
          content: contentRecord(message),
        };
      }
      case 'edited':
        return {
          type: change.type,
          at,
          message: messageRef(change.message),
          changes: changesRecord(change.changes),
        };
      case 'deleted':
        return {
          type: change.type,
          at,
          ownerId: change.ownerId,
          ids: change.messages.map((message) => idIn(message, change.ownerId)),
        };
      case 'file_reference_issued':
        return {
          type: change.type,
          at: change.issuedAt,
          accountId: change.accountId,
          fileId: String(change.fileId),
          bytes: change.bytes.toString('base64'),
        };
      case 'file_references_expired':
        return { type: change.type, at, accountId: change.accountId ?? null };
    }
  })();
  return { record, blobs };
}

export function encodeAuthKeyChange(change: AuthKeyChange, at: number): JournalRecordInput {
  const { record } = change;
  if (change.type === 'auth_key_created') {
    return {
      type: change.type,
      at,
      key: record.key.toString('base64'),
      dcId: record.dcId,
      serverSalt: record.serverSalt.toString('base64'),
    };
  }
  return { type: change.type, at, keyId: record.id, accountId: record.accountId ?? null };
}

function tl(object: { getBytes(): Buffer }): string {
  return object.getBytes().toString('base64');
}

function fileRecord(
  file: StoredMedia,
  files: BlobFiles,
  blobs: PendingBlob[],
): Extract<JournalRecordInput, { type: 'file_stored' }>['file'] {
  // Blobs held in memory are named after the file (ids are unique) and their place in it.
  let parts = 0;
  const blobRecord = (blob: FileBlob): BlobRecordInput => {
    if (blob instanceof GeneratedBlob) return { kind: 'generated', seed: blob.seed, size: blob.size };
    if (blob instanceof DiskBlob) return { kind: 'disk', name: files.nameOf(blob), size: blob.size };
    const name = `${file.kind}-${BigInt.asUintN(64, file.id).toString(16)}-${parts++}`;
    blobs.push({ name, blob });
    return { kind: 'disk', name, size: blob.size };
  };
  const sizeRecord = (size: StoredPhotoSize): PhotoSizeRecordInput => ({
    type: size.type,
    width: size.width,
    height: size.height,
    blob: blobRecord(size.blob),
  });
  const identity = { id: String(file.id), dcId: file.dcId };
  if (file.kind === 'photo') return { kind: 'photo', ...identity, sizes: file.sizes.map(sizeRecord) };
  return {
    kind: 'document',
    ...identity,
    fileName: file.fileName,
    mimeType: file.mimeType,
    blob: blobRecord(file.blob),
    video: file.video ?? null,
    audio: file.audio ?? null,
    image: file.image ?? null,
    thumb: file.thumb ? sizeRecord(file.thumb) : null,
  };
}

function contentRecord(content: MessageContent): ContentRecordInput {
  return {
    text: content.text,
    entities: content.entities.map(tl),
    replyMarkup: content.replyMarkup ? tl(content.replyMarkup) : null,
    media: content.media ? String(content.media.id) : null,
    forward: content.forward ? { from: { ...content.forward.from }, date: content.forward.date } : null,
    replyTo: content.replyTo ? messageRef(content.replyTo) : null,
  };
}

function changesRecord(changes: MessageChanges): ChangesRecordInput {
  const record: ChangesRecordInput = {};
  if (changes.text !== undefined) record.text = changes.text;
  if (changes.entities !== undefined) record.entities = changes.entities.map(tl);
  if ('replyMarkup' in changes) record.replyMarkup = changes.replyMarkup ? tl(changes.replyMarkup) : null;
  if ('media' in changes) record.media = changes.media ? String(changes.media.id) : null;
  return record;
}

function messageRef(message: ChatMessage): { box: number; id: number } {
  const [first] = message.ids;
  if (!first) throw new Error('the message is in no box');
  return { box: first[0], id: first[1] };
}

function idIn(message: ChatMessage, box: number): number {
  const id = message.ids.get(box);
  if (id === undefined) throw new Error(`the message is not in box ${box}`);
  return id;
}

// ── replay: the same world calls, in the same order ──────────────────────────────────────

export interface ReplayTarget {
  world: World;
  keys: AuthKeyRegistry;
  files: BlobFiles;
}

/** Applies one record; throws if it does not fit the world rebuilt so far. */
export function applyRecord(record: JournalRecord, { world, keys, files }: ReplayTarget): void {
  switch (record.type) {
    case 'user_created': {
      const account = world.createUser({ firstName: record.firstName, username: record.username });
      expectSame('user id', account.id, record.id);
      return;
    }
    case 'bot_commands_set': {
      const bot = world.account(record.botId);
      if (!bot?.bot) throw new Error(`there is no bot ${record.botId}`);
      world.setBotCommands(
        bot,
        record.commands.map((bytes) => readTl(bytes, Api.BotCommand)),
      );
      return;
    }
    case 'file_stored': {
      const file = record.file;
      const blob = (stored: BlobRecord): FileBlob =>
        stored.kind === 'generated'
          ? new GeneratedBlob(stored.size, stored.seed)
          : files.blob(stored.name, stored.size);
      const size = (stored: PhotoSizeRecord): StoredPhotoSize => ({
        type: stored.type,
        width: stored.width,
        height: stored.height,
        blob: blob(stored.blob),
      });
      const added =
        file.kind === 'photo'
          ? world.addPhoto({ sizes: file.sizes.map(size), dcId: file.dcId })
          : world.addDocument({
              fileName: file.fileName,
              mimeType: file.mimeType,
              blob: blob(file.blob),
              video: file.video ?? undefined,
              audio: file.audio ?? undefined,
              image: file.image ?? undefined,
              thumb: file.thumb ? size(file.thumb) : undefined,
              dcId: file.dcId,
            });
      expectSame('file id', added.id, file.id);
      return;
    }
    case 'file_served_from':
      world.serveFileFrom(fileOf(world, record.fileId), record.dcId);
      return;
    case 'private_sent':
      world.sendPrivate(record.senderId, record.recipientId, content(world, record.content), {
        randomId: record.randomId ?? undefined,
      });
      return;
    case 'posted':
      world.post(record.channelId, record.authorId ?? undefined, content(world, record.content), {
        randomId: record.randomId ?? undefined,
      });
      return;
    case 'edited':
      world.edit(messageAt(world, record.message.box, record.message.id), changes(world, record.changes));
      return;
    case 'deleted':
      world.delete(
        record.ownerId,
        record.ids.map((id) => messageAt(world, record.ownerId, id)),
      );
      return;
    case 'file_reference_issued':
      world.fileReferences.restore(record.accountId, record.fileId, record.bytes, record.at);
      return;
    case 'file_references_expired':
      world.fileReferences.expire(record.accountId ?? undefined);
      return;
    case 'auth_key_created':
      keys.add(record.key, record.dcId, record.serverSalt);
      return;
    case 'auth_key_account_set':
      if (!keys.has(record.keyId)) throw new Error(`there is no auth key ${record.keyId}`);
      keys.setAccount(record.keyId, record.accountId ?? undefined);
      return;
  }
}

function content(world: World, record: ContentRecord): MessageContent {
  return {
    text: record.text,
    entities: record.entities.map((bytes) => readTl<Api.TypeMessageEntity>(bytes)),
    replyMarkup: record.replyMarkup ? readTl<Api.TypeReplyMarkup>(record.replyMarkup) : undefined,
    media: record.media === null ? undefined : fileOf(world, record.media),
    forward: record.forward ?? undefined,
    replyTo: record.replyTo ? messageAt(world, record.replyTo.box, record.replyTo.id) : undefined,
  };
}

function changes(world: World, record: ChangesRecord): MessageChanges {
  const result: MessageChanges = {};
  if (record.text !== undefined) result.text = record.text;
  if (record.entities !== undefined) {
    result.entities = record.entities.map((bytes) => readTl<Api.TypeMessageEntity>(bytes));
  }
  if (record.replyMarkup !== undefined) {
    result.replyMarkup = record.replyMarkup ? readTl<Api.TypeReplyMarkup>(record.replyMarkup) : undefined;
  }
  if (record.media !== undefined)
    result.media = record.media === null ? undefined : fileOf(world, record.media);
  return result;
}

function fileOf(world: World, id: bigint): StoredMedia {
  const file = world.file(id);
  if (!file) throw new Error(`there is no file ${id}`);
  return file;
}

function messageAt(world: World, box: number, id: number): ChatMessage {
  const message = world.messageIn(box, id);
  if (!message) throw new Error(`there is no live message ${id} in box ${box}`);
  return message;
}

/** A TL object from its serialized bytes (of the expected class, when one is given). */
function readTl<T>(bytes: Buffer, type?: new (...args: never[]) => T): T {
  const object: unknown = new extensions.BinaryReader(bytes).tgReadObject();
  if (type && !(object instanceof type)) throw new Error(`expected a ${type.name}`);
  return object as T;
}

function expectSame<T>(what: string, rebuilt: T, recorded: T): void {
  if (rebuilt !== recorded) {
    throw new Error(
      `the replayed ${what} is ${rebuilt}, the journal says ${recorded}: the world has changed`,
    );
  }
}
