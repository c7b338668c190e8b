import type { EventOfType, FileId, FolderId, LibraryEvent } from '@teleplay/contracts';
import { describe, it } from 'vitest';
import type { Refusal } from '../../commands/domain-error.ts';
import { DeciderSpecification } from '../../testing/decider-specification.ts';
import { libraryDecider, type UploadFile } from './library.decide.ts';

const given = DeciderSpecification.for(libraryDecider);

const MOVIES = '00000000-0000-4000-8000-0000000000a1';
const SERIES = '00000000-0000-4000-8000-0000000000a2';
const SEASON = '00000000-0000-4000-8000-0000000000a3';
const EPISODES = '00000000-0000-4000-8000-0000000000a4';
const NEW_FOLDER = '00000000-0000-4000-8000-0000000000b1';
const OTHER_NEW_FOLDER = '00000000-0000-4000-8000-0000000000b2';
const MISSING_FOLDER = '00000000-0000-4000-8000-0000000000af';
const FILM = '00000000-0000-4000-8000-0000000000f1';
const PILOT = '00000000-0000-4000-8000-0000000000f2';
const FINALE = '00000000-0000-4000-8000-0000000000f3';
const NEW_FILE = '00000000-0000-4000-8000-0000000000e1';
const MISSING_FILE = '00000000-0000-4000-8000-0000000000ff';

const telegramOf = (messageId: number) => ({
  channelId: '-1001',
  messageId,
  documentId: `doc${messageId}`,
  dcId: 2,
});

let nextMessageId = 1;
function uploadData(fileId: FileId, folderId: FolderId | null, name: string): UploadFile['data'] {
  const messageId = nextMessageId++;
  return {
    fileId,
    folderId,
    name,
    size: 1_000_000,
    mimeType: 'video/mp4',
    kind: 'video',
    durationSeconds: 3600,
    width: 1920,
    height: 1080,
    thumbnail: null,
    origin: { chatId: '42', messageId },
    telegram: telegramOf(messageId),
  };
}

function uploaded(fileId: FileId, folderId: FolderId | null, name: string): EventOfType<'FileUploaded'> {
  return { type: 'FileUploaded', data: uploadData(fileId, folderId, name) };
}
const created = (folderId: FolderId, parentId: FolderId | null, name: string): LibraryEvent => ({
  type: 'FolderCreated',
  data: { folderId, parentId, name },
});
const fileTrashed = (fileId: FileId): LibraryEvent => ({ type: 'FileTrashed', data: { fileId } });
const folderTrashed = (
  folderId: FolderId,
  descendantFolderIds: FolderId[],
  fileIds: FileId[],
): LibraryEvent => ({
  type: 'FolderTrashed',
  data: { folderId, descendantFolderIds, fileIds },
});

const film = uploaded(FILM, MOVIES, 'Film.mkv');
const pilot = uploaded(PILOT, EPISODES, 'Pilot.mkv');
const finale = uploaded(FINALE, EPISODES, 'Finale.mkv');
/** Movies/Film.mkv and Series/Season 1/Episodes/{Pilot,Finale}.mkv */
const library: LibraryEvent[] = [
  created(MOVIES, null, 'Movies'),
  created(SERIES, null, 'Series'),
  created(SEASON, SERIES, 'Season 1'),
  created(EPISODES, SEASON, 'Episodes'),
  film,
  pilot,
  finale,
];

const notFound = {
  file: (fileId: FileId): Refusal => ({
    code: 'file_not_found',
    kind: 'not_found',
    message: `file ${fileId} does not exist`,
  }),
  folder: (folderId: FolderId): Refusal => ({
    code: 'folder_not_found',
    kind: 'not_found',
    message: `folder ${folderId} does not exist`,
  }),
};
const inTrash = {
  file: (fileId: FileId): Refusal => ({
    code: 'file_in_trash',
    kind: 'conflict',
    message: `file ${fileId} is in the trash: restore it first`,
  }),
  folder: (folderId: FolderId): Refusal => ({
    code: 'folder_in_trash',
    kind: 'conflict',
    message: `folder ${folderId} is in the trash: restore it first`,
  }),
};
const nameTaken = (name: string): Refusal => ({
  code: 'name_taken',
  kind: 'conflict',
  message: `a folder named "${name}" already exists in that folder`,
});
const invalidName = (message: string): Refusal => ({ code: 'invalid_name', kind: 'invalid', message });
const trashedWithFolder = (what: string, folderId: FolderId): Refusal => ({
  code: 'trashed_with_folder',
  kind: 'conflict',
  message: `${what} went to the trash with folder ${folderId}: restore or delete that folder instead`,
});
const mustTrashFirst = (what: string): Refusal => ({
  code: 'must_trash_first',
  kind: 'conflict',
  message: `${what} is not in the trash: only trashed items can be deleted forever`,
});

