import { FileId, QueryFlag, ShareId } from '@teleplay/contracts';
import { z } from 'zod';

export const ShareLinkParams = z.object({ shareId: ShareId });

export const ListShareLinksQuery = z.strictObject({
  fileId: FileId.optional().describe('only the links to this file'),
  activeOnly: QueryFlag.optional().describe('leave out expired and revoked links (default false)'),
});
