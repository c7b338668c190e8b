import { z } from 'zod';
import { FolderId } from '../ids.ts';
import { Name } from '../names.ts';

// ---------------------------------------------------------------------------------------------
// Building blocks of the HTTP API's requests and responses.
// ---------------------------------------------------------------------------------------------

/** Largest page a list answers; the read models cap it the same way. */
export const PAGE_LIMIT_MAX = 200;

const noControlCharacters = /^\P{Cc}*$/u;

/**
 * Text from a client: well-formed Unicode (no lone surrogates, which JSON can carry but PostgreSQL
 * cannot store) without control characters, at most `max` UTF-16 units.
 */
export const clientText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => text.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)')
    .regex(noControlCharacters, 'must not contain control characters');

/** A file or folder name as a client sends it: checked and trimmed as the library requires. */
export const ItemName = clientText(1024)
  .pipe(Name)
  .describe('1 to 255 characters, trimmed; no control characters and no "/"');

/** A folder, or `root` for the top level of the library. */
export const FolderRef = z
  .union([FolderId, z.literal('root')])
  .describe('a folder id, or `root` for the top level');
export type FolderRef = z.infer<typeof FolderRef>;

export const PageLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(PAGE_LIMIT_MAX)
  .describe(`items per page, 1 to ${PAGE_LIMIT_MAX}`);

export const PageCursor = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9_-]+$/, 'a cursor from a previous page')
  .describe('`nextCursor` of the previous page');

export const SortDirection = z.enum(['asc', 'desc']);

/** `true` or `false` in a query string. */
export const QueryFlag = z
  .enum(['true', 'false'])
  .transform((flag) => flag === 'true')
  .describe('`true` or `false`');

/** One page of a list ordered by a keyset; `nextCursor` asks for the next one. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe('pass as `cursor` to get the next page; null on the last page'),
  });

/** Where a write is in the global order of events: the read models include it once they pass it. */
export const EventPosition = z.string().regex(/^\d{20}:\d{20}$/, 'an event position');

/**
 * The answer of a write whose read models did not catch up in time (202): the write is recorded and
 * will show in lists shortly; live updates will include it.
 */
export const WriteAccepted = z
  .object({ position: EventPosition.describe('where the write is in the global order of events') })
  .describe('recorded, but the read models did not catch up in time: it shows in lists shortly')
  .meta({ id: 'WriteAccepted' });
export type WriteAccepted = z.infer<typeof WriteAccepted>;
