import type { UserId } from '@teleplay/contracts';
import type { Position } from '@teleplay/eventstore';
import { getFolderPath } from '@teleplay/projections';
import { LRUCache } from 'lru-cache';
import type { LibraryCommand } from '../modules/library/library.decide.ts';
import {
  type Actor,
  type BotClock,
  type BotContext,
  edit,
  idFor,
  readYourWrites,
  runLibraryCommand,
  send,
} from './bot.context.ts';
import { actionButton } from './bot.keyboards.ts';
import { html, pathText, refusalText, texts } from './bot.texts.ts';
import type { BotCallbackAnswer, BotCallbackQuery, BotMessage } from './bot.transport.ts';
import { renderPicker, renderSelection, renderView, type View } from './bot.views.ts';

// Short conversations: rename (the bot asks, the user replies with the name), new folder (the same) and
// move (the message turns into a folder picker). One per user at a time: starting another, or sending a
// command, ends the one before. Each lapses after a while of silence.

/** What is being moved: one file, one folder, or the files selected in a list. */
export type MoveSubject =
  | { type: 'file'; fileId: string; name: string }
  | { type: 'folder'; folderId: string; name: string }
  | { type: 'files'; fileIds: readonly string[] };

/** A message showing `view`, to refresh once the conversation changed what it shows. */
export interface ShownView {
  messageId: number;
  view: View;
}

export type Conversation =
  | {
      kind: 'rename';
      target: { type: 'file' | 'folder'; id: string; name: string };
      promptMessageId: number;
      shown: ShownView | null;
    }
  | { kind: 'newFolder'; parentId: string | null; promptMessageId: number; shown: ShownView | null }
  | {
      kind: 'move';
      subject: MoveSubject;
      /** The message that turned into the picker. */
      messageId: number;
      browse: { folderId: string | null; page: number };
      /** What the message shows again when cancelled: a view, or the selection it came from. */
      onCancel: View | 'selection';
      onDone: View;
    };

export interface ConversationStore {
  /** The user's conversation; one that lapsed is returned once with `expired`, then forgotten. */
  current(userId: UserId): { conversation: Conversation; expired: boolean } | null;
  /** Starts a conversation (or updates the current one), resetting its timeout; returns the one it replaced. */
  begin(userId: UserId, conversation: Conversation): Conversation | null;
  end(userId: UserId): void;
}

export function createConversationStore(
  clock: BotClock,
  options: { ttlMs: number; maxUsers?: number },
): ConversationStore {
  const conversations = new LRUCache<UserId, { conversation: Conversation; expiresAt: number }>({
    max: options.maxUsers ?? 10_000,
  });
  return {
    current(userId) {
      const entry = conversations.get(userId);
      if (!entry) return null;
      const expired = clock.now().getTime() >= entry.expiresAt;
      if (expired) conversations.delete(userId);
      return { conversation: entry.conversation, expired };
    },
    begin(userId, conversation) {
      const previous = conversations.get(userId);
      conversations.set(userId, { conversation, expiresAt: clock.now().getTime() + options.ttlMs });
      return previous && !sameMessage(previous.conversation, conversation) ? previous.conversation : null;
    },
    end(userId) {
      conversations.delete(userId);
    },
  };
}

/** The message a conversation lives in (the prompt, or the picker). */
function messageOf(conversation: Conversation): number {
  return conversation.kind === 'move' ? conversation.messageId : conversation.promptMessageId;
}

function sameMessage(a: Conversation, b: Conversation): boolean {
  return a.kind === b.kind && messageOf(a) === messageOf(b);
}

// ---------------------------------------------------------------------------------------------
// Starting and ending
// ---------------------------------------------------------------------------------------------

async function begin(context: BotContext, actor: Actor, conversation: Conversation): Promise<void> {
  const replaced = context.conversations.begin(actor.userId, conversation);
  if (replaced) await closeMessage(context, actor, replaced, texts.cancelled);
}

/** Ends the user's conversation, if any (a command arrived): its message says so. */
export async function endConversation(context: BotContext, actor: Actor): Promise<boolean> {
  const current = context.conversations.current(actor.userId);
  if (!current) return false;
  context.conversations.end(actor.userId);
  await closeMessage(
    context,
    actor,
    current.conversation,
    current.expired ? texts.conversationExpired : texts.cancelled,
  );
  return !current.expired;
}

