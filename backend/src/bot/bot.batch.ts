import type { Position } from '@teleplay/eventstore';
import { LRUCache } from 'lru-cache';
import {
  type Actor,
  type BotClock,
  type BotContext,
  edit,
  readYourWrites,
  runLibraryCommand,
} from './bot.context.ts';
import { startMove } from './bot.conversations.ts';
import { actionButton } from './bot.keyboards.ts';
import { texts } from './bot.texts.ts';
import type { BotCallbackAnswer, BotCallbackQuery } from './bot.transport.ts';
import { type ListSource, listView, renderSelection, renderView, type Selection } from './bot.views.ts';

// Batch operations: a list message (recent uploads or a folder) switches to selection mode, where every
// file is a toggle; the selected files are then moved or trashed together, one command each, exactly the
// commands a single move or delete sends.

export interface SelectionStore {
  start(chatId: string, messageId: number, source: ListSource, page: number): Selection;
  /** The selection shown in a message; null when there is none or it lapsed. */
  get(chatId: string, messageId: number): Selection | null;
  /** Replaces the selection (toggled a file, turned a page), resetting its timeout. */
  set(chatId: string, messageId: number, selection: Selection): void;
  end(chatId: string, messageId: number): void;
}

export function createSelectionStore(
  clock: BotClock,
  options: { ttlMs: number; maxSelections?: number },
): SelectionStore {
  const selections = new LRUCache<string, { selection: Selection; expiresAt: number }>({
    max: options.maxSelections ?? 10_000,
  });
  const key = (chatId: string, messageId: number) => `${chatId}:${messageId}`;
  const set = (chatId: string, messageId: number, selection: Selection) => {
    selections.set(key(chatId, messageId), { selection, expiresAt: clock.now().getTime() + options.ttlMs });
  };
  return {
    start(chatId, messageId, source, page) {
      const selection: Selection = { source, page, selected: new Set() };
      set(chatId, messageId, selection);
      return selection;
    },
    get(chatId, messageId) {
      const entry = selections.get(key(chatId, messageId));
      if (!entry) return null;
      if (clock.now().getTime() < entry.expiresAt) return entry.selection;
      selections.delete(key(chatId, messageId));
      return null;
    },
    set,
    end(chatId, messageId) {
      selections.delete(key(chatId, messageId));
    },
  };
}

export async function startSelection(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
  source: ListSource,
  page: number,
): Promise<BotCallbackAnswer | undefined> {
  const selection = context.selections.start(query.chatId, query.messageId, source, page);
  await edit(context, actor.chatId, query.messageId, await renderSelection(context, actor.userId, selection));
  return undefined;
}

/** The selection of the pressed message, or null after telling the user it lapsed. */
async function selectionOf(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
): Promise<Selection | null> {
  const selection = context.selections.get(query.chatId, query.messageId);
  if (selection) return selection;
  await edit(context, actor.chatId, query.messageId, { text: texts.selectionExpired });
  return null;
}

async function show(context: BotContext, actor: Actor, query: BotCallbackQuery, selection: Selection) {
  context.selections.set(query.chatId, query.messageId, selection);
  await edit(context, actor.chatId, query.messageId, await renderSelection(context, actor.userId, selection));
}

export async function handleSelectionAction(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
  action:
    | { type: 'toggle'; fileId: string }
    | { type: 'selectionPage'; page: number }
    | { type: 'selectionMove' | 'askSelectionTrash' | 'selectionTrash' | 'selectionBack' | 'selectionDone' },
): Promise<BotCallbackAnswer | undefined> {
  const selection = await selectionOf(context, actor, query);
  if (!selection) return { text: texts.selectionExpired };
  const done = listView(selection.source, selection.page);
  switch (action.type) {
    case 'toggle': {
      const selected = new Set(selection.selected);
      if (!selected.delete(action.fileId)) selected.add(action.fileId);
      await show(context, actor, query, { ...selection, selected });
      return undefined;
    }
    case 'selectionPage':
      await show(context, actor, query, { ...selection, page: action.page });
      return undefined;
    case 'selectionBack':
      await show(context, actor, query, selection);
      return undefined;
    case 'selectionDone':
      context.selections.end(query.chatId, query.messageId);
      await edit(context, actor.chatId, query.messageId, await renderView(context, actor.userId, done));
      return undefined;
    case 'selectionMove':
      if (selection.selected.size === 0) return { text: texts.selectionEmpty };
      await startMove(context, actor, {
        subject: { type: 'files', fileIds: [...selection.selected] },
        messageId: query.messageId,
        onCancel: 'selection',
        onDone: done,
      });
      return undefined;
    case 'askSelectionTrash':
      if (selection.selected.size === 0) return { text: texts.selectionEmpty };
      await edit(context, actor.chatId, query.messageId, {
        text: texts.confirmTrashSelection(selection.selected.size),
        keyboard: [
          [actionButton(texts.yesTrash, { type: 'selectionTrash' })],
          [actionButton(texts.no, { type: 'selectionBack' })],
        ],
      });
      return undefined;
    case 'selectionTrash':
      return trashSelection(context, actor, query, selection);
  }
}

async function trashSelection(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
  selection: Selection,
): Promise<undefined> {
  let trashed = 0;
  let failed = 0;
  let position: Position | null = null;
  for (const fileId of selection.selected) {
    const result = await runLibraryCommand(context, actor, `trash:${fileId}`, {
      type: 'TrashFile',
      data: { fileId },
    });
    if (result.status === 'refused') {
      failed++;
      continue;
    }
    trashed++;
    position = result.position ?? position;
  }
  context.selections.end(query.chatId, query.messageId);
  await readYourWrites(context, position);
  const content = await renderView(
    context,
    actor.userId,
    listView(selection.source, selection.page),
    texts.trashedSome(trashed, failed),
  );
  await edit(context, actor.chatId, query.messageId, content);
  return undefined;
}
