import type { DomainEventType } from '@teleplay/contracts';
import { type CreateTableBuilder, sql } from 'kysely';
import type { LiveChange, ProjectedEvent, ProjectionContext } from '../projection.ts';

/** One event type of the catalogue as a projection receives it. */
export type Projected<T extends DomainEventType> = Extract<ProjectedEvent, { type: T }>;

const occurred = new WeakMap<ProjectedEvent, Date>();

/**
 * When the event happened, as the actor's device or the bot saw it (millisecond precision). Parsed
 * once per event (a rebuild hands the same events to every read model); never mutate the result.
 */
export function occurredAt(event: ProjectedEvent): Date {
  let at = occurred.get(event);
  if (at === undefined) {
    at = new Date(event.metadata.occurredAt);
    occurred.set(event, at);
  }
  return at;
}

/**
 * Column type of every `last_position` guard and of stored positions. Positions are fixed-width
 * strings that order by bytes, so they compare in the C collation whatever the database's locale.
 */
export const positionType = sql`text collate "C"`;

/** Column type of name sort keys (see `nameSortKey`): byte order, independent of the database locale. */
export const sortKeyType = sql`text collate "C"`;

export function toIso(value: Date): string {
  return value.toISOString();
}

export function toIsoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

export interface FileThumbnail {
  width: number;
  height: number;
  size: number;
}

/** A file's thumbnail in the rows of every read model that shows files: all set, or none. */
export interface ThumbnailColumns {
  thumbnail_width: number | null;
  thumbnail_height: number | null;
  thumbnail_size: number | null;
}

/** Adds the {@link ThumbnailColumns} to a table being created (`.$call(withThumbnailColumns)`). */
export function withThumbnailColumns<T extends CreateTableBuilder<string, string>>(table: T) {
  return table
    .addColumn('thumbnail_width', 'integer')
    .addColumn('thumbnail_height', 'integer')
    .addColumn('thumbnail_size', 'integer');
}

/** The thumbnail columns of a file row as one value. */
export function thumbnailOf(row: ThumbnailColumns): FileThumbnail | null {
  const { thumbnail_width: width, thumbnail_height: height, thumbnail_size: size } = row;
  return width === null || height === null || size === null ? null : { width, height, size };
}

/** The thumbnail columns for a file's thumbnail, or for none. */
export function thumbnailColumns(thumbnail: FileThumbnail | null): ThumbnailColumns {
  return {
    thumbnail_width: thumbnail?.width ?? null,
    thumbnail_height: thumbnail?.height ?? null,
    thumbnail_size: thumbnail?.size ?? null,
  };
}

/**
 * The live changes of a batch, one per thing, the last one winning (and moving to the end): a
 * client reloads the thing as it is now, so earlier changes of it in the same batch add nothing.
 */
export class LiveChangeLog {
  readonly #changes = new Map<string, LiveChange>();

  add(change: LiveChange): void {
    const id = `${change.userId}\u0000${change.kind}\u0000${change.id}`;
    this.#changes.delete(id);
    this.#changes.set(id, change);
  }

  emitTo(context: Pick<ProjectionContext<unknown>, 'emit'>): void {
    for (const change of this.#changes.values()) context.emit(change);
  }
}