/** The prompt loses its Cancel button; the picker shows what it showed before. */
async function closeMessage(context: BotContext, actor: Actor, conversation: Conversation, notice: string) {
  if (conversation.kind !== 'move') {
    await edit(context, actor.chatId, conversation.promptMessageId, { text: notice });
    return;
  }
  const content =
    conversation.onCancel === 'selection'
      ? await selectionOrDone(context, actor, conversation, notice)
      : await renderView(context, actor.userId, conversation.onCancel, notice);
  await edit(context, actor.chatId, conversation.messageId, content);
}

async function selectionOrDone(
  context: BotContext,
  actor: Actor,
  conversation: Extract<Conversation, { kind: 'move' }>,
  notice: string,
) {
  const selection = context.selections.get(actor.chatId, conversation.messageId);
  return selection
    ? renderSelection(context, actor.userId, selection, notice)
    : renderView(context, actor.userId, conversation.onDone, notice);
}

export async function startRename(
  context: BotContext,
  actor: Actor,
  target: { type: 'file' | 'folder'; id: string; name: string },
  shown: ShownView | null,
): Promise<void> {
  const promptMessageId = await send(context, actor.chatId, {
    text: texts.renamePrompt(target.name),
    keyboard: [[actionButton(texts.cancel, { type: 'cancel' })]],
  });
  await begin(context, actor, { kind: 'rename', target, promptMessageId, shown });
}

export async function startNewFolder(
  context: BotContext,
  actor: Actor,
  parentId: string | null,
  shown: ShownView | null,
): Promise<void> {
  const path = parentId === null ? [] : await getFolderPath(context.db, actor.userId, parentId);
  const promptMessageId = await send(context, actor.chatId, {
    text: texts.newFolderPrompt(pathText(path)),
    keyboard: [[actionButton(texts.cancel, { type: 'cancel' })]],
  });
  await begin(context, actor, { kind: 'newFolder', parentId, promptMessageId, shown });
}

/** Turns message `messageId` into a folder picker for `subject`. */
export async function startMove(
  context: BotContext,
  actor: Actor,
  move: { subject: MoveSubject; messageId: number; onCancel: View | 'selection'; onDone: View },
): Promise<void> {
  const conversation: Conversation = { kind: 'move', ...move, browse: { folderId: null, page: 0 } };
  await begin(context, actor, conversation);
  await showPicker(context, actor, conversation);
}

function subjectText(subject: MoveSubject): string {
  return subject.type === 'files'
    ? texts.pickerSubjectFiles(subject.fileIds.length)
    : texts.pickerSubjectName(subject.name);
}

