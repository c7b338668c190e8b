/**
 * The event store port. Three adapters implement it (in-memory for unit tests, Postgres as the
 * embedded default, KurrentDB in production) and one contract suite (`testing/contract.ts`) runs
 * against each.
 */

/**
 * A global position in the `$all` order (commit order). Opaque outside the adapters, but always
 * a fixed-width string, so that positions of one store compare with plain string comparison.
 */
export type Position = string & { readonly __position: unique symbol };

export function makePosition(commit: bigint, prepare: bigint): Position {
  return `${commit.toString().padStart(20, '0')}:${prepare.toString().padStart(20, '0')}` as Position;
}

export function parsePosition(position: Position): { commit: bigint; prepare: bigint } {
  const [commit, prepare] = position.split(':');
  if (commit === undefined || prepare === undefined) throw new Error(`not a position: ${position}`);
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}

const POSITION_PATTERN = /^\d{20}:\d{20}$/;
export function isPosition(value: string): value is Position {
  return POSITION_PATTERN.test(value);
}

export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Before every event: reading or subscribing "from START" delivers the first event. */
export const START = makePosition(0n, 0n);

/** 0-based revision of the last event the appender expects, or a stream-level expectation. */
export type ExpectedRevision = 'no_stream' | 'exists' | 'any' | number;

export interface EventToAppend {
  /** A UUID; appending the same id to the same stream again writes nothing (idempotent retry). */
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

export interface RecordedEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  streamName: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  position: Position;
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event in the stream after the append. */
  nextExpectedRevision: number;
  /** Position of the last appended event: wait for projections to pass it (read-your-writes). */
  position: Position;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  readonly streamName: string;
  readonly expected: ExpectedRevision;
  /** Current revision, or 'no_stream'. */
  readonly actual: number | 'no_stream';

  constructor(streamName: string, expected: ExpectedRevision, actual: number | 'no_stream') {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.streamName = streamName;
    this.expected = expected;
    this.actual = actual;
  }
}

export interface EventFilter {
  /** Deliver only events whose stream name starts with one of these (e.g. `library-`). */
  streamNamePrefixes?: readonly string[];
  /** Deliver only events whose type starts with one of these. */
  eventTypePrefixes?: readonly string[];
}

export function matchesFilter(
  filter: EventFilter | undefined,
  event: { streamName: string; type: string },
): boolean {
  if (!filter) return true;
  const { streamNamePrefixes, eventTypePrefixes } = filter;
  if (streamNamePrefixes && !streamNamePrefixes.some((prefix) => event.streamName.startsWith(prefix)))
    return false;
  if (eventTypePrefixes && !eventTypePrefixes.some((prefix) => event.type.startsWith(prefix))) return false;
  return true;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive); default 0. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive); default START. */
  from?: Position;
  filter?: EventFilter;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver events after this position (exclusive); default START. */
  from?: Position;
  filter?: EventFilter;
}

export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  /** Every event up to `position` that passes the filter has been delivered: safe to persist. */
  | { kind: 'checkpoint'; position: Position }
  /** Sent once, when the subscription first reaches the head; it then continues live. */
  | { kind: 'caught_up'; position: Position };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  /** Stops the subscription; the iterator then ends. */
  close(): Promise<void>;
}

export interface EventStore {
  /** Appends atomically, checking the expected revision. Throws WrongExpectedRevisionError. */
  append(
    streamName: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Events of one stream in revision order; an empty list for a stream that does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of every stream in commit order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription to `$all`: history after `from`, then live, with checkpoints. */
  subscribeAll(options?: SubscribeOptions): Subscription;
  /** Position of the last committed event (START when empty). */
  headPosition(): Promise<Position>;
  close(): Promise<void>;
}
