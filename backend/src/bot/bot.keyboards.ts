import type { BotButton } from './bot.transport.ts';

// Callback data: what a button sends back when pressed. Telegram allows 64 bytes, so the format is terse:
// `1:<code>:<field>:<field>`, with a version first (a button from an older format is recognised as such
// and answered politely), ids as 22 base64url characters instead of 36, the root folder as `-`, pages as
// decimal numbers. Every action fits well within the limit (asserted by the tests).

/** Where a file card's Back button leads. */
export type Back = { to: 'none' } | { to: 'recent'; page: number } | { to: 'folder' };

/** Every button the bot shows, as data. `folderId: null` is the library's root. */
export type CallbackAction =
  | { type: 'file'; fileId: string; back: Back }
  | { type: 'renameFile'; fileId: string; back: Back }
  | { type: 'moveFile'; fileId: string; back: Back }
  | { type: 'trashFile'; fileId: string; back: Back }
  | { type: 'restoreFile'; fileId: string; back: Back }
  | { type: 'askDeleteFile'; fileId: string; back: Back }
  | { type: 'deleteFile'; fileId: string; back: Back }
  | { type: 'recent'; page: number }
  | { type: 'folder'; folderId: string | null; page: number }
  | { type: 'newFolder'; folderId: string | null }
  | { type: 'renameFolder'; folderId: string }
  | { type: 'moveFolder'; folderId: string }
  | { type: 'trashFolder'; folderId: string }
  | { type: 'restoreFolder'; folderId: string }
  | { type: 'askDeleteFolder'; folderId: string }
  | { type: 'deleteFolder'; folderId: string }
  | { type: 'selectRecent'; page: number }
  | { type: 'selectFolder'; folderId: string | null; page: number }
  | { type: 'toggle'; fileId: string }
  | { type: 'selectionPage'; page: number }
  | { type: 'selectionMove' }
  | { type: 'askSelectionTrash' }
  | { type: 'selectionTrash' }
  | { type: 'selectionBack' }
  | { type: 'selectionDone' }
  | { type: 'pick'; folderId: string | null; page: number }
  | { type: 'moveHere'; folderId: string | null }
  | { type: 'cancel' }
  | { type: 'webLogin' }
  | { type: 'noop' };

type CallbackActionType = CallbackAction['type'];

const CALLBACK_DATA_VERSION = '1';
export const CALLBACK_DATA_MAX_BYTES = 64;
const MAX_PAGE = 9999;

type FieldName = 'fileId' | 'folderId' | 'page' | 'back';

/** Per action: its code (unique) and its fields in order. `folderId` is nullable where the type says so. */
const SPECS: Record<CallbackActionType, { code: string; fields: readonly FieldName[]; root?: true }> = {
  file: { code: 'f', fields: ['fileId', 'back'] },
  renameFile: { code: 'fr', fields: ['fileId', 'back'] },
  moveFile: { code: 'fm', fields: ['fileId', 'back'] },
  trashFile: { code: 'ft', fields: ['fileId', 'back'] },
  restoreFile: { code: 'fu', fields: ['fileId', 'back'] },
  askDeleteFile: { code: 'fx', fields: ['fileId', 'back'] },
  deleteFile: { code: 'fxy', fields: ['fileId', 'back'] },
  recent: { code: 'r', fields: ['page'] },
  folder: { code: 'd', fields: ['folderId', 'page'], root: true },
  newFolder: { code: 'dn', fields: ['folderId'], root: true },
  renameFolder: { code: 'dr', fields: ['folderId'] },
  moveFolder: { code: 'dm', fields: ['folderId'] },
  trashFolder: { code: 'dt', fields: ['folderId'] },
  restoreFolder: { code: 'du', fields: ['folderId'] },
  askDeleteFolder: { code: 'dx', fields: ['folderId'] },
  deleteFolder: { code: 'dxy', fields: ['folderId'] },
  selectRecent: { code: 'sr', fields: ['page'] },
  selectFolder: { code: 'sf', fields: ['folderId', 'page'], root: true },
  toggle: { code: 't', fields: ['fileId'] },
  selectionPage: { code: 'sp', fields: ['page'] },
  selectionMove: { code: 'sm', fields: [] },
  askSelectionTrash: { code: 'st', fields: [] },
  selectionTrash: { code: 'sty', fields: [] },
  selectionBack: { code: 'stn', fields: [] },
  selectionDone: { code: 'sx', fields: [] },
  pick: { code: 'p', fields: ['folderId', 'page'], root: true },
  moveHere: { code: 'pm', fields: ['folderId'], root: true },
  cancel: { code: 'x', fields: [] },
  webLogin: { code: 'w', fields: [] },
  noop: { code: 'n', fields: [] },
};