async function showPicker(
  context: BotContext,
  actor: Actor,
  conversation: Extract<Conversation, { kind: 'move' }>,
): Promise<void> {
  const content = await renderPicker(context, actor.userId, {
    subject: subjectText(conversation.subject),
    ...conversation.browse,
    excludedFolderId: conversation.subject.type === 'folder' ? conversation.subject.folderId : null,
  });
  await edit(context, actor.chatId, conversation.messageId, content);
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/**
 * A text message while a conversation waits for one: the new name. Returns false when no conversation
 * wants text, and the message is handled as usual.
 */
export async function handleConversationText(
  context: BotContext,
  actor: Actor,
  message: BotMessage,
): Promise<boolean> {
  const current = context.conversations.current(actor.userId);
  if (!current) return false;
  const { conversation, expired } = current;
  if (expired) {
    await closeMessage(context, actor, conversation, texts.conversationExpired);
    if (conversation.kind === 'move') return false;
    await send(context, actor.chatId, { text: texts.conversationExpired }, message.messageId);
    return true;
  }
  if (conversation.kind === 'move') return false;

  const name = message.text;
  const created = conversation.kind === 'newFolder' ? idFor(actor, 'folder') : null;
  const command: LibraryCommand =
    conversation.kind === 'newFolder'
      ? { type: 'CreateFolder', data: { folderId: created!, parentId: conversation.parentId, name } }
      : conversation.target.type === 'file'
        ? { type: 'RenameFile', data: { fileId: conversation.target.id, name } }
        : { type: 'RenameFolder', data: { folderId: conversation.target.id, name } };
  const result = await runLibraryCommand(context, actor, conversation.kind, command);
  if (result.status === 'refused') {
    const problem = html(refusalText(result.refusal));
    if (result.refusal.kind === 'not_found') {
      // What was to be renamed (or to hold the new folder) is gone: no name will do.
      context.conversations.end(actor.userId);
      await edit(context, actor.chatId, conversation.promptMessageId, { text: problem });
      return true;
    }
    await send(context, actor.chatId, { text: `${problem}\n${texts.tryAnotherName}` }, message.messageId);
    return true;
  }

  context.conversations.end(actor.userId);
  await readYourWrites(context, result.position);
  const finalName = name.trim();
  if (conversation.kind === 'newFolder') {
    await edit(context, actor.chatId, conversation.promptMessageId, {
      text: texts.createdFolder(finalName),
      keyboard: [[actionButton(`📁 ${finalName}`, { type: 'folder', folderId: created, page: 0 })]],
    });
  } else {
    await edit(context, actor.chatId, conversation.promptMessageId, { text: texts.renamed(finalName) });
  }
  if (conversation.shown) {
    const content = await renderView(context, actor.userId, conversation.shown.view);
    await edit(context, actor.chatId, conversation.shown.messageId, content);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Buttons: picker navigation, Move here, Cancel
// ---------------------------------------------------------------------------------------------

/** The move conversation that `query` belongs to; otherwise the message is retired and null returned. */
async function moveOf(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
): Promise<Extract<Conversation, { kind: 'move' }> | null> {
  const current = context.conversations.current(actor.userId);
  const conversation = current?.conversation;
  if (conversation?.kind === 'move' && conversation.messageId === query.messageId) {
    if (!current?.expired) return conversation;
    await closeMessage(context, actor, conversation, texts.conversationExpired);
    return null;
  }
  await edit(context, actor.chatId, query.messageId, { text: texts.menuExpired });
  return null;
}

export async function handlePick(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
  browse: { folderId: string | null; page: number },
): Promise<BotCallbackAnswer | undefined> {
  const conversation = await moveOf(context, actor, query);
  if (!conversation) return { text: texts.menuExpired };
  const next = { ...conversation, browse };
  context.conversations.begin(actor.userId, next);
  await showPicker(context, actor, next);
  return undefined;
}

export async function handleMoveHere(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
  folderId: string | null,
): Promise<BotCallbackAnswer | undefined> {
  const conversation = await moveOf(context, actor, query);
  if (!conversation) return { text: texts.menuExpired };
  const { subject } = conversation;

  let moved = 0;
  let failed = 0;
  let position: Position | null = null;
  const commands: [string, LibraryCommand][] =
    subject.type === 'file'
      ? [['move', { type: 'MoveFile', data: { fileId: subject.fileId, folderId } }]]
      : subject.type === 'folder'
        ? [['move', { type: 'MoveFolder', data: { folderId: subject.folderId, parentId: folderId } }]]
        : subject.fileIds.map((fileId) => [
            `move:${fileId}`,
            { type: 'MoveFile', data: { fileId, folderId } },
          ]);
  for (const [step, command] of commands) {
    const result = await runLibraryCommand(context, actor, step, command);
    if (result.status === 'refused') {
      // One thing refused: the picker stays, so that another folder can be picked.
      if (subject.type !== 'files') return { text: refusalText(result.refusal), alert: true };
      failed++;
      continue;
    }
    moved++;
    position = result.position ?? position;
  }

  context.conversations.end(actor.userId);
  if (subject.type === 'files') context.selections.end(actor.chatId, conversation.messageId);
  await readYourWrites(context, position);
  const path = pathText(folderId === null ? [] : await getFolderPath(context.db, actor.userId, folderId));
  const notice =
    failed === 0 ? texts.movedTo(subjectText(subject), path) : texts.movedSome(moved, failed, path);
  const content = await renderView(context, actor.userId, conversation.onDone, notice);
  await edit(context, actor.chatId, conversation.messageId, content);
  return undefined;
}

/** Cancel under a prompt or a picker. */
export async function handleCancel(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
): Promise<BotCallbackAnswer | undefined> {
  const current = context.conversations.current(actor.userId);
  if (current && messageOf(current.conversation) === query.messageId) {
    if (!current.expired) context.conversations.end(actor.userId);
    await closeMessage(
      context,
      actor,
      current.conversation,
      current.expired ? texts.conversationExpired : texts.cancelled,
    );
    return { text: texts.cancelled };
  }
  await edit(context, actor.chatId, query.messageId, { text: texts.menuExpired });
  return { text: texts.menuExpired };
}
