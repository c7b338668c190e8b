import type { FileKind } from '@teleplay/contracts';
import type { Refusal } from '../commands/domain-error.ts';

// Every word the bot says, in one place: Telegram's HTML subset, friendly and consistent. Names and
// anything else a user typed go through `html()`.

/** Escapes text for Telegram's HTML parse mode. */
export function html(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const bold = (text: string) => `<b>${html(text)}</b>`;

const KIND_ICONS: Record<FileKind, string> = { video: '🎬', audio: '🎵', photo: '🖼', document: '📄' };
const KIND_NAMES: Record<FileKind, string> = {
  video: 'Video',
  audio: 'Audio',
  photo: 'Photo',
  document: 'Document',
};

export const icons = {
  kind: (kind: FileKind) => KIND_ICONS[kind],
  folder: '📁',
};

/** 1536 → "1.5 KB"; binary multiples, as file managers show them. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = unit === 0 || value >= 100 ? Math.round(value).toString() : value.toFixed(1);
  return `${rounded.replace(/\.0$/, '')} ${units[unit]}`;
}

/** 6127 → "1:42:07"; 65 → "1:05". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.round(totalSeconds);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "2026-11-25" from an ISO timestamp: the same for every reader, whatever their time zone. */
const day = (iso: string) => iso.slice(0, 10);

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "Films / Action", or "My files" for the root. */
export function pathText(path: readonly { name: string }[]): string {
  return path.length === 0 ? texts.rootName : path.map((item) => item.name).join(' / ');
}

export interface FileCardFacts {
  name: string;
  kind: FileKind;
  size: number;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  uploadedAt: string;
  path: readonly { name: string }[];
  state: 'live' | 'trashed' | 'trashed_with_folder';
}

export interface FolderFacts {
  name: string;
  path: readonly { name: string }[];
  totalFolderCount: number;
  totalFileCount: number;
  totalSize: number;
  trashed: boolean;
}

export const texts = {
  rootName: 'My files',

  // ---- access ----
  notAllowed:
    'Sorry, this is a private Teleplay library and your Telegram account is not on its guest list. ' +
    'If you think it should be, ask the person who runs it to add your user id.',
  notAllowedToast: 'Sorry, this library is private.',

  // ---- commands ----
  welcome: (firstName: string) =>
    `👋 Hi ${html(firstName || 'there')}! I keep your media library.\n\n` +
    'Send me any <b>video, music, photo or document</b> and I will save it. ' +
    'Then watch it in the browser, on your TV or on your phone.\n\n' +
    'Use /web for a one-time sign-in link to the web app, or /help to see everything I can do.',
  help:
    '<b>What I can do</b>\n\n' +
    'Send me a video, song, voice note, photo or document and I save it to your library.\n\n' +
    '/myfiles – your recent uploads\n' +
    '/folders – browse your folders\n' +
    '/newfolder <i>name</i> – create a folder\n' +
    '/search <i>text</i> – find files and folders (or just send me the text)\n' +
    '/file <i>id</i> – show one file\n' +
    '/web – a one-time link that signs you in to the web app\n' +
    '/login <i>code</i> – sign in a TV or phone with the code it shows\n' +
    '/cancel – stop what we were doing\n' +
    '/help – this message',
  unknownCommand: (command: string) => `I don't know the command ${html(command)}. Here is what I can do:`,
  openWebApp: '🌐 Open Teleplay',
  signInOnWeb: '🔑 Sign in on the web',
  webLink: (expiresInMinutes: number) =>
    '🔑 Here is your sign-in link for the web app. It works once, ' +
    `within ${plural(expiresInMinutes, 'minute')}. Don't share it: it signs in as you.`,
  webLinkButton: '🔑 Sign in to Teleplay',
  loginUsage:
    'To sign in a TV or phone, open Teleplay on it: it shows a 6-digit code. ' +
    'Send me that code like this: <code>/login 123456</code>.\n\n' +
    'For this browser, use /web instead.',
  loginConfirmed: (deviceName: string, deviceKind: string) =>
    `✅ Done! ${html(deviceName)} (${html(deviceKind)}) is signing in now.`,
  nothingToCancel: 'There is nothing to cancel.',
  fileIdUsage: 'Send <code>/file</code> followed by the id of a file, as the web app shows it.',
  notAFileId: "That doesn't look like a file id. It should look like <code>3f2b…-…</code> (a UUID).",
  searchUsage: 'What should I look for? Send <code>/search</code> followed by a few letters of a name.',
  newFolderPrompt: (parentPath: string) =>
    `📁 What should the new folder in ${bold(parentPath)} be called? Send me its name.`,

  // ---- lists ----
  recentTitle: '🕒 <b>Recent uploads</b>',
  recentEmpty: 'Your library is empty so far. Send me a video, song, photo or document to add it.',
  pickFile: 'Tap a file to open it.',
  folderSummary: (folder: Pick<FolderFacts, 'totalFolderCount' | 'totalFileCount' | 'totalSize'>) =>
    `${plural(folder.totalFolderCount, 'folder')} · ${plural(folder.totalFileCount, 'file')} · ${formatSize(folder.totalSize)}`,
  folderEmpty: 'This folder is empty.',
  folderTrashed: '🗑 This folder is in the trash.',
  folderGone: 'This folder no longer exists.',
  searchTitle: (query: string) => `🔎 Results for ${bold(query)}`,
  searchEmpty: (query: string) => `🔎 Nothing matches ${bold(query)}. Try fewer or other letters.`,
  page: (page: number) => `Page ${page + 1}`,
  previous: '◀ Prev',
  next: 'Next ▶',
  back: '⬅ Back',
  up: '⬆ Up',
  toRoot: `📁 My files`,

  // ---- file card ----
  fileCard: (file: FileCardFacts) => {
    const facts = [KIND_NAMES[file.kind], formatSize(file.size)];
    if (file.durationSeconds !== null) facts.push(formatDuration(file.durationSeconds));
    if (file.width !== null && file.height !== null) facts.push(`${file.width}×${file.height}`);
    const lines = [
      `${KIND_ICONS[file.kind]} ${bold(file.name)}`,
      facts.join(' · '),
      `📁 ${html(pathText(file.path))}`,
      `Added ${day(file.uploadedAt)}`,
    ];
    if (file.state === 'trashed') lines.push('', '🗑 <b>In the trash.</b> Restore it, or delete it for good.');
    if (file.state === 'trashed_with_folder')
      lines.push('', '🗑 <b>In the trash with its folder.</b> Restore that folder to get it back.');
    return lines.join('\n');
  },
  fileGone: 'This file no longer exists.',
  saved: '✅ Saved to your library.',
  alreadySaved: '✅ This one is already in your library.',
  rename: '✏️ Rename',
  move: '🚚 Move',
  delete: '🗑 Delete',
  restore: '♻️ Restore',
  deleteForever: '❌ Delete for good',
  openInWeb: '🌐 Open in web',
  showFolder: '📁 Show its folder',
  newFolder: '➕ New folder',
  select: '☑️ Select',
  cancel: '✖ Cancel',
  yesDeleteForever: '❌ Yes, delete for good',
  no: 'No, keep it',
  confirmDeleteFile: (name: string) =>
    `Delete ${bold(name)} for good? It is removed from Telegram too and cannot be restored.`,
  confirmDeleteFolder: (name: string) =>
    `Delete the folder ${bold(name)} and everything in it for good? ` +
    'The files are removed from Telegram too and cannot be restored.',
  trashedFile: (name: string) => `🗑 Moved ${bold(name)} to the trash.`,
  restoredFile: (name: string) => `♻️ Restored ${bold(name)}.`,
  deletedFile: (name: string) => `❌ Deleted ${bold(name)} for good.`,
  trashedFolder: (name: string) => `🗑 Moved the folder ${bold(name)} to the trash, with everything in it.`,
  restoredFolder: (name: string) => `♻️ Restored the folder ${bold(name)}.`,
  deletedFolder: (name: string) => `❌ Deleted the folder ${bold(name)} for good.`,
  createdFolder: (name: string) => `📁 Created the folder ${bold(name)}.`,

  // ---- conversations ----
  renamePrompt: (name: string) => `✏️ What should ${bold(name)} be called? Send me the new name.`,
  renamed: (name: string) => `✅ Renamed to ${bold(name)}.`,
  tryAnotherName: 'Send me another name, or tap Cancel.',
  cancelled: 'Cancelled.',
  conversationExpired: 'That took a while, so I stopped waiting. Start again whenever you like.',
  pickerTitle: (subject: string, path: string) =>
    `🚚 Where should ${subject} go?\n\nNow looking at 📁 ${bold(path)}. ` +
    'Open a folder, or tap “Move here”.',
  pickerSubjectFiles: (count: number) => `<b>${plural(count, 'file')}</b>`,
  pickerSubjectName: (name: string) => bold(name),
  moveHere: '📍 Move here',
  movedTo: (subject: string, path: string) => `✅ Moved ${subject} to 📁 ${bold(path)}.`,
  movedSome: (moved: number, failed: number, path: string) =>
    `Moved ${plural(moved, 'file')} to 📁 ${bold(path)}; ${plural(failed, 'file')} could not be moved.`,
  menuExpired: 'This menu has expired.',

  // ---- selection ----
  selectionTitle: (count: number) =>
    `☑️ <b>Select files</b>, then choose what to do with them.\nSelected: ${count}`,
  selectionMove: (count: number) => `🚚 Move (${count})`,
  selectionDelete: (count: number) => `🗑 Delete (${count})`,
  selectionDone: '✔ Done',
  selectionEmpty: 'Select at least one file first.',
  selectionExpired: 'This selection has expired. Open /myfiles or /folders again.',
  confirmTrashSelection: (count: number) => `Move ${plural(count, 'file')} to the trash?`,
  yesTrash: '🗑 Yes, move to trash',
  trashedSome: (trashed: number, failed: number) =>
    failed === 0
      ? `🗑 Moved ${plural(trashed, 'file')} to the trash.`
      : `🗑 Moved ${plural(trashed, 'file')} to the trash; ${plural(failed, 'file')} could not be moved.`,

  // ---- uploads ----
  unsupportedMessage:
    'I can keep videos, music, voice notes, photos and documents. Send me one of those, or /help.',
  couldNotStore: 'I could not read that file from Telegram. Please send it again.',

  // ---- trouble ----
  outdatedButton: 'This button is from an older version of me. Please open the menu again.',
  invalidButton: "I don't understand that button.",
  slowDown: (seconds: number) =>
    `Telegram asks me to slow down. Please try again in ${plural(seconds, 'second')}.`,
  failure: 'Something went wrong on my side. Please try again in a moment.',
};

const REFUSAL_TEXTS: Record<string, (refusal: Refusal) => string> = {
  invalid_name: (refusal) => `That name won't work: ${refusal.message}.`,
  file_not_found: () => 'I cannot find that file any more. It may have been deleted.',
  folder_not_found: () => 'I cannot find that folder any more. It may have been deleted.',
  file_in_trash: () => 'That file is in the trash. Restore it first.',
  folder_in_trash: () => 'That folder is in the trash. Restore it first.',
  name_taken: (refusal) => `${capitalised(refusal.message)}. Pick another name.`,
  move_into_descendant: () => 'A folder cannot go inside itself or one of its own subfolders.',
  must_trash_first: () =>
    'Only things in the trash can be deleted for good. Delete it once to move it there.',
  trashed_with_folder: () =>
    'That went to the trash together with its folder. Restore or delete the folder instead.',
};

/** A command's refusal in plain words (plain text: escape it with `html()` inside a message). */
export function refusalText(refusal: Refusal): string {
  const text = REFUSAL_TEXTS[refusal.code];
  return text ? text(refusal) : `${capitalised(refusal.message)}.`;
}

const AUTH_ERROR_TEXTS: Record<string, string> = {
  login_code_not_found:
    'No device is waiting with that code. Check the digits on the screen, or ask it for a new code.',
  login_code_expired: 'That code has expired. Ask the device for a new one and send it to me.',
  login_code_used: 'That code was already used. If the device is not signed in, ask it for a new code.',
  too_many_attempts: 'Too many wrong codes. Please wait a few minutes, then try again.',
  user_not_allowed: 'Sorry, your Telegram account is not allowed to use this library.',
};

/** An auth refusal (login codes, web links) in plain words (plain text, like `refusalText`). */
export function authErrorText(code: string, message: string): string {
  return AUTH_ERROR_TEXTS[code] ?? `${capitalised(message)}.`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
