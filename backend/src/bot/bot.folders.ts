import { getFolder } from '@teleplay/projections';
import { type Actor, type BotContext, edit } from './bot.context.ts';
import { startMove, startNewFolder, startRename } from './bot.conversations.ts';
import { writeThenShow } from './bot.files.ts';
import { texts } from './bot.texts.ts';
import type { BotCallbackAnswer, BotCallbackQuery } from './bot.transport.ts';
import { renderConfirmDeleteFolder, renderFolder } from './bot.views.ts';

// The buttons of a folder listing that act on the folder itself.

export type FolderAction =
  | { type: 'folder'; folderId: string | null; page: number }
  | { type: 'newFolder'; folderId: string | null }
  | {
      type:
        | 'renameFolder'
        | 'moveFolder'
        | 'trashFolder'
        | 'restoreFolder'
        | 'askDeleteFolder'
        | 'deleteFolder';
      folderId: string;
    };

export async function handleFolderAction(
  context: BotContext,
  actor: Actor,
  query: BotCallbackQuery,
  action: FolderAction,
): Promise<BotCallbackAnswer | undefined> {
  const page = action.type === 'folder' ? action.page : 0;
  const view = { type: 'folder', folderId: action.folderId, page } as const;
  const show = async (notice?: string) =>
    edit(
      context,
      actor.chatId,
      query.messageId,
      await renderFolder(context, actor.userId, action.folderId, page, notice),
    );

  switch (action.type) {
    case 'folder':
      await show();
      return undefined;
    case 'newFolder':
      await startNewFolder(context, actor, action.folderId, { messageId: query.messageId, view });
      return undefined;
    case 'askDeleteFolder':
      await edit(
        context,
        actor.chatId,
        query.messageId,
        await renderConfirmDeleteFolder(context, actor.userId, action.folderId),
      );
      return undefined;
  }

  const { folderId } = action;
  const folder = await getFolder(context.db, actor.userId, folderId);
  if (!folder) {
    await show();
    return { text: texts.folderGone };
  }
  switch (action.type) {
    case 'renameFolder':
      await startRename(
        context,
        actor,
        { type: 'folder', id: folderId, name: folder.name },
        { messageId: query.messageId, view },
      );
      return undefined;
    case 'moveFolder':
      await startMove(context, actor, {
        subject: { type: 'folder', folderId, name: folder.name },
        messageId: query.messageId,
        onCancel: view,
        onDone: view,
      });
      return undefined;
    case 'trashFolder':
      return writeThenShow(
        context,
        actor,
        { type: 'TrashFolder', data: { folderId } },
        show,
        texts.trashedFolder(folder.name),
      );
    case 'restoreFolder':
      return writeThenShow(
        context,
        actor,
        { type: 'RestoreFolder', data: { folderId } },
        show,
        texts.restoredFolder(folder.name),
      );
    case 'deleteFolder':
      return writeThenShow(
        context,
        actor,
        { type: 'DeleteFolder', data: { folderId } },
        show,
        texts.deletedFolder(folder.name),
      );
  }
}
