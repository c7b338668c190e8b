import type { DomainEventType, EventOfType, EventSource, UserId } from '@teleplay/contracts';
import fc from 'fast-check';
import type { ProjectedEvent } from '../projection.ts';
import { id, makeEvent, USER_A, USER_B } from './event-builder.ts';

/**
 * Random valid histories for property tests: two users' libraries (nested folders, uploads,
 * renames, moves, trash and restore of files and of folder subtrees, deletions for good), playback
 * of every kind, devices signing in and out, share links. Each event is consistent with the ones
 * before it, as the deciders would have produced it; the clock moves by 0 to 150 seconds per event,
 * so minutes and seconds both matter. Small name pools make names collide.
 */
export function randomHistory(options: { maxEvents?: number } = {}): fc.Arbitrary<ProjectedEvent[]> {
  const step = fc.record({
    user: fc.nat(1),
    action: fc.nat(ACTIONS.length - 1),
    pick: fc.nat(),
    detail: fc.nat(),
    seconds: fc.nat(150),
  });
  return fc.array(step, { minLength: 1, maxLength: options.maxEvents ?? 80, size: 'max' }).map((steps) => {
    const clock = { now: Date.UTC(2025, 0, 1) };
    const users = [USER_A, USER_B].map((userId) => new UserLibrary(userId, clock));
    return steps.flatMap((step) => {
      clock.now += step.seconds * 1000;
      return ACTIONS[step.action]!(users[step.user]!, step) ?? [];
    });
  });
}

interface Step {
  user: number;
  action: number;
  pick: number;
  detail: number;
  seconds: number;
}

/** Who went to the trash with whom: null on its own, or the folder whose trashing took it along. */
type Trash = { with: string | null } | null;

interface FolderModel {
  id: string;
  parentId: string | null;
  name: string;
  trash: Trash;
}

interface FileModel {
  id: string;
  folderId: string | null;
  name: string;
  trash: Trash;
  telegram: EventOfType<'FileDeleted'>['data']['telegram'];
}

const FILE_NAMES = ['Episode 2.mkv', 'episode 10.mkv', 'Arrival.mkv', 'ÄRGER.mp4', 'notes.txt'];
const FOLDER_NAMES = ['Movies', 'movies', 'Series', 'Season 2', 'Season 10'];
const DEVICES = ['tv-1', 'phone-1', 'web-1'];
const SOURCES: readonly EventSource[] = ['web', 'tv', 'mobile', 'bot'];

type Action = (user: UserLibrary, step: Step) => ProjectedEvent | null;

// Weighted by repetition: creations and playback come up most, as in a real library.
const ACTIONS: readonly Action[] = [
  (user, step) => user.createFolder(step),
  (user, step) => user.createFolder(step),
  (user, step) => user.upload(step),
  (user, step) => user.upload(step),
  (user, step) => user.upload(step),
  (user, step) => user.renameFile(step),
  (user, step) => user.moveFile(step),
  (user, step) => user.trashFile(step),
  (user, step) => user.restoreFile(step),
  (user, step) => user.deleteFile(step),
  (user, step) => user.renameFolder(step),
  (user, step) => user.moveFolder(step),
  (user, step) => user.trashFolder(step),
  (user, step) => user.restoreFolder(step),
  (user, step) => user.deleteFolder(step),
  (user, step) => user.play(step),
  (user, step) => user.play(step),
  (user, step) => user.play(step),
  (user, step) => user.signIn(step),
  (user, step) => user.signOut(step),
  (user, step) => user.share(step),
  (user, step) => user.revokeShare(step),
  (user, step) => user.register(step),
];

let nextId = 1_000_000;
const freshId = () => id(nextId++);

const pick = <T>(items: readonly T[], n: number): T | undefined => items[n % Math.max(1, items.length)];

/** One user's library and account as the deciders see them; each action returns its event, or null. */
class UserLibrary {
  readonly userId: UserId;
  readonly #clock: { now: number };
  readonly folders = new Map<string, FolderModel>();
  readonly files = new Map<string, FileModel>();
  /** Deleted for good: still played now and then (a report racing the deletion). */
  readonly gone: string[] = [];
  readonly devices = new Set<string>();
  readonly shares: string[] = [];

  constructor(userId: UserId, clock: { now: number }) {
    this.userId = userId;
    this.#clock = clock;
  }

  #event<T extends DomainEventType>(type: T, data: EventOfType<T>['data'], step: Step): ProjectedEvent {
    const deviceId = pick([null, ...DEVICES], step.detail >> 3) ?? null;
    return makeEvent(type, data, {
      userId: this.userId,
      deviceId,
      source: deviceId === null ? 'bot' : (pick(SOURCES, step.detail >> 5) ?? 'web'),
      occurredAt: new Date(this.#clock.now).toISOString(),
    });
  }

