import {
  clientText,
  FileId,
  FileKind,
  FolderId,
  FolderRef,
  HistoryEventType,
  PageLimit,
  SortDirection,
  Timestamp,
} from '@teleplay/contracts';
import { z } from 'zod';
import { Cursor } from '../../api/route-schemas.ts';

export const FileParams = z.object({ fileId: FileId });
export const FolderParams = z.object({ folderId: FolderId });
export const FolderRefParams = z.object({ folderId: FolderRef });

export const FileSort = z.enum(['name', 'uploadedAt', 'size']).describe('default `name` (natural order)');

/** Longer queries are cut to this by the search read model; a little slack is accepted. */
export const SearchQuery = clientText(200)
  .trim()
  .min(1, 'the search query is empty')
  .describe('matches names: substrings and similar spellings (typos)');

export const ListFilesQuery = z
  .strictObject({
    folderId: FolderRef.optional().describe('only the files of this folder (`root`: the top level)'),
    q: SearchQuery.optional().describe('search by name instead of listing: best matches first'),
    kind: FileKind.optional(),
    sort: FileSort.optional(),
    direction: SortDirection.optional().describe('default `asc`'),
    cursor: Cursor.optional(),
    limit: PageLimit.optional(),
  })
  .refine((query) => query.q === undefined || (query.sort === undefined && query.direction === undefined), {
    message: 'a search (`q`) orders by relevance: leave out `sort` and `direction`',
  });

export const FolderContentsQuery = z.strictObject({
  kind: FileKind.optional(),
  sort: FileSort.optional(),
  direction: SortDirection.optional(),
  limit: PageLimit.optional(),
});

export const ListFoldersQuery = z.strictObject({
  parentId: FolderRef.optional().describe('only the subfolders of this folder; every folder when absent'),
});

export const PageQuery = z.strictObject({ cursor: Cursor.optional(), limit: PageLimit.optional() });

/** A time in a query: an ISO 8601 date-time of the years 1 to 9999 (what PostgreSQL can compare). */
const QueryTime = Timestamp.transform((value) => new Date(value)).refine((date) => {
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999;
}, 'a date-time between the years 1 and 9999');

export const HistoryQuery = z
  .strictObject({
    type: z
      .union([HistoryEventType, z.array(HistoryEventType).max(HistoryEventType.options.length)])
      .transform((types) => (Array.isArray(types) ? types : [types]))
      .optional()
      .describe('only these kinds of events (repeat the parameter for several)'),
    from: QueryTime.optional().describe('events at or after this time'),
    to: QueryTime.optional().describe('events before this time'),
    cursor: Cursor.optional(),
    limit: PageLimit.optional(),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    message: '`from` must be before `to`',
  });