describe('UploadFile', () => {
  it('records the file with its trimmed name', () => {
    const data = uploadData(FILM, null, '  Film.mkv ');
    given([])
      .when({ type: 'UploadFile', data })
      .then([{ type: 'FileUploaded', data: { ...data, name: 'Film.mkv' } }]);
  });

  it('records the file into a folder, next to a file of the same name', () => {
    const data = uploadData(NEW_FILE, EPISODES, 'Finale.mkv');
    given(library)
      .when({ type: 'UploadFile', data })
      .then([{ type: 'FileUploaded', data }]);
  });

  it('does nothing for a redelivered message, whatever file id the redelivery carries', () => {
    given(library)
      .when({ type: 'UploadFile', data: { ...film.data, fileId: NEW_FILE } })
      .thenNothingHappened();
  });

  it('does nothing for a redelivered message whose file was deleted since', () => {
    given([
      ...library,
      fileTrashed(FILM),
      { type: 'FileDeleted', data: { fileId: FILM, telegram: film.data.telegram } },
    ])
      .when({ type: 'UploadFile', data: film.data })
      .thenNothingHappened();
  });

  it.each([
    ['  ', 'a name must not be empty'],
    ['a/b.mkv', 'a name must not contain "/"'],
    ['a\u0007b.mkv', 'a name must not contain control characters'],
    ['x'.repeat(256), 'a name must be at most 255 characters'],
  ])('refuses the name %j', (name, message) => {
    given([])
      .when({ type: 'UploadFile', data: uploadData(FILM, null, name) })
      .thenThrows(invalidName(message));
  });

  it('refuses a file id that is already taken', () => {
    given(library)
      .when({ type: 'UploadFile', data: uploadData(FILM, null, 'Other.mkv') })
      .thenThrows({ code: 'file_already_exists', kind: 'conflict', message: `file ${FILM} already exists` });
  });

  it('refuses a folder that does not exist', () => {
    given(library)
      .when({ type: 'UploadFile', data: uploadData(NEW_FILE, MISSING_FOLDER, 'New.mkv') })
      .thenThrows(notFound.folder(MISSING_FOLDER));
  });

  it('refuses a folder in the trash', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'UploadFile', data: uploadData(NEW_FILE, MOVIES, 'New.mkv') })
      .thenThrows(inTrash.folder(MOVIES));
  });
});

describe('RenameFile', () => {
  it('renames to the trimmed name', () => {
    given(library)
      .when({ type: 'RenameFile', data: { fileId: FILM, name: ' Film (2001).mkv ' } })
      .then([{ type: 'FileRenamed', data: { fileId: FILM, from: 'Film.mkv', to: 'Film (2001).mkv' } }]);
  });

  it('allows the name of a sibling file', () => {
    given(library)
      .when({ type: 'RenameFile', data: { fileId: PILOT, name: 'Finale.mkv' } })
      .then([{ type: 'FileRenamed', data: { fileId: PILOT, from: 'Pilot.mkv', to: 'Finale.mkv' } }]);
  });

  it('does nothing when the name is the current one', () => {
    given(library)
      .when({ type: 'RenameFile', data: { fileId: FILM, name: ' Film.mkv' } })
      .thenNothingHappened();
  });

  it('refuses an invalid name', () => {
    given(library)
      .when({ type: 'RenameFile', data: { fileId: FILM, name: '' } })
      .thenThrows(invalidName('a name must not be empty'));
  });

  it('refuses a file that does not exist', () => {
    given(library)
      .when({ type: 'RenameFile', data: { fileId: MISSING_FILE, name: 'x' } })
      .thenThrows(notFound.file(MISSING_FILE));
  });

  it('refuses a file in the trash', () => {
    given([...library, fileTrashed(FILM)])
      .when({ type: 'RenameFile', data: { fileId: FILM, name: 'x' } })
      .thenThrows(inTrash.file(FILM));
  });
});

