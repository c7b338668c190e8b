import { checkName, type FileId, type FolderId, LibraryEvent, nameKey } from '@teleplay/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../commands/domain-error.ts';
import { type LibraryCommand, libraryDecider } from './library.decide.ts';
import {
  descendantFolderIds,
  filesInFolders,
  type LibraryFolder,
  type LibraryState,
} from './library.state.ts';

const LIBRARY_EVENT_TYPES = LibraryEvent.options.map((option) => option.shape.type.value);

// Small id and name pools, so that random commands keep running into each other: same names in
// different cases, moves into descendants, redelivered uploads, actions on trashed items.
const folderIds = [1, 2, 3, 4, 5].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
const fileIds = [1, 2, 3, 4, 5, 6].map((n) => `00000000-0000-4000-8000-0000000001${n}0`);
const names = ['Films', 'films', ' FILMS ', 'Series', 'series', 'Misc', 'a/b', '  '];

const folderId = fc.constantFrom(...folderIds);
const fileId = fc.constantFrom(...fileIds);
const parent = fc.option(folderId, { nil: null, freq: 2 });
const name = fc.constantFrom(...names);

// Creations weigh more, so that trees grow deep enough for the other commands to bite.
const command: fc.Arbitrary<LibraryCommand> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ folderId, parentId: parent, name })
      .map((data): LibraryCommand => ({ type: 'CreateFolder', data })),
  },
  {
    weight: 3,
    arbitrary: fc.record({ fileId, folderId: parent, name, messageId: fc.integer({ min: 1, max: 12 }) }).map(
      ({ fileId, folderId, name, messageId }): LibraryCommand => ({
        type: 'UploadFile',
        data: {
          fileId,
          folderId,
          name,
          size: 1,
          mimeType: 'video/mp4',
          kind: 'video',
          durationSeconds: 60,
          width: null,
          height: null,
          thumbnail: null,
          origin: { chatId: '7', messageId },
          telegram: { channelId: '-100', messageId, documentId: `d${messageId}`, dcId: 1 },
        },
      }),
    ),
  },
  fc.record({ fileId, name }).map((data): LibraryCommand => ({ type: 'RenameFile', data })),
  fc.record({ fileId, folderId: parent }).map((data): LibraryCommand => ({ type: 'MoveFile', data })),
  fileId.map((fileId): LibraryCommand => ({ type: 'TrashFile', data: { fileId } })),
  fileId.map((fileId): LibraryCommand => ({ type: 'RestoreFile', data: { fileId } })),
  fileId.map((fileId): LibraryCommand => ({ type: 'DeleteFile', data: { fileId } })),
  fc.record({ folderId, name }).map((data): LibraryCommand => ({ type: 'RenameFolder', data })),
  {
    weight: 2,
    arbitrary: fc
      .record({ folderId, parentId: parent })
      .map((data): LibraryCommand => ({ type: 'MoveFolder', data })),
  },
  folderId.map((folderId): LibraryCommand => ({ type: 'TrashFolder', data: { folderId } })),
  folderId.map((folderId): LibraryCommand => ({ type: 'RestoreFolder', data: { folderId } })),
  folderId.map((folderId): LibraryCommand => ({ type: 'DeleteFolder', data: { folderId } })),
);

/** The items of a folder's subtree that are not in the trash. */
function liveSubtree(state: LibraryState, id: FolderId): { folders: FolderId[]; files: FileId[] } {
  const descendants = descendantFolderIds(state, id);
  return {
    folders: descendants.filter((d) => state.folders.get(d)?.trash === null),
    files: filesInFolders(state, new Set([id, ...descendants]))
      .filter((file) => file.trash === null)
      .map((file) => file.fileId),
  };
}