  #liveFolders(): FolderModel[] {
    return [...this.folders.values()].filter((folder) => folder.trash === null);
  }

  #liveFiles(): FileModel[] {
    return [...this.files.values()].filter((file) => file.trash === null);
  }

  /** A live folder or the root. */
  #place(n: number): string | null {
    return pick([null, ...this.#liveFolders().map((folder) => folder.id)], n) ?? null;
  }

  #subtree(folderId: string): string[] {
    const children = [...this.folders.values()].filter((folder) => folder.parentId === folderId);
    return children.flatMap((child) => [child.id, ...this.#subtree(child.id)]);
  }

  createFolder(step: Step) {
    const folder: FolderModel = {
      id: freshId(),
      parentId: this.#place(step.pick),
      name: pick(FOLDER_NAMES, step.detail) ?? 'Folder',
      trash: null,
    };
    this.folders.set(folder.id, folder);
    return this.#event(
      'FolderCreated',
      { folderId: folder.id, parentId: folder.parentId, name: folder.name },
      step,
    );
  }

  upload(step: Step) {
    const messageId = nextId;
    const file: FileModel = {
      id: freshId(),
      folderId: this.#place(step.pick),
      name: pick(FILE_NAMES, step.detail) ?? 'file',
      trash: null,
      telegram: { channelId: '-1001', messageId, documentId: `doc-${messageId}`, dcId: 2 },
    };
    this.files.set(file.id, file);
    return this.#event(
      'FileUploaded',
      {
        fileId: file.id,
        folderId: file.folderId,
        name: file.name,
        size: 1000 + (step.pick % 5_000_000_000),
        mimeType: 'video/x-matroska',
        kind: 'video',
        durationSeconds: 600 + (step.detail % 3),
        width: 1920,
        height: 1080,
        thumbnail: step.detail % 2 === 0 ? null : { width: 320, height: 180, size: 9000 },
        origin: { chatId: this.userId, messageId },
        telegram: file.telegram,
      },
      step,
    );
  }

  renameFile(step: Step) {
    const file = pick(this.#liveFiles(), step.pick);
    if (!file) return null;
    const to = pick(FILE_NAMES, step.detail) ?? 'file';
    const event = this.#event('FileRenamed', { fileId: file.id, from: file.name, to }, step);
    file.name = to;
    return event;
  }

  moveFile(step: Step) {
    const file = pick(this.#liveFiles(), step.pick);
    const to = this.#place(step.detail);
    if (!file || to === file.folderId) return null;
    const event = this.#event(
      'FileMoved',
      { fileId: file.id, fromFolderId: file.folderId, toFolderId: to },
      step,
    );
    file.folderId = to;
    return event;
  }

  trashFile(step: Step) {
    const file = pick(this.#liveFiles(), step.pick);
    if (!file) return null;
    file.trash = { with: null };
    return this.#event('FileTrashed', { fileId: file.id }, step);
  }

  #trashedOnTheirOwn<T extends { trash: Trash }>(items: Iterable<T>): T[] {
    return [...items].filter((item) => item.trash !== null && item.trash.with === null);
  }

  /** Where a restored item lands: its folder if that is live, else the root. */
  #landing(folderId: string | null): string | null {
    return folderId !== null && this.folders.get(folderId)?.trash === null ? folderId : null;
  }

  restoreFile(step: Step) {
    const file = pick(this.#trashedOnTheirOwn(this.files.values()), step.pick);
    if (!file) return null;
    file.folderId = this.#landing(file.folderId);
    file.trash = null;
    return this.#event('FileRestored', { fileId: file.id, folderId: file.folderId }, step);
  }

  deleteFile(step: Step) {
    const file = pick(this.#trashedOnTheirOwn(this.files.values()), step.pick);
    if (!file) return null;
    this.files.delete(file.id);
    this.gone.push(file.id);
    return this.#event('FileDeleted', { fileId: file.id, telegram: file.telegram }, step);
  }

  renameFolder(step: Step) {
    const folder = pick(this.#liveFolders(), step.pick);
    if (!folder) return null;
    const to = pick(FOLDER_NAMES, step.detail) ?? 'Folder';
    const event = this.#event('FolderRenamed', { folderId: folder.id, from: folder.name, to }, step);
    folder.name = to;
    return event;
  }

  moveFolder(step: Step) {
    const folder = pick(this.#liveFolders(), step.pick);
    if (!folder) return null;
    const below = new Set([folder.id, ...this.#subtree(folder.id)]);
    const targets = [null, ...this.#liveFolders().map((target) => target.id)].filter(
      (target) => target === null || !below.has(target),
    );
    const to = pick(targets, step.detail) ?? null;
    if (to === folder.parentId) return null;
    const event = this.#event(
      'FolderMoved',
      { folderId: folder.id, fromParentId: folder.parentId, toParentId: to },
      step,
    );
    folder.parentId = to;
    return event;
  }

  trashFolder(step: Step) {
    const folder = pick(this.#liveFolders(), step.pick);
    if (!folder) return null;
    const subtree = this.#subtree(folder.id);
    const descendants = subtree.filter((folderId) => this.folders.get(folderId)?.trash === null);
    const inside = new Set([folder.id, ...subtree]);
    const files = this.#liveFiles().filter((file) => file.folderId !== null && inside.has(file.folderId));
    folder.trash = { with: null };
    for (const folderId of descendants) this.folders.get(folderId)!.trash = { with: folder.id };
    for (const file of files) file.trash = { with: folder.id };
    return this.#event(
      'FolderTrashed',
      { folderId: folder.id, descendantFolderIds: descendants, fileIds: files.map((file) => file.id) },
      step,
    );
  }

  #trashedWith(folderId: string) {
    return {
      folders: [...this.folders.values()].filter((folder) => folder.trash?.with === folderId),
      files: [...this.files.values()].filter((file) => file.trash?.with === folderId),
    };
  }

  restoreFolder(step: Step) {
    const folder = pick(this.#trashedOnTheirOwn(this.folders.values()), step.pick);
    if (!folder) return null;
    const taken = this.#trashedWith(folder.id);
    folder.parentId = this.#landing(folder.parentId);
    folder.trash = null;
    for (const item of [...taken.folders, ...taken.files]) item.trash = null;
    return this.#event(
      'FolderRestored',
      {
        folderId: folder.id,
        parentId: folder.parentId,
        descendantFolderIds: taken.folders.map((descendant) => descendant.id),
        fileIds: taken.files.map((file) => file.id),
      },
      step,
    );
  }

  deleteFolder(step: Step) {
    const folder = pick(this.#trashedOnTheirOwn(this.folders.values()), step.pick);
    if (!folder) return null;
    const taken = this.#trashedWith(folder.id);
    for (const item of [folder, ...taken.folders]) this.folders.delete(item.id);
    for (const file of taken.files) {
      this.files.delete(file.id);
      this.gone.push(file.id);
    }
    return this.#event(
      'FolderDeleted',
      {
        folderId: folder.id,
        descendantFolderIds: taken.folders.map((descendant) => descendant.id),
        files: taken.files.map((file) => ({ fileId: file.id, telegram: file.telegram })),
      },
      step,
    );
  }

  play(step: Step) {
    const fileId = pick([...this.files.keys(), ...this.gone.slice(-1)], step.pick);
    if (!fileId) return null;
    const deviceId = pick(DEVICES, step.detail) ?? 'tv-1';
    const durationSeconds = 600;
    const positionSeconds = (step.pick >> 4) % 700;
    const progress = {
      fileId,
      deviceId,
      positionSeconds: Math.min(positionSeconds, durationSeconds),
      durationSeconds,
      resumeAtSeconds: positionSeconds > 30 && positionSeconds < 540 ? positionSeconds : null,
    };
    switch (step.detail % 6) {
      case 0:
        return this.#event('PlaybackStarted', progress, step);
      case 1:
        return this.#event('PlaybackStopped', progress, step);
      case 2:
        return this.#event('PlaybackCompleted', { fileId, deviceId, durationSeconds }, step);
      default:
        return this.#event('PlaybackProgressed', { ...progress, paused: step.detail % 7 === 0 }, step);
    }
  }

  signIn(step: Step) {
    const deviceId = pick(DEVICES, step.pick) ?? 'tv-1';
    this.devices.add(deviceId);
    const kind = deviceId.startsWith('tv') ? 'tv' : deviceId.startsWith('phone') ? 'mobile' : 'web';
    return this.#event('DeviceSignedIn', { deviceId, name: `${deviceId} #${step.detail % 3}`, kind }, step);
  }

  signOut(step: Step) {
    const deviceId = pick([...this.devices.keys()], step.pick);
    if (!deviceId) return null;
    this.devices.delete(deviceId);
    const reason = pick(['logout', 'revoked', 'token_reuse'] as const, step.detail) ?? 'logout';
    return this.#event('DeviceSignedOut', { deviceId, reason }, step);
  }

  share(step: Step) {
    const file = pick(this.#liveFiles(), step.pick);
    if (!file) return null;
    const shareId = `share-${this.userId}-${nextId++}`;
    this.shares.push(shareId);
    const expiresAt = step.detail % 2 === 0 ? null : new Date(Date.UTC(2030, 0, 1)).toISOString();
    return this.#event('ShareLinkCreated', { shareId, fileId: file.id, expiresAt }, step);
  }

  revokeShare(step: Step) {
    const shareId = pick(this.shares, step.pick);
    if (!shareId) return null;
    return this.#event('ShareLinkRevoked', { shareId }, step);
  }

  register(step: Step) {
    return this.#event(
      'UserRegistered',
      { userId: this.userId, firstName: 'Ada', username: step.detail % 2 === 0 ? null : 'ada' },
      step,
    );
  }
}