describe('MoveFile', () => {
  it('moves into another folder', () => {
    given(library)
      .when({ type: 'MoveFile', data: { fileId: FILM, folderId: SERIES } })
      .then([{ type: 'FileMoved', data: { fileId: FILM, fromFolderId: MOVIES, toFolderId: SERIES } }]);
  });

  it('moves to the root', () => {
    given(library)
      .when({ type: 'MoveFile', data: { fileId: FILM, folderId: null } })
      .then([{ type: 'FileMoved', data: { fileId: FILM, fromFolderId: MOVIES, toFolderId: null } }]);
  });

  it('does nothing when the file is already there', () => {
    given(library)
      .when({ type: 'MoveFile', data: { fileId: FILM, folderId: MOVIES } })
      .thenNothingHappened();
  });

  it('refuses a file that does not exist', () => {
    given(library)
      .when({ type: 'MoveFile', data: { fileId: MISSING_FILE, folderId: null } })
      .thenThrows(notFound.file(MISSING_FILE));
  });

  it('refuses a file in the trash', () => {
    given([...library, fileTrashed(FILM)])
      .when({ type: 'MoveFile', data: { fileId: FILM, folderId: null } })
      .thenThrows(inTrash.file(FILM));
  });

  it('refuses a folder that does not exist', () => {
    given(library)
      .when({ type: 'MoveFile', data: { fileId: FILM, folderId: MISSING_FOLDER } })
      .thenThrows(notFound.folder(MISSING_FOLDER));
  });

  it('refuses a folder in the trash', () => {
    given([...library, folderTrashed(SERIES, [SEASON, EPISODES], [PILOT, FINALE])])
      .when({ type: 'MoveFile', data: { fileId: FILM, folderId: SEASON } })
      .thenThrows(inTrash.folder(SEASON));
  });
});

describe('TrashFile', () => {
  it('puts the file in the trash', () => {
    given(library)
      .when({ type: 'TrashFile', data: { fileId: FILM } })
      .then([fileTrashed(FILM)]);
  });

  it('does nothing for a file already in the trash', () => {
    given([...library, fileTrashed(FILM)])
      .when({ type: 'TrashFile', data: { fileId: FILM } })
      .thenNothingHappened();
  });

  it('does nothing for a file trashed with its folder', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'TrashFile', data: { fileId: FILM } })
      .thenNothingHappened();
  });

  it('refuses a file that does not exist', () => {
    given(library)
      .when({ type: 'TrashFile', data: { fileId: MISSING_FILE } })
      .thenThrows(notFound.file(MISSING_FILE));
  });
});

describe('RestoreFile', () => {
  it('puts the file back into its folder', () => {
    given([...library, fileTrashed(FILM)])
      .when({ type: 'RestoreFile', data: { fileId: FILM } })
      .then([{ type: 'FileRestored', data: { fileId: FILM, folderId: MOVIES } }]);
  });

  it('puts the file at the root when its folder went to the trash after it', () => {
    given([...library, fileTrashed(FILM), folderTrashed(MOVIES, [], [])])
      .when({ type: 'RestoreFile', data: { fileId: FILM } })
      .then([{ type: 'FileRestored', data: { fileId: FILM, folderId: null } }]);
  });

  it('does nothing for a file that is not in the trash', () => {
    given(library)
      .when({ type: 'RestoreFile', data: { fileId: FILM } })
      .thenNothingHappened();
  });

  it('refuses a file trashed with its folder', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'RestoreFile', data: { fileId: FILM } })
      .thenThrows(trashedWithFolder(`file ${FILM}`, MOVIES));
  });

  it('refuses a file that does not exist', () => {
    given(library)
      .when({ type: 'RestoreFile', data: { fileId: MISSING_FILE } })
      .thenThrows(notFound.file(MISSING_FILE));
  });
});

