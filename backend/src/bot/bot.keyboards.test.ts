import { describe, expect, it } from 'vitest';
import {
  CALLBACK_DATA_MAX_BYTES,
  type CallbackAction,
  decodeCallbackData,
  encodeCallbackData,
  pageRow,
  shortId,
  uuidOfShortId,
} from './bot.keyboards.ts';

const FILE = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const FOLDER = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
const back = { to: 'recent', page: 9999 } as const;

/** One of every action, with the longest values its fields take. */
const EVERY_ACTION: CallbackAction[] = [
  { type: 'file', fileId: FILE, back },
  { type: 'renameFile', fileId: FILE, back: { to: 'folder' } },
  { type: 'moveFile', fileId: FILE, back: { to: 'none' } },
  { type: 'trashFile', fileId: FILE, back },
  { type: 'restoreFile', fileId: FILE, back },
  { type: 'askDeleteFile', fileId: FILE, back },
  { type: 'deleteFile', fileId: FILE, back },
  { type: 'recent', page: 9999 },
  { type: 'folder', folderId: FOLDER, page: 9999 },
  { type: 'folder', folderId: null, page: 0 },
  { type: 'newFolder', folderId: null },
  { type: 'newFolder', folderId: FOLDER },
  { type: 'renameFolder', folderId: FOLDER },
  { type: 'moveFolder', folderId: FOLDER },
  { type: 'trashFolder', folderId: FOLDER },
  { type: 'restoreFolder', folderId: FOLDER },
  { type: 'askDeleteFolder', folderId: FOLDER },
  { type: 'deleteFolder', folderId: FOLDER },
  { type: 'selectRecent', page: 9999 },
  { type: 'selectFolder', folderId: FOLDER, page: 9999 },
  { type: 'toggle', fileId: FILE },
  { type: 'selectionPage', page: 3 },
  { type: 'selectionMove' },
  { type: 'askSelectionTrash' },
  { type: 'selectionTrash' },
  { type: 'selectionBack' },
  { type: 'selectionDone' },
  { type: 'pick', folderId: FOLDER, page: 9999 },
  { type: 'moveHere', folderId: null },
  { type: 'cancel' },
  { type: 'webLogin' },
  { type: 'noop' },
];

describe('callback data', () => {
  it.each(EVERY_ACTION)('round-trips $type within 64 bytes', (action) => {
    const data = encodeCallbackData(action);
    expect(Buffer.byteLength(data, 'utf8')).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
    expect(decodeCallbackData(data)).toEqual({ ok: true, action });
  });

  it('gives every action its own code', () => {
    const codes = EVERY_ACTION.map((action) => encodeCallbackData(action).split(':')[1]);
    const types = EVERY_ACTION.map((action) => action.type);
    expect(new Set(codes).size).toBe(new Set(types).size);
  });

  it('starts with the format version', () => {
    expect(encodeCallbackData({ type: 'recent', page: 2 })).toBe('1:r:2');
  });

  it('recognises a button of another version', () => {
    expect(decodeCallbackData('2:r:0')).toEqual({ ok: false, reason: 'outdated' });
  });

  it.each([
    '',
    'hello',
    '1',
    '1:zz',
    '1:r',
    '1:r:01',
    '1:r:-1',
    '1:r:10000',
    '1:r:0:0',
    '1:f:short:n',
    `1:f:${shortId(FILE)}:q`,
    `1:f:${shortId(FILE)}:r`,
    '1:dr:-',
    '1:t:-',
  ])('refuses %j', (data) => {
    expect(decodeCallbackData(data)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('short ids', () => {
  it('are 22 characters and give the UUID back', () => {
    expect(shortId(FILE)).toHaveLength(22);
    expect(uuidOfShortId(shortId(FILE))).toBe(FILE);
  });

  it('refuse what is not one', () => {
    expect(() => shortId('not-a-uuid')).toThrow('not a UUID');
    expect(uuidOfShortId('*'.repeat(22))).toBeNull();
  });
});

describe('pageRow', () => {
  const labels = { previous: 'prev', next: 'next', page: (page: number) => `p${page + 1}` };
  const action = (page: number): CallbackAction => ({ type: 'recent', page });

  it('is empty when everything fits on one page', () => {
    expect(pageRow(0, false, action, labels)).toEqual([]);
  });

  it('has Prev only after the first page and Next only before the last', () => {
    expect(pageRow(0, true, action, labels).map((button) => button.text)).toEqual(['p1', 'next']);
    expect(pageRow(1, true, action, labels).map((button) => button.text)).toEqual(['prev', 'p2', 'next']);
    expect(pageRow(2, false, action, labels)).toEqual([
      { text: 'prev', callbackData: '1:r:1' },
      { text: 'p3', callbackData: '1:n' },
    ]);
  });
});
