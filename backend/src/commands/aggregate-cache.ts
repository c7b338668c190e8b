import type { StoredEventShape } from '@teleplay/contracts';
import type { EventStore, Position, RecordedEvent } from '@teleplay/eventstore';
import { LRUCache } from 'lru-cache';
import type { Decider } from './decider.ts';

/** What one command appended: answered again, unchanged, when the command is retried. */
export interface CommandOutcome<Event> {
  events: Event[];
  nextExpectedRevision: number;
  position: Position;
}

/** An aggregate's state as of `revision`, with the outcome of its most recent commands. */
export interface LoadedAggregate<State, Event extends StoredEventShape> {
  readonly decider: Decider<State, unknown, Event>;
  readonly state: State;
  /** Revision of the last event folded in, or 'no_stream' when the stream has none yet. */
  readonly revision: number | 'no_stream';
  /** By command id (the causation id of the events), oldest first. */
  readonly recentCommands: ReadonlyMap<string, CommandOutcome<Event>>;
}

/**
 * Keeps the state of recently used streams in memory (least recently used evicted first), so that
 * a command reads only the events appended since it last looked. Also serialises the commands of
 * one process on one stream, so that they do not race each other into concurrency conflicts. One
 * per process; several processes stay correct through the store's expected-revision check.
 */
export interface AggregateCache {
  /** The stream's state, caught up with the store. */
  load<State, Command, Event extends StoredEventShape>(
    store: EventStore,
    streamName: string,
    decider: Decider<State, Command, Event>,
  ): Promise<LoadedAggregate<State, Event>>;
  /** Folds a command's appended events into `base`, unless the cache has moved on from it. */
  remember<State, Event extends StoredEventShape>(
    streamName: string,
    base: LoadedAggregate<State, Event>,
    commandId: string,
    outcome: CommandOutcome<Event>,
  ): void;
  /** Runs `task` once every earlier task on the same stream has finished. */
  exclusive<T>(streamName: string, task: () => Promise<T>): Promise<T>;
}

export interface AggregateCacheOptions {
  /** Streams kept in memory. */
  maxStreams?: number;
  /** Commands per stream whose outcome is kept for retries; older retries are decided again. */
  recentCommandsPerStream?: number;
  /** Events read per round trip while catching up. */
  readPageSize?: number;
}

type AnyAggregate = LoadedAggregate<unknown, StoredEventShape>;

export function createAggregateCache(options: AggregateCacheOptions = {}): AggregateCache {
  const { maxStreams = 1000, recentCommandsPerStream = 100, readPageSize = 1000 } = options;
  const aggregates = new LRUCache<string, AnyAggregate>({ max: maxStreams });
  const queues = new Map<string, Promise<void>>();

  function keepNewest(streamName: string, aggregate: AnyAggregate): void {
    const current = aggregates.get(streamName);
    if (
      current === undefined ||
      current.decider !== aggregate.decider ||
      revisionOf(current) < revisionOf(aggregate)
    ) {
      aggregates.set(streamName, aggregate);
    }
  }

  function trimmed<Event>(recent: Map<string, CommandOutcome<Event>>): Map<string, CommandOutcome<Event>> {
    for (const commandId of recent.keys()) {
      if (recent.size <= recentCommandsPerStream) break;
      recent.delete(commandId);
    }
    return recent;
  }

  /** Folds in the events appended after `aggregate.revision`, a page at a time. */
  async function catchUp<State, Event extends StoredEventShape>(
    store: EventStore,
    streamName: string,
    aggregate: LoadedAggregate<State, Event>,
  ): Promise<LoadedAggregate<State, Event>> {
    const { decider } = aggregate;
    let { state, revision } = aggregate;
    let recent: Map<string, CommandOutcome<Event>> | null = null;
    let lastCommandId: string | null = null;
    for (;;) {
      const page = await store.readStream(streamName, {
        fromRevision: revision === 'no_stream' ? 0 : revision + 1,
        maxCount: readPageSize,
      });
      for (const recorded of page) {
        const event = decider.parseEvent(recorded);
        state = decider.evolve(state, event);
        revision = recorded.revision;
        recent ??= new Map(aggregate.recentCommands);
        lastCommandId = recordOutcome(recent, lastCommandId, recorded, event);
      }
      if (page.length < readPageSize) break;
    }
    return recent ? { decider, state, revision, recentCommands: trimmed(recent) } : aggregate;
  }

  return {
    async load<State, Command, Event extends StoredEventShape>(
      store: EventStore,
      streamName: string,
      decider: Decider<State, Command, Event>,
    ): Promise<LoadedAggregate<State, Event>> {
      const cached = aggregates.get(streamName);
      // One decider always folds a stream into the same state type, which makes this cast sound.
      const base: LoadedAggregate<State, Event> =
        cached?.decider === decider
          ? (cached as unknown as LoadedAggregate<State, Event>)
          : { decider, state: decider.initialState(), revision: 'no_stream', recentCommands: new Map() };
      const aggregate = await catchUp(store, streamName, base);
      if ((aggregate as unknown) !== cached) keepNewest(streamName, aggregate as unknown as AnyAggregate);
      return aggregate;
    },

    remember(streamName, base, commandId, outcome) {
      if ((aggregates.get(streamName) as unknown) !== base) return;
      const state = outcome.events.reduce(
        (current, event) => base.decider.evolve(current, event),
        base.state,
      );
      const recentCommands = trimmed(new Map(base.recentCommands).set(commandId, outcome));
      const next = { ...base, state, revision: outcome.nextExpectedRevision, recentCommands };
      aggregates.set(streamName, next as unknown as AnyAggregate);
    },

    async exclusive<T>(streamName: string, task: () => Promise<T>): Promise<T> {
      const previous = queues.get(streamName);
      const { promise: done, resolve: finish } = Promise.withResolvers<void>();
      const tail = previous ? previous.then(() => done) : done;
      queues.set(streamName, tail);
      try {
        await previous;
        return await task();
      } finally {
        finish();
        if (queues.get(streamName) === tail) queues.delete(streamName);
      }
    },
  };
}

function revisionOf(aggregate: AnyAggregate): number {
  return aggregate.revision === 'no_stream' ? -1 : aggregate.revision;
}

/**
 * Groups the events of one command (consecutive events with the same causation id, which the
 * command handler sets to the command id) into its outcome. Returns the command id of `recorded`.
 */
function recordOutcome<Event>(
  recent: Map<string, CommandOutcome<Event>>,
  lastCommandId: string | null,
  recorded: RecordedEvent,
  event: Event,
): string | null {
  const commandId = causationIdOf(recorded.metadata);
  if (commandId === null) return null;
  const outcome = commandId === lastCommandId ? recent.get(commandId) : undefined;
  recent.delete(commandId);
  recent.set(commandId, {
    events: [...(outcome?.events ?? []), event],
    nextExpectedRevision: recorded.revision,
    position: recorded.position,
  });
  return commandId;
}

function causationIdOf(metadata: unknown): string | null {
  if (typeof metadata !== 'object' || metadata === null || !('causationId' in metadata)) return null;
  return typeof metadata.causationId === 'string' ? metadata.causationId : null;
}