describe('DeleteFile', () => {
  it('deletes a trashed file forever, naming the storage message to delete', () => {
    given([...library, fileTrashed(FILM)])
      .when({ type: 'DeleteFile', data: { fileId: FILM } })
      .then([{ type: 'FileDeleted', data: { fileId: FILM, telegram: film.data.telegram } }]);
  });

  it('refuses a file that is not in the trash', () => {
    given(library)
      .when({ type: 'DeleteFile', data: { fileId: FILM } })
      .thenThrows(mustTrashFirst(`file ${FILM}`));
  });

  it('refuses a file trashed with its folder', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'DeleteFile', data: { fileId: FILM } })
      .thenThrows(trashedWithFolder(`file ${FILM}`, MOVIES));
  });

  it('refuses a file that was already deleted', () => {
    given([
      ...library,
      fileTrashed(FILM),
      { type: 'FileDeleted', data: { fileId: FILM, telegram: film.data.telegram } },
    ])
      .when({ type: 'DeleteFile', data: { fileId: FILM } })
      .thenThrows(notFound.file(FILM));
  });
});

describe('CreateFolder', () => {
  it('creates a folder at the root with its trimmed name', () => {
    given([])
      .when({ type: 'CreateFolder', data: { folderId: MOVIES, parentId: null, name: ' Movies ' } })
      .then([created(MOVIES, null, 'Movies')]);
  });

  it('creates a folder inside another', () => {
    given(library)
      .when({ type: 'CreateFolder', data: { folderId: NEW_FOLDER, parentId: SERIES, name: 'Season 2' } })
      .then([created(NEW_FOLDER, SERIES, 'Season 2')]);
  });

  it('allows a name used in another folder', () => {
    given(library)
      .when({ type: 'CreateFolder', data: { folderId: NEW_FOLDER, parentId: MOVIES, name: 'Episodes' } })
      .then([created(NEW_FOLDER, MOVIES, 'Episodes')]);
  });

  it('allows the name of a sibling folder that is in the trash', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'CreateFolder', data: { folderId: NEW_FOLDER, parentId: null, name: 'Movies' } })
      .then([created(NEW_FOLDER, null, 'Movies')]);
  });

  it('refuses the name of a sibling folder, whatever its case', () => {
    given(library)
      .when({ type: 'CreateFolder', data: { folderId: NEW_FOLDER, parentId: null, name: 'MOVIES' } })
      .thenThrows(nameTaken('MOVIES'));
  });

  it('refuses an invalid name', () => {
    given(library)
      .when({ type: 'CreateFolder', data: { folderId: NEW_FOLDER, parentId: null, name: 'a/b' } })
      .thenThrows(invalidName('a name must not contain "/"'));
  });

  it('refuses a folder id that is already taken, even by a trashed folder', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'CreateFolder', data: { folderId: MOVIES, parentId: null, name: 'Films' } })
      .thenThrows({
        code: 'folder_already_exists',
        kind: 'conflict',
        message: `folder ${MOVIES} already exists`,
      });
  });

  it('refuses a parent that does not exist', () => {
    given(library)
      .when({ type: 'CreateFolder', data: { folderId: NEW_FOLDER, parentId: MISSING_FOLDER, name: 'x' } })
      .thenThrows(notFound.folder(MISSING_FOLDER));
  });

  it('refuses a parent in the trash', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'CreateFolder', data: { folderId: NEW_FOLDER, parentId: MOVIES, name: 'x' } })
      .thenThrows(inTrash.folder(MOVIES));
  });
});

describe('RenameFolder', () => {
  it('renames the folder', () => {
    given(library)
      .when({ type: 'RenameFolder', data: { folderId: MOVIES, name: 'Films' } })
      .then([{ type: 'FolderRenamed', data: { folderId: MOVIES, from: 'Movies', to: 'Films' } }]);
  });

  it('changes only the case of the name', () => {
    given(library)
      .when({ type: 'RenameFolder', data: { folderId: MOVIES, name: 'MOVIES' } })
      .then([{ type: 'FolderRenamed', data: { folderId: MOVIES, from: 'Movies', to: 'MOVIES' } }]);
  });

  it('does nothing when the name is the current one', () => {
    given(library)
      .when({ type: 'RenameFolder', data: { folderId: MOVIES, name: 'Movies ' } })
      .thenNothingHappened();
  });

  it('refuses the name of a sibling folder', () => {
    given(library)
      .when({ type: 'RenameFolder', data: { folderId: MOVIES, name: 'series' } })
      .thenThrows(nameTaken('series'));
  });

  it('refuses an invalid name', () => {
    given(library)
      .when({ type: 'RenameFolder', data: { folderId: MOVIES, name: 'a\nb' } })
      .thenThrows(invalidName('a name must not contain control characters'));
  });

  it('refuses a folder that does not exist', () => {
    given(library)
      .when({ type: 'RenameFolder', data: { folderId: MISSING_FOLDER, name: 'x' } })
      .thenThrows(notFound.folder(MISSING_FOLDER));
  });

  it('refuses a folder in the trash', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'RenameFolder', data: { folderId: MOVIES, name: 'Films' } })
      .thenThrows(inTrash.folder(MOVIES));
  });
});

