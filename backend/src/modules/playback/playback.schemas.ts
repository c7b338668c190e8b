import { FileKind, PageLimit } from '@teleplay/contracts';
import { z } from 'zod';

export const ContinueWatchingQuery = z.strictObject({
  kind: FileKind.optional(),
  limit: PageLimit.optional().describe('default 20'),
});
