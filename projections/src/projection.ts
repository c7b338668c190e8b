import type { DomainEvent, DomainEventType, EventMetadata, UserId } from '@teleplay/contracts';
import type { Position } from '@teleplay/eventstore';
import type { Kysely, QueryCreator } from 'kysely';

/** An event as a projection sees it: validated against the catalogue, with where it came from. */
export type ProjectedEvent = DomainEvent & {
  metadata: EventMetadata;
  /** Owner of the stream the event belongs to (`library-{userId}` → userId). */
  userId: UserId;
  streamName: string;
  revision: number;
  position: Position;
  recordedAt: Date;
};

/**
 * A change a client should see live: which user, what kind of thing, and its id. The WebSocket hub
 * turns it into a message carrying the read-model DTO. Emitted only while projecting live, never
 * while rebuilding history.
 */
export interface LiveChange {
  userId: UserId;
  kind: 'file' | 'folder' | 'progress' | 'device' | 'share';
  id: string;
  /** The thing no longer exists in the read model (deleted for good). */
  removed?: boolean;
}

export interface ProjectionContext<DB> {
  /** Read-model tables of this projection, in the schema being written (live or rebuild). */
  db: QueryCreator<DB>;
  /** Records a live change, committed with the rows. */
  emit(change: LiveChange): void;
}

/**
 * One read model for one query. Its handler must be idempotent: applying any event twice leaves the
 * rows as applying it once (replays after a crash re-apply events since the last checkpoint).
 */
export interface Projection<DB = AnyTables> {
  /** Also the name of its checkpoint and advisory lock. */
  readonly name: string;
  /** Bump when the rows it produces change: the runner then rebuilds it from zero and swaps. */
  readonly version: number;
  /** The tables it owns (created by `createTables`, swapped together on rebuild). */
  readonly tables: readonly string[];
  readonly eventTypes: readonly DomainEventType[];
  createTables(db: Kysely<unknown>, schema: string): Promise<void>;
  apply(event: ProjectedEvent, context: ProjectionContext<DB>): Promise<void>;
  /**
   * Optional set-based path for many events at once (catch-up and rebuilds): must leave exactly the
   * rows that applying the events one by one would, e.g. by folding them in memory and upserting the
   * final rows in a few statements.
   */
  applyMany?(events: readonly ProjectedEvent[], context: ProjectionContext<DB>): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: the runner handles projections without knowing their table types.
type AnyTables = any;