describe('MoveFolder', () => {
  const moveIntoDescendant: Refusal = {
    code: 'move_into_descendant',
    kind: 'conflict',
    message: `folder ${SERIES} cannot be moved into itself or its subfolders`,
  };

  it('moves the folder into another', () => {
    given(library)
      .when({ type: 'MoveFolder', data: { folderId: EPISODES, parentId: MOVIES } })
      .then([
        { type: 'FolderMoved', data: { folderId: EPISODES, fromParentId: SEASON, toParentId: MOVIES } },
      ]);
  });

  it('moves the folder to the root', () => {
    given(library)
      .when({ type: 'MoveFolder', data: { folderId: EPISODES, parentId: null } })
      .then([{ type: 'FolderMoved', data: { folderId: EPISODES, fromParentId: SEASON, toParentId: null } }]);
  });

  it('does nothing when the folder is already there', () => {
    given(library)
      .when({ type: 'MoveFolder', data: { folderId: SEASON, parentId: SERIES } })
      .thenNothingHappened();
  });

  it('refuses to move a folder into itself', () => {
    given(library)
      .when({ type: 'MoveFolder', data: { folderId: SERIES, parentId: SERIES } })
      .thenThrows(moveIntoDescendant);
  });

  it('refuses to move a folder into one of its descendants', () => {
    given(library)
      .when({ type: 'MoveFolder', data: { folderId: SERIES, parentId: EPISODES } })
      .thenThrows(moveIntoDescendant);
  });

  it('refuses a destination holding a folder of the same name', () => {
    given([...library, created(NEW_FOLDER, MOVIES, 'episodes')])
      .when({ type: 'MoveFolder', data: { folderId: EPISODES, parentId: MOVIES } })
      .thenThrows(nameTaken('Episodes'));
  });

  it('refuses a destination that does not exist', () => {
    given(library)
      .when({ type: 'MoveFolder', data: { folderId: MOVIES, parentId: MISSING_FOLDER } })
      .thenThrows(notFound.folder(MISSING_FOLDER));
  });

  it('refuses a destination in the trash', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'MoveFolder', data: { folderId: SERIES, parentId: MOVIES } })
      .thenThrows(inTrash.folder(MOVIES));
  });

  it('refuses a folder that does not exist', () => {
    given(library)
      .when({ type: 'MoveFolder', data: { folderId: MISSING_FOLDER, parentId: null } })
      .thenThrows(notFound.folder(MISSING_FOLDER));
  });

  it('refuses a folder in the trash', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'MoveFolder', data: { folderId: MOVIES, parentId: SERIES } })
      .thenThrows(inTrash.folder(MOVIES));
  });
});

describe('TrashFolder', () => {
  it('takes every subfolder and file with it', () => {
    given(library)
      .when({ type: 'TrashFolder', data: { folderId: SERIES } })
      .then([folderTrashed(SERIES, [SEASON, EPISODES], [PILOT, FINALE])]);
  });

  it('leaves out what was already in the trash', () => {
    given([...library, fileTrashed(PILOT), folderTrashed(EPISODES, [], [FINALE])])
      .when({ type: 'TrashFolder', data: { folderId: SERIES } })
      .then([folderTrashed(SERIES, [SEASON], [])]);
  });

  it('does nothing for a folder already in the trash', () => {
    given([...library, folderTrashed(MOVIES, [], [FILM])])
      .when({ type: 'TrashFolder', data: { folderId: MOVIES } })
      .thenNothingHappened();
  });

  it('does nothing for a folder trashed with its parent', () => {
    given([...library, folderTrashed(SERIES, [SEASON, EPISODES], [PILOT, FINALE])])
      .when({ type: 'TrashFolder', data: { folderId: EPISODES } })
      .thenNothingHappened();
  });

  it('refuses a folder that does not exist', () => {
    given(library)
      .when({ type: 'TrashFolder', data: { folderId: MISSING_FOLDER } })
      .thenThrows(notFound.folder(MISSING_FOLDER));
  });
});

