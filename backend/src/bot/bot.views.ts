import type { UserId } from '@teleplay/contracts';
import {
  type FileDto,
  type FolderDto,
  getFile,
  getFolder,
  getFolderPath,
  type ListFilesOptions,
  listFiles,
  listFolders,
  MAX_PAGE_SIZE,
  SEARCH_QUERY_MAX_LENGTH,
  searchLibrary,
} from '@teleplay/projections';
import { type BotContext, webUrl } from './bot.context.ts';
import { actionButton, type Back, type CallbackAction, pageRow, urlButton } from './bot.keyboards.ts';
import { html, icons, pathText, texts } from './bot.texts.ts';
import type { BotButton, BotContent } from './bot.transport.ts';

// What the bot's messages show, rendered from the read models. A message is a view; buttons switch the
// same message to another view (edit in place), so a view must render from its description alone.

/** Items per page of a list. */
const PAGE_SIZE = 8;

/** Where a list of files comes from: the recent uploads, or one folder. */
export type ListSource = { type: 'recent' } | { type: 'folder'; folderId: string | null };

export type View =
  | { type: 'file'; fileId: string; back: Back }
  | { type: 'recent'; page: number }
  | { type: 'folder'; folderId: string | null; page: number };

export function listView(source: ListSource, page: number): View {
  return source.type === 'recent'
    ? { type: 'recent', page }
    : { type: 'folder', folderId: source.folderId, page };
}

/** Puts a line (the outcome of what the user just did) above a view. */
export function withNotice(notice: string | undefined, content: BotContent): BotContent {
  return notice === undefined ? content : { ...content, text: `${notice}\n\n${content.text}` };
}

