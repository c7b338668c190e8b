import { libraryStream } from '@teleplay/contracts';
import { getFile } from '@teleplay/projections';
import type { LibraryCommand } from '../modules/library/library.decide.ts';
import { libraryDecider } from '../modules/library/library.decide.ts';
import { originKey } from '../modules/library/library.state.ts';
import {
  type Actor,
  type BotContext,
  edit,
  idFor,
  readYourWrites,
  runLibraryCommand,
  send,
} from './bot.context.ts';
import { startMove, startRename } from './bot.conversations.ts';
import type { Back } from './bot.keyboards.ts';
import { fileKindOf, fileNameOf, thumbnailOf } from './bot.media.ts';
import { html, refusalText, texts } from './bot.texts.ts';
import type { BotCallbackAnswer, BotCallbackQuery, BotMessage } from './bot.transport.ts';
import { renderConfirmDeleteFile, renderFileCard } from './bot.views.ts';

// Files sent to the bot, and the buttons of a file card.

/**
 * A file a user sent: forwarded to the storage channel, then recorded with `UploadFile`. The file's id
 * derives from the message, and a message already recorded is not forwarded again, so a redelivered
 * update records nothing twice.
 */
export async function handleUpload(context: BotContext, actor: Actor, message: BotMessage): Promise<void> {
  const sent = message.media;
  if (!sent) return;
  const origin = { chatId: message.chatId, messageId: message.messageId };
  const fileId = idFor(actor, 'file');
  const library = await context.cache.load(context.store, libraryStream(actor.userId), libraryDecider);
  if (library.state.origins.has(originKey(origin))) {
    const card = await renderFileCard(context, actor.userId, fileId, { to: 'none' }, texts.alreadySaved);
    await send(context, actor.chatId, card, message.messageId);
    return;
  }

  const stored = await context.transport.forwardToStorage(message.chatId, message.messageId);
  const media = stored.media;
  if (!media) {
    await context.transport.deleteStorageMessages([stored.messageId]);
    await send(context, actor.chatId, { text: texts.couldNotStore }, message.messageId);
    return;
  }
  const result = await runLibraryCommand(context, actor, 'upload', {
    type: 'UploadFile',
    data: {
      fileId,
      folderId: null,
      name: fileNameOf(sent, new Date(message.date * 1000)),
      size: media.size,
      mimeType: media.mimeType || 'application/octet-stream',
      kind: fileKindOf(sent),
      durationSeconds: media.durationSeconds,
      width: media.width,
      height: media.height,
      thumbnail: thumbnailOf(media),
      origin,
      telegram: {
        channelId: stored.channelId,
        messageId: stored.messageId,
        documentId: media.documentId,
        dcId: media.dcId,
      },
    },
  });
  if (result.status === 'refused') {
    // Nothing refers to the forwarded copy: it goes.
    await context.transport.deleteStorageMessages([stored.messageId]);
    await send(context, actor.chatId, { text: html(refusalText(result.refusal)) }, message.messageId);
    return;
  }
  await readYourWrites(context, result.position);
  const card = await renderFileCard(context, actor.userId, fileId, { to: 'none' }, texts.saved);
  await send(context, actor.chatId, card, message.messageId);
}

export type FileAction =
  | { type: 'file' | 'renameFile' | 'moveFile'; fileId: string; back: Back }
  | { type: 'trashFile' | 'restoreFile' | 'askDeleteFile' | 'deleteFile'; fileId: string; back: Back };

/** A button of a file card. */
export async function handleFileAction(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
  action: FileAction,
): Promise<BotCallbackAnswer | undefined> {
  const { fileId, back } = action;
  const view = { type: 'file', fileId, back } as const;
  const showCard = async (notice?: string) =>
    edit(
      context,
      actor.chatId,
      query.messageId,
      await renderFileCard(context, actor.userId, fileId, back, notice),
    );

  if (action.type === 'file') {
    await showCard();
    return undefined;
  }
  if (action.type === 'askDeleteFile') {
    await edit(
      context,
      actor.chatId,
      query.messageId,
      await renderConfirmDeleteFile(context, actor.userId, fileId, back),
    );
    return undefined;
  }
  const file = await getFile(context.db, actor.userId, fileId);
  if (!file) {
    await showCard();
    return { text: texts.fileGone };
  }
  switch (action.type) {
    case 'renameFile':
      await startRename(
        context,
        actor,
        { type: 'file', id: fileId, name: file.name },
        { messageId: query.messageId, view },
      );
      return undefined;
    case 'moveFile':
      await startMove(context, actor, {
        subject: { type: 'file', fileId, name: file.name },
        messageId: query.messageId,
        onCancel: view,
        onDone: view,
      });
      return undefined;
    case 'trashFile':
      return writeThenShow(
        context,
        actor,
        { type: 'TrashFile', data: { fileId } },
        showCard,
        texts.trashedFile(file.name),
      );
    case 'restoreFile':
      return writeThenShow(
        context,
        actor,
        { type: 'RestoreFile', data: { fileId } },
        showCard,
        texts.restoredFile(file.name),
      );
    case 'deleteFile':
      return writeThenShow(
        context,
        actor,
        { type: 'DeleteFile', data: { fileId } },
        showCard,
        texts.deletedFile(file.name),
      );
  }
}

/**
 * Runs one library command; a refusal is shown as an alert (the message stays as it was), success
 * refreshes the message with `notice` once the read models have it.
 */
export async function writeThenShow(
  context: BotContext,
  actor: Actor,
  command: LibraryCommand,
  show: (notice: string) => Promise<void>,
  notice: string,
): Promise<BotCallbackAnswer | undefined> {
  const result = await runLibraryCommand(context, actor, 'write', command);
  if (result.status === 'refused') return { text: refusalText(result.refusal), alert: true };
  await readYourWrites(context, result.position);
  await show(notice);
  return undefined;
}
