import type { DomainEventType } from '@teleplay/contracts';
import { sql } from 'kysely';
import type { ProjectedEvent } from '../projection.ts';

/** One event type of the catalogue as a projection receives it. */
export type Projected<T extends DomainEventType> = Extract<ProjectedEvent, { type: T }>;

/** When the event happened, as the actor's device or the bot saw it (millisecond precision). */
export function occurredAt(event: ProjectedEvent): Date {
  return new Date(event.metadata.occurredAt);
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

/** The thumbnail columns of a file row as one value (all set, or none). */
export function thumbnailOf(row: {
  thumbnail_width: number | null;
  thumbnail_height: number | null;
  thumbnail_size: number | null;
}): FileThumbnail | null {
  const { thumbnail_width: width, thumbnail_height: height, thumbnail_size: size } = row;
  return width === null || height === null || size === null ? null : { width, height, size };
}
