import { z } from 'zod';
import { EventSource } from '../events.ts';
import { FileId, FolderId, ShareId, Timestamp, UserId } from '../ids.ts';
import { FileDto, FolderDto } from '../realtime.ts';
import { ItemName, PAGE_LIMIT_MAX, pageOf } from './common.ts';

// ---------------------------------------------------------------------------------------------
// Files, folders, trash and history. Files and folders are the read-model DTOs the live channel
// carries too: one schema each, named once here for the OpenAPI document.
// ---------------------------------------------------------------------------------------------

z.globalRegistry.add(FileDto, { id: 'File' });
z.globalRegistry.add(FolderDto, { id: 'Folder' });

export const FilePage = pageOf(FileDto).meta({ id: 'FilePage' });
export type FilePage = z.infer<typeof FilePage>;

export const FolderList = z.object({ items: z.array(FolderDto) }).meta({ id: 'FolderList' });
export type FolderList = z.infer<typeof FolderList>;

export const BreadcrumbItem = z.object({ id: FolderId, name: z.string() }).meta({ id: 'BreadcrumbItem' });

export const FolderContents = z
  .object({
    folder: FolderDto.nullable().describe('null for the root'),
    path: z.array(BreadcrumbItem).describe('from the top-level folder down to this one; empty for the root'),
    folders: z.array(FolderDto).describe('subfolders, by name'),
    files: FilePage,
  })
  .describe(
    'a folder with its breadcrumb, subfolders and first page of files (more with `listFiles` and the cursor); a trashed folder shows what went to the trash with it',
  )
  .meta({ id: 'FolderContents' });
export type FolderContents = z.infer<typeof FolderContents>;

/** A top-level entry of the trash: a file or a folder trashed on its own. */
export const TrashItem = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('file'), trashedAt: Timestamp, file: FileDto }),
    z.object({ type: z.literal('folder'), trashedAt: Timestamp, folder: FolderDto }),
  ])
  .meta({ id: 'TrashItem' });
export type TrashItem = z.infer<typeof TrashItem>;

export const TrashPage = pageOf(TrashItem).meta({ id: 'TrashPage' });
export type TrashPage = z.infer<typeof TrashPage>;

/** The events the audit timeline shows (playback progress is too chatty for it). */
export const HistoryEventType = z
  .enum([
    'FileUploaded',
    'FileRenamed',
    'FileMoved',
    'FileTrashed',
    'FileRestored',
    'FileDeleted',
    'FolderCreated',
    'FolderRenamed',
    'FolderMoved',
    'FolderTrashed',
    'FolderRestored',
    'FolderDeleted',
    'PlaybackCompleted',
    'UserRegistered',
    'DeviceSignedIn',
    'DeviceSignedOut',
    'ShareLinkCreated',
    'ShareLinkRevoked',
  ])
  .meta({ id: 'HistoryEventType' });
export type HistoryEventType = z.infer<typeof HistoryEventType>;

export const HistoryEntry = z
  .object({
    position: z.string().describe('orders the timeline and identifies the entry'),
    type: HistoryEventType,
    occurredAt: Timestamp,
    source: EventSource,
    deviceId: z.string().nullable().describe('the device that did it; null for the bot or the system'),
    actorId: UserId,
    fileId: FileId.nullable(),
    folderId: FolderId.nullable(),
    shareId: ShareId.nullable(),
    summary: z.string().describe('one line for humans, with the names as they were then'),
  })
  .meta({ id: 'HistoryEntry' });
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const HistoryPage = pageOf(HistoryEntry).meta({ id: 'HistoryPage' });
export type HistoryPage = z.infer<typeof HistoryPage>;

const atLeastOne = (fields: string[]) => ({
  message: `send at least one of ${fields.map((field) => `"${field}"`).join(', ')}`,
});

export const UpdateFileRequest = z
  .strictObject({
    name: ItemName.optional(),
    folderId: FolderId.nullable().optional().describe('the folder to move it to; null for the root'),
  })
  .refine((body) => body.name !== undefined || body.folderId !== undefined, atLeastOne(['name', 'folderId']))
  .meta({ id: 'UpdateFileRequest' });
export type UpdateFileRequest = z.input<typeof UpdateFileRequest>;

export const CreateFolderRequest = z
  .strictObject({
    name: ItemName,
    parentId: FolderId.nullable().default(null).describe('null or absent for the top level'),
  })
  .meta({ id: 'CreateFolderRequest' });
export type CreateFolderRequest = z.input<typeof CreateFolderRequest>;

export const UpdateFolderRequest = z
  .strictObject({
    name: ItemName.optional(),
    parentId: FolderId.nullable().optional().describe('the folder to move it into; null for the top level'),
  })
  .refine((body) => body.name !== undefined || body.parentId !== undefined, atLeastOne(['name', 'parentId']))
  .meta({ id: 'UpdateFolderRequest' });
export type UpdateFolderRequest = z.input<typeof UpdateFolderRequest>;

export const BatchTrashFilesRequest = z
  .strictObject({
    fileIds: z
      .array(FileId)
      .min(1)
      .max(PAGE_LIMIT_MAX)
      .refine((ids) => new Set(ids).size === ids.length, 'the file ids must be distinct'),
  })
  .meta({ id: 'BatchTrashFilesRequest' });
export type BatchTrashFilesRequest = z.input<typeof BatchTrashFilesRequest>;

/** Each file goes to the trash on its own: some may fail while the others succeed. */
export const BatchTrashFilesResult = z
  .object({
    trashed: z.array(FileDto),
    failed: z.array(
      z.object({
        fileId: FileId,
        error: z.object({ code: z.string(), message: z.string() }),
      }),
    ),
  })
  .meta({ id: 'BatchTrashFilesResult' });
export type BatchTrashFilesResult = z.infer<typeof BatchTrashFilesResult>;
