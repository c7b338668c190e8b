import { FileKind, FolderId, PageLimit, SortDirection } from '@teleplay/contracts';
import { z } from 'zod';
import { Cursor } from '../../api/route-schemas.ts';
import { FileSort, SearchQuery } from '../library/library.schemas.ts';

export const TvBrowseQuery = z.strictObject({
  folderId: FolderId.optional().describe('the folder to show; the top level when absent'),
  kind: FileKind.optional(),
  sort: FileSort.optional(),
  direction: SortDirection.optional(),
  cursor: Cursor.optional().describe('`files.nextCursor` of the previous answer'),
  limit: PageLimit.optional(),
});

export const TvListQuery = z.strictObject({
  kind: FileKind.optional(),
  limit: PageLimit.optional().describe('default 20'),
});

export const TvSearchQuery = z.strictObject({
  q: SearchQuery,
  limit: PageLimit.optional().describe('default 20, for folders and files each'),
});