const TYPE_BY_CODE = new Map(
  Object.entries(SPECS).map(([type, spec]) => [spec.code, type as CallbackActionType]),
);

const ROOT = '-';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHORT_ID = /^[A-Za-z0-9_-]{22}$/;
const PAGE = /^(0|[1-9]\d{0,3})$/;

/** A UUID as 22 base64url characters (its 16 bytes). */
export function shortId(uuid: string): string {
  if (!UUID.test(uuid)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
}

/** The UUID behind a short id, or null when it is not one. */
export function uuidOfShortId(short: string): string | null {
  if (!SHORT_ID.test(short)) return null;
  const hex = Buffer.from(short, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function encodeField(name: FieldName, value: unknown): string {
  switch (name) {
    case 'fileId':
      return shortId(value as string);
    case 'folderId':
      return value === null ? ROOT : shortId(value as string);
    case 'page':
      return String(Math.min(MAX_PAGE, Math.max(0, Math.floor(value as number))));
    case 'back': {
      const back = value as Back;
      if (back.to === 'recent') return `r${Math.min(MAX_PAGE, back.page)}`;
      return back.to === 'folder' ? 'd' : 'n';
    }
  }
}

/** The field's value, or undefined when the text is not a valid value for it. */
function decodeField(name: FieldName, text: string, rootAllowed: boolean): unknown {
  switch (name) {
    case 'fileId':
      return uuidOfShortId(text) ?? undefined;
    case 'folderId':
      if (text === ROOT) return rootAllowed ? null : undefined;
      return uuidOfShortId(text) ?? undefined;
    case 'page':
      return PAGE.test(text) ? Number(text) : undefined;
    case 'back': {
      if (text === 'n') return { to: 'none' } satisfies Back;
      if (text === 'd') return { to: 'folder' } satisfies Back;
      const page = text.startsWith('r') ? text.slice(1) : '';
      return PAGE.test(page) ? ({ to: 'recent', page: Number(page) } satisfies Back) : undefined;
    }
  }
}

export function encodeCallbackData(action: CallbackAction): string {
  const spec = SPECS[action.type];
  const values = action as unknown as Record<FieldName, unknown>;
  return [
    CALLBACK_DATA_VERSION,
    spec.code,
    ...spec.fields.map((name) => encodeField(name, values[name])),
  ].join(':');
}

export type DecodedCallbackData =
  | { ok: true; action: CallbackAction }
  /** `outdated`: a button of another format version; `invalid`: not ours or damaged. */
  | { ok: false; reason: 'outdated' | 'invalid' };

export function decodeCallbackData(data: string): DecodedCallbackData {
  const [version, code, ...parts] = data.split(':');
  if (version !== CALLBACK_DATA_VERSION) {
    return { ok: false, reason: version !== undefined && /^\d+$/.test(version) ? 'outdated' : 'invalid' };
  }
  const type = code === undefined ? undefined : TYPE_BY_CODE.get(code);
  if (type === undefined) return { ok: false, reason: 'invalid' };
  const spec = SPECS[type];
  if (parts.length !== spec.fields.length) return { ok: false, reason: 'invalid' };
  const action: Record<string, unknown> = { type };
  for (const [index, name] of spec.fields.entries()) {
    const value = decodeField(name, parts[index]!, spec.root === true);
    if (value === undefined) return { ok: false, reason: 'invalid' };
    action[name] = value;
  }
  // Built field by field from the spec of `type`, which is what the union member of `type` holds.
  return { ok: true, action: action as CallbackAction };
}

/** A button that sends `action` back. */
export function actionButton(text: string, action: CallbackAction): BotButton {
  return { text: buttonLabel(text), callbackData: encodeCallbackData(action) };
}

export function urlButton(text: string, url: string): BotButton {
  return { text: buttonLabel(text), url };
}

// Telegram cuts long button labels itself, but mid-character at times; names can be 255 characters long.
const LABEL_MAX = 48;

function buttonLabel(text: string): string {
  const characters = [...text];
  return characters.length <= LABEL_MAX ? text : `${characters.slice(0, LABEL_MAX - 1).join('')}…`;
}

/**
 * Prev / "Page n" / Next, for a list shown a page at a time; empty when everything fits on one page.
 * `pageAction` makes the action that shows a page.
 */
export function pageRow(
  page: number,
  hasMore: boolean,
  pageAction: (page: number) => CallbackAction,
  labels: { previous: string; next: string; page: (page: number) => string },
): BotButton[] {
  if (page === 0 && !hasMore) return [];
  const row: BotButton[] = [];
  if (page > 0) row.push(actionButton(labels.previous, pageAction(page - 1)));
  row.push(actionButton(labels.page(page), { type: 'noop' }));
  if (hasMore && page < MAX_PAGE) row.push(actionButton(labels.next, pageAction(page + 1)));
  return row;
}
