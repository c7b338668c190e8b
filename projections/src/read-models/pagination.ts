/** One page of a keyset-paginated list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type SortDirection = 'asc' | 'desc';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** A cursor that was not produced by the same list and sort (tampered, truncated or reused). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
  }
}

/** A page size within [1, MAX_PAGE_SIZE]; fractional sizes round down. */
export function pageSize(limit: number | undefined, fallback = DEFAULT_PAGE_SIZE): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
}

type KeyPart = 'string' | 'number';
type KeyValue<P extends KeyPart> = P extends 'string' ? string : number;
type KeyValues<Parts extends readonly KeyPart[]> = { [I in keyof Parts]: KeyValue<Parts[I]> };

/**
 * Opaque keyset cursor: the sort key of the last row plus its id (the tie-breaker), tagged with the
 * sort it belongs to so that a cursor of one ordering is refused by another.
 */
export function encodeCursor(tag: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ t: tag, k: key })).toString('base64url');
}

export function decodeCursor<const Parts extends readonly KeyPart[]>(
  cursor: string,
  tag: string,
  parts: Parts,
): KeyValues<Parts> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursorError('not a cursor');
  const { t, k } = parsed as { t?: unknown; k?: unknown };
  if (t !== tag) throw new InvalidCursorError('it belongs to another list or sort order');
  if (!Array.isArray(k) || k.length !== parts.length) throw new InvalidCursorError('malformed key');
  parts.forEach((part, index) => {
    const value: unknown = k[index];
    if (part === 'number' ? !Number.isFinite(value) : typeof value !== 'string')
      throw new InvalidCursorError('malformed key');
  });
  return k as KeyValues<Parts>;
}

/** Splits `limit + 1` fetched rows into a page, with the cursor of its last row when more follow. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => string,
): Page<Item> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { items: pageRows.map(toItem), nextCursor: hasMore && last !== undefined ? cursorOf(last) : null };
}