function checkInvariants(state: LibraryState): void {
  for (const folder of state.folders.values()) {
    // Every parent exists and walking up always reaches the root: no cycles.
    const seen = new Set<FolderId>();
    for (let id: FolderId | null = folder.folderId; id !== null; ) {
      expect(seen.has(id), `cycle through folder ${id}`).toBe(false);
      seen.add(id);
      const current: LibraryFolder | undefined = state.folders.get(id);
      expect(current, `folder ${folder.folderId} has a missing ancestor ${id}`).toBeDefined();
      id = current?.parentId ?? null;
    }
    expect(checkName(folder.name)).toEqual({ ok: true, name: folder.name });
    // Trashed contents follow their folder.
    const parentFolder = folder.parentId === null ? null : state.folders.get(folder.parentId);
    if (parentFolder?.trash)
      expect(folder.trash, `folder ${folder.folderId} in a trashed folder`).not.toBeNull();
  }

  for (const file of state.files.values()) {
    expect(checkName(file.name)).toEqual({ ok: true, name: file.name });
    if (file.folderId === null) continue;
    const folder = state.folders.get(file.folderId);
    expect(folder, `file ${file.fileId} in a missing folder`).toBeDefined();
    if (folder?.trash) expect(file.trash, `file ${file.fileId} in a trashed folder`).not.toBeNull();
  }

  // Sibling folders not in the trash have distinct names, case-insensitively.
  const siblingNames = new Set<string>();
  for (const folder of state.folders.values()) {
    if (folder.trash) continue;
    const key = `${folder.parentId}/${nameKey(folder.name)}`;
    expect(siblingNames.has(key), `two live folders named ${folder.name} under ${folder.parentId}`).toBe(
      false,
    );
    siblingNames.add(key);
  }

  // What a folder took to the trash is still marked as trashed with it, and nothing else is.
  for (const folder of state.folders.values()) {
    if (folder.trash?.kind !== 'direct') continue;
    for (const id of folder.trash.folderIds) {
      expect(state.folders.get(id)?.trash).toEqual({ kind: 'with_folder', folderId: folder.folderId });
    }
    for (const id of folder.trash.fileIds) {
      expect(state.files.get(id)?.trash).toEqual({ kind: 'with_folder', folderId: folder.folderId });
    }
  }
  for (const item of [...state.folders.values(), ...state.files.values()]) {
    if (item.trash?.kind !== 'with_folder') continue;
    const owner = state.folders.get(item.trash.folderId)?.trash;
    expect(owner?.kind, 'trashed with a folder that is not a trashed folder').toBe('direct');
  }
}

describe('library invariants under random command sequences', () => {
  it('keeps the tree acyclic, sibling names unique and the trash consistent; restores bring contents back', () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 100, size: 'max' }), (commands) => {
        let state = libraryDecider.initialState();
        // The live subtree of each folder when it went to the trash: it must come back on restore.
        const trashedSubtrees = new Map<FolderId, { folders: FolderId[]; files: FileId[] }>();

        for (const next of commands) {
          let events: LibraryEvent[];
          try {
            events = libraryDecider.decide(next, state);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            outcomes.add(error.refusal.code);
            continue;
          }
          for (const event of events) {
            outcomes.add(event.type);
            if (event.type === 'FolderTrashed') {
              trashedSubtrees.set(event.data.folderId, liveSubtree(state, event.data.folderId));
            }
            state = libraryDecider.evolve(state, libraryDecider.parseEvent(event));
            if (event.type === 'FolderRestored') {
              const before = trashedSubtrees.get(event.data.folderId);
              expect(before, 'restored a folder that was never trashed').toBeDefined();
              expect(liveSubtree(state, event.data.folderId)).toEqual(before);
              trashedSubtrees.delete(event.data.folderId);
            }
          }
          checkInvariants(state);
        }
      }),
      { numRuns: 400 },
    );
    // The sequences reached every event and the refusals that guard the invariants.
    for (const outcome of [
      ...LIBRARY_EVENT_TYPES,
      'name_taken',
      'move_into_descendant',
      'trashed_with_folder',
    ]) {
      expect([...outcomes]).toContain(outcome);
    }
  });
});