export function renderView(
  context: BotContext,
  userId: UserId,
  view: View,
  notice?: string,
): Promise<BotContent> {
  switch (view.type) {
    case 'file':
      return renderFileCard(context, userId, view.fileId, view.back, notice);
    case 'recent':
      return renderRecent(context, userId, view.page, notice);
    case 'folder':
      return renderFolder(context, userId, view.folderId, view.page, notice);
  }
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

function fileLabel(file: Pick<FileDto, 'kind' | 'name'>): string {
  return `${icons.kind(file.kind)} ${file.name}`;
}

function backButton(back: Back, folderId: string | null): BotButton[] {
  if (back.to === 'recent') return [actionButton(texts.back, { type: 'recent', page: back.page })];
  if (back.to === 'folder') return [actionButton(texts.back, { type: 'folder', folderId, page: 0 })];
  return [];
}

export async function renderFileCard(
  context: BotContext,
  userId: UserId,
  fileId: string,
  back: Back,
  notice?: string,
): Promise<BotContent> {
  const file = await getFile(context.db, userId, fileId);
  if (!file) {
    return withNotice(notice, { text: texts.fileGone, keyboard: rows(backButton(back, null)) });
  }
  const path = file.folderId === null ? [] : await getFolderPath(context.db, userId, file.folderId);
  const state = !file.trashed ? 'live' : file.trashedWith === null ? 'trashed' : 'trashed_with_folder';
  const ids = { fileId: file.id, back };
  const keyboard: BotButton[][] =
    state === 'live'
      ? [
          [
            actionButton(texts.rename, { type: 'renameFile', ...ids }),
            actionButton(texts.move, { type: 'moveFile', ...ids }),
          ],
          [
            actionButton(texts.delete, { type: 'trashFile', ...ids }),
            urlButton(texts.openInWeb, webUrl(context, `/files/${file.id}`)),
          ],
        ]
      : state === 'trashed'
        ? [
            [
              actionButton(texts.restore, { type: 'restoreFile', ...ids }),
              actionButton(texts.deleteForever, { type: 'askDeleteFile', ...ids }),
            ],
          ]
        : [[actionButton(texts.showFolder, { type: 'folder', folderId: file.trashedWith, page: 0 })]];
  return withNotice(notice, {
    text: texts.fileCard({ ...file, path, state }),
    keyboard: [...keyboard, ...rows(backButton(back, file.folderId))],
  });
}

export async function renderConfirmDeleteFile(
  context: BotContext,
  userId: UserId,
  fileId: string,
  back: Back,
): Promise<BotContent> {
  const file = await getFile(context.db, userId, fileId);
  if (!file) return renderFileCard(context, userId, fileId, back);
  return {
    text: texts.confirmDeleteFile(file.name),
    keyboard: [
      [actionButton(texts.yesDeleteForever, { type: 'deleteFile', fileId, back })],
      [actionButton(texts.no, { type: 'file', fileId, back })],
    ],
  };
}

/** `count` files from `offset` of a sorted file list, and whether more follow. */
async function fileSlice(
  context: BotContext,
  userId: UserId,
  options: Omit<ListFilesOptions, 'cursor' | 'limit'>,
  offset: number,
  count: number,
): Promise<{ items: FileDto[]; hasMore: boolean }> {
  // Lists page by keyset cursor; a bot page is addressed by number (callback data has no room for a
  // cursor), so the pages before it are walked through. Libraries browsed in a chat are small.
  const wanted = offset + count + 1;
  const collected: FileDto[] = [];
  let cursor: string | undefined;
  do {
    const limit = Math.min(MAX_PAGE_SIZE, wanted - collected.length);
    const page = await listFiles(context.db, userId, { ...options, cursor, limit });
    collected.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && collected.length < wanted);
  return { items: collected.slice(offset, offset + count), hasMore: collected.length > offset + count };
}

async function recentFiles(
  context: BotContext,
  userId: UserId,
  page: number,
): Promise<{ items: FileDto[]; hasMore: boolean }> {
  return fileSlice(context, userId, { sort: 'uploadedAt', direction: 'desc' }, page * PAGE_SIZE, PAGE_SIZE);
}

async function folderFiles(
  context: BotContext,
  userId: UserId,
  folderId: string | null,
  page: number,
): Promise<{ items: FileDto[]; hasMore: boolean }> {
  return fileSlice(context, userId, { folderId }, page * PAGE_SIZE, PAGE_SIZE);
}

const pageLabels = { previous: texts.previous, next: texts.next, page: texts.page };

export async function renderRecent(
  context: BotContext,
  userId: UserId,
  page: number,
  notice?: string,
): Promise<BotContent> {
  const { items, hasMore } = await recentFiles(context, userId, page);
  // The page emptied since the buttons were drawn (files deleted elsewhere): show the first one.
  if (items.length === 0 && page > 0) return renderRecent(context, userId, 0, notice);
  if (items.length === 0) {
    return withNotice(notice, { text: texts.recentEmpty });
  }
  const back: Back = { to: 'recent', page };
  return withNotice(notice, {
    text: `${texts.recentTitle}\n${texts.pickFile}`,
    keyboard: [
      ...items.map((file) => [actionButton(fileLabel(file), { type: 'file', fileId: file.id, back })]),
      ...rows(pageRow(page, hasMore, (to) => ({ type: 'recent', page: to }), pageLabels)),
      [
        actionButton(texts.select, { type: 'selectRecent', page }),
        actionButton(texts.toRoot, { type: 'folder', folderId: null, page: 0 }),
      ],
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Folders
// ---------------------------------------------------------------------------------------------

/** Subfolders first, then files: the entries of one page, and whether more follow. */
async function folderEntries(
  context: BotContext,
  userId: UserId,
  folderId: string | null,
  page: number,
): Promise<{ folders: FolderDto[]; files: FileDto[]; hasMore: boolean }> {
  const offset = page * PAGE_SIZE;
  const subfolders = await listFolders(context.db, userId, { parentId: folderId });
  const folders = subfolders.slice(offset, offset + PAGE_SIZE);
  if (subfolders.length > offset + PAGE_SIZE) return { folders, files: [], hasMore: true };
  const { items, hasMore } = await fileSlice(
    context,
    userId,
    { folderId },
    Math.max(0, offset - subfolders.length),
    PAGE_SIZE - folders.length,
  );
  return { folders, files: items, hasMore };
}

export async function renderFolder(
  context: BotContext,
  userId: UserId,
  folderId: string | null,
  page: number,
  notice?: string,
): Promise<BotContent> {
  const folder = folderId === null ? null : await getFolder(context.db, userId, folderId);
  const toRoot = [actionButton(texts.toRoot, { type: 'folder', folderId: null, page: 0 })];
  if (folderId !== null && folder === null) {
    return withNotice(notice, { text: texts.folderGone, keyboard: [toRoot] });
  }
  const path = folderId === null ? [] : await getFolderPath(context.db, userId, folderId);
  const title = `${icons.folder} <b>${html(pathText(path))}</b>`;
  if (folder?.trashed) {
    const actions =
      folder.trashedWith === null
        ? [
            actionButton(texts.restore, { type: 'restoreFolder', folderId: folder.id }),
            actionButton(texts.deleteForever, { type: 'askDeleteFolder', folderId: folder.id }),
          ]
        : [actionButton(texts.showFolder, { type: 'folder', folderId: folder.trashedWith, page: 0 })];
    return withNotice(notice, { text: `${title}\n\n${texts.folderTrashed}`, keyboard: [actions, toRoot] });
  }

  const { folders, files, hasMore } = await folderEntries(context, userId, folderId, page);
  if (folders.length === 0 && files.length === 0 && page > 0) {
    return renderFolder(context, userId, folderId, 0, notice);
  }
  const lines = [title];
  if (folder) lines.push(texts.folderSummary(folder));
  if (folders.length === 0 && files.length === 0) lines.push('', texts.folderEmpty);

  const keyboard: BotButton[][] = [
    ...folders.map((child) => [
      actionButton(`${icons.folder} ${child.name}`, { type: 'folder', folderId: child.id, page: 0 }),
    ]),
    ...files.map((file) => [
      actionButton(fileLabel(file), { type: 'file', fileId: file.id, back: { to: 'folder' } }),
    ]),
    ...rows(pageRow(page, hasMore, (to) => ({ type: 'folder', folderId, page: to }), pageLabels)),
    [
      actionButton(texts.newFolder, { type: 'newFolder', folderId }),
      actionButton(texts.select, { type: 'selectFolder', folderId, page }),
    ],
  ];
  if (folder) {
    keyboard.push(
      [
        actionButton(texts.rename, { type: 'renameFolder', folderId: folder.id }),
        actionButton(texts.move, { type: 'moveFolder', folderId: folder.id }),
        actionButton(texts.delete, { type: 'trashFolder', folderId: folder.id }),
      ],
      [
        actionButton(texts.up, { type: 'folder', folderId: folder.parentId, page: 0 }),
        urlButton(texts.openInWeb, webUrl(context, `/folders/${folder.id}`)),
      ],
    );
  }
  return withNotice(notice, { text: lines.join('\n'), keyboard });
}

export async function renderConfirmDeleteFolder(
  context: BotContext,
  userId: UserId,
  folderId: string,
): Promise<BotContent> {
  const folder = await getFolder(context.db, userId, folderId);
  if (!folder) return renderFolder(context, userId, folderId, 0);
  return {
    text: texts.confirmDeleteFolder(folder.name),
    keyboard: [
      [actionButton(texts.yesDeleteForever, { type: 'deleteFolder', folderId })],
      [actionButton(texts.no, { type: 'folder', folderId, page: 0 })],
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Move picker and search
// ---------------------------------------------------------------------------------------------

/**
 * A folder chooser: the subfolders of `folderId` (never `excludedFolderId`, the folder being moved),
 * "Move here", Up and Cancel.
 */
export async function renderPicker(
  context: BotContext,
  userId: UserId,
  picker: { subject: string; folderId: string | null; page: number; excludedFolderId: string | null },
): Promise<BotContent> {
  const { folderId, page } = picker;
  const folder = folderId === null ? null : await getFolder(context.db, userId, folderId);
  if (folderId !== null && (folder === null || folder.trashed)) {
    return renderPicker(context, userId, { ...picker, folderId: null, page: 0 });
  }
  const path = folderId === null ? [] : await getFolderPath(context.db, userId, folderId);
  const children = (await listFolders(context.db, userId, { parentId: folderId })).filter(
    (child) => child.id !== picker.excludedFolderId,
  );
  const shown = children.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const hasMore = children.length > (page + 1) * PAGE_SIZE;
  const pick = (to: string | null, toPage = 0): CallbackAction => ({
    type: 'pick',
    folderId: to,
    page: toPage,
  });
  const navigation = [actionButton(texts.moveHere, { type: 'moveHere', folderId })];
  if (folder) navigation.push(actionButton(texts.up, pick(folder.parentId)));
  return {
    text: texts.pickerTitle(picker.subject, pathText(path)),
    keyboard: [
      ...shown.map((child) => [actionButton(`${icons.folder} ${child.name}`, pick(child.id))]),
      ...rows(pageRow(page, hasMore, (to) => pick(folderId, to), pageLabels)),
      navigation,
      [actionButton(texts.cancel, { type: 'cancel' })],
    ],
  };
}

const SEARCH_RESULTS = 10;

export async function renderSearch(context: BotContext, userId: UserId, query: string): Promise<BotContent> {
  const results = await searchLibrary(context.db, userId, query, { limit: SEARCH_RESULTS });
  // The search reads this much of the query; a message can hold no more than 4096 characters anyway.
  const shown = [...query.trim()].slice(0, SEARCH_QUERY_MAX_LENGTH).join('');
  if (results.length === 0) return { text: texts.searchEmpty(shown) };
  return {
    text: texts.searchTitle(shown),
    keyboard: results.map((result) =>
      result.type === 'folder'
        ? [actionButton(`${icons.folder} ${result.name}`, { type: 'folder', folderId: result.id, page: 0 })]
        : [
            actionButton(`${icons.kind(result.kind ?? 'document')} ${result.name}`, {
              type: 'file',
              fileId: result.id,
              back: { to: 'none' },
            }),
          ],
    ),
  };
}

/** One row holding `buttons`, or no row when there are none. */
function rows(buttons: BotButton[]): BotButton[][] {
  return buttons.length === 0 ? [] : [buttons];
}

// ---------------------------------------------------------------------------------------------
// Selection (batch operations)
// ---------------------------------------------------------------------------------------------

/** Files picked with toggle buttons in a list message, across its pages. */
export interface Selection {
  source: ListSource;
  page: number;
  selected: ReadonlySet<string>;
}

export async function renderSelection(
  context: BotContext,
  userId: UserId,
  selection: Selection,
  notice?: string,
): Promise<BotContent> {
  const { source, page, selected } = selection;
  const { items, hasMore } =
    source.type === 'recent'
      ? await recentFiles(context, userId, page)
      : await folderFiles(context, userId, source.folderId, page);
  const count = selected.size;
  return withNotice(notice, {
    text:
      items.length === 0
        ? `${texts.selectionTitle(count)}\n\n${texts.folderEmpty}`
        : texts.selectionTitle(count),
    keyboard: [
      ...items.map((file) => [
        actionButton(`${selected.has(file.id) ? '☑' : '☐'} ${fileLabel(file)}`, {
          type: 'toggle',
          fileId: file.id,
        }),
      ]),
      ...rows(pageRow(page, hasMore, (to) => ({ type: 'selectionPage', page: to }), pageLabels)),
      [
        actionButton(texts.selectionMove(count), { type: 'selectionMove' }),
        actionButton(texts.selectionDelete(count), { type: 'askSelectionTrash' }),
      ],
      [actionButton(texts.selectionDone, { type: 'selectionDone' })],
    ],
  });
}
