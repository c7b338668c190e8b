import type { Schemas } from '@teleplay/api-client';

export type LibraryFile = Schemas['File'];
export type LibraryFolder = Schemas['Folder'];
export type FileKind = LibraryFile['kind'];
export type FileSort = 'name' | 'uploadedAt' | 'size';
export type SortDirection = 'asc' | 'desc';

// Names sort as the read models sort them: case-insensitive and natural (Episode 2 before Episode 10).
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export const compareNames = (a: string, b: string): number => collator.compare(a, b);

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The order of files for a sort and direction; ties break by id, as the API's pages do. */
export function fileOrder(
  sort: FileSort,
  direction: SortDirection,
): (a: LibraryFile, b: LibraryFile) => number {
  const sign = direction === 'asc' ? 1 : -1;
  return (a, b) => {
    let order: number;
    if (sort === 'name') order = compareNames(a.name, b.name);
    else if (sort === 'size') order = a.size - b.size;
    else order = Date.parse(a.uploadedAt) - Date.parse(b.uploadedAt);
    return sign * (order || byId(a, b));
  };
}

/** Folders are always listed by name, before the files. */
export const folderOrder = (a: LibraryFolder, b: LibraryFolder): number =>
  compareNames(a.name, b.name) || byId(a, b);

/**
 * `list` with `item` put in its place (replacing the item with the same id). When the list is only
 * the first pages of a longer one (`complete` false), an item that sorts after the last loaded one
 * belongs to a page not loaded yet and is left out.
 */
export function placeItem<T extends { id: string }>(
  list: readonly T[],
  item: T,
  order: (a: T, b: T) => number,
  complete = true,
): T[] {
  const rest = list.filter((existing) => existing.id !== item.id);
  const last = rest.at(-1);
  if (!complete && last !== undefined && order(item, last) > 0) return rest;
  let low = 0;
  let high = rest.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (order(rest[middle]!, item) < 0) low = middle + 1;
    else high = middle;
  }
  return [...rest.slice(0, low), item, ...rest.slice(low)];
}