describe('RestoreFolder', () => {
  const restored = (folderId: FolderId, parentId: FolderId | null, folders: FolderId[], files: FileId[]) => ({
    type: 'FolderRestored' as const,
    data: { folderId, parentId, descendantFolderIds: folders, fileIds: files },
  });

  it('brings back exactly what went to the trash with it', () => {
    given([...library, fileTrashed(PILOT), folderTrashed(SEASON, [EPISODES], [FINALE])])
      .when({ type: 'RestoreFolder', data: { folderId: SEASON } })
      .then([restored(SEASON, SERIES, [EPISODES], [FINALE])]);
  });

  it('puts the folder at the root when its parent is in the trash', () => {
    given([...library, folderTrashed(EPISODES, [], [PILOT, FINALE]), folderTrashed(SERIES, [SEASON], [])])
      .when({ type: 'RestoreFolder', data: { folderId: EPISODES } })
      .then([restored(EPISODES, null, [], [PILOT, FINALE])]);
  });

  it('renames the folder first when its place now holds a folder of the same name', () => {
    given([
      ...library,
      folderTrashed(MOVIES, [], [FILM]),
      created(NEW_FOLDER, null, 'movies'),
      created(OTHER_NEW_FOLDER, null, 'Movies (2)'),
    ])
      .when({ type: 'RestoreFolder', data: { folderId: MOVIES } })
      .then([
        { type: 'FolderRenamed', data: { folderId: MOVIES, from: 'Movies', to: 'Movies (3)' } },
        restored(MOVIES, null, [], [FILM]),
      ]);
  });

  it('keeps a renamed long name within the length limit', () => {
    const long = 'x'.repeat(255);
    given([created(MOVIES, null, long), folderTrashed(MOVIES, [], []), created(SERIES, null, long)])
      .when({ type: 'RestoreFolder', data: { folderId: MOVIES } })
      .then([
        { type: 'FolderRenamed', data: { folderId: MOVIES, from: long, to: `${'x'.repeat(251)} (2)` } },
        restored(MOVIES, null, [], []),
      ]);
  });

  it('does nothing for a folder that is not in the trash', () => {
    given(library)
      .when({ type: 'RestoreFolder', data: { folderId: MOVIES } })
      .thenNothingHappened();
  });

  it('refuses a folder trashed with its parent', () => {
    given([...library, folderTrashed(SERIES, [SEASON, EPISODES], [PILOT, FINALE])])
      .when({ type: 'RestoreFolder', data: { folderId: EPISODES } })
      .thenThrows(trashedWithFolder(`folder ${EPISODES}`, SERIES));
  });

  it('refuses a folder that does not exist', () => {
    given(library)
      .when({ type: 'RestoreFolder', data: { folderId: MISSING_FOLDER } })
      .thenThrows(notFound.folder(MISSING_FOLDER));
  });
});

describe('DeleteFolder', () => {
  it('deletes the whole subtree forever, including what was trashed before it', () => {
    given([...library, fileTrashed(PILOT), folderTrashed(SERIES, [SEASON, EPISODES], [FINALE])])
      .when({ type: 'DeleteFolder', data: { folderId: SERIES } })
      .then([
        {
          type: 'FolderDeleted',
          data: {
            folderId: SERIES,
            descendantFolderIds: [SEASON, EPISODES],
            files: [
              { fileId: PILOT, telegram: pilot.data.telegram },
              { fileId: FINALE, telegram: finale.data.telegram },
            ],
          },
        },
      ]);
  });

  it('refuses a folder that is not in the trash', () => {
    given(library)
      .when({ type: 'DeleteFolder', data: { folderId: SERIES } })
      .thenThrows(mustTrashFirst(`folder ${SERIES}`));
  });

  it('refuses a folder trashed with its parent', () => {
    given([...library, folderTrashed(SERIES, [SEASON, EPISODES], [PILOT, FINALE])])
      .when({ type: 'DeleteFolder', data: { folderId: SEASON } })
      .thenThrows(trashedWithFolder(`folder ${SEASON}`, SERIES));
  });

  it('refuses a folder that does not exist', () => {
    given(library)
      .when({ type: 'DeleteFolder', data: { folderId: MISSING_FOLDER } })
      .thenThrows(notFound.folder(MISSING_FOLDER));
  });
});
