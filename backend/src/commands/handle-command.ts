import {
  type DeviceId,
  EventMetadata,
  type EventSource,
  type StoredEventShape,
  type Timestamp,
  type UserId,
} from '@teleplay/contracts';
import { type EventStore, type Position, WrongExpectedRevisionError } from '@teleplay/eventstore';
import type { AggregateCache } from './aggregate-cache.ts';
import type { Decider } from './decider.ts';
import { DomainError, type Refusal } from './domain-error.ts';
import { commandEventId } from './event-id.ts';

/** Who issued the command, from where and when; becomes the metadata of every event it appends. */
export interface CommandMetadata {
  actorId: UserId;
  deviceId: DeviceId | null;
  source: EventSource;
  occurredAt: Timestamp;
  /** Ties together everything one request or bot update caused; defaults to the command id. */
  correlationId?: string;
}

export type CommandResult<Event> =
  | {
      status: 'accepted';
      /** What the command appended: empty when there was nothing to do. */
      events: Event[];
      /** Revision of the stream's last event after the command ('no_stream' when it has none). */
      nextExpectedRevision: number | 'no_stream';
      /** Where the appended events are in the global order (wait for projections to pass it); null when nothing was appended. */
      position: Position | null;
    }
  | { status: 'refused'; refusal: Refusal };

export interface HandleCommandOptions<State, Command, Event extends StoredEventShape> {
  store: EventStore;
  cache: AggregateCache;
  streamName: string;
  decider: Decider<State, Command, Event>;
  command: Command;
  /** Unique per command, chosen by the caller and kept across its retries: the idempotency key. */
  commandId: string;
  metadata: CommandMetadata;
  /** Decisions tried before a concurrency conflict is given up on. */
  maxAttempts?: number;
}

/**
 * Loads the stream's state, decides, and appends the events at the revision the decision was made
 * on. When another writer got there first, it loads the newer events and decides again, up to
 * `maxAttempts` times, then throws the WrongExpectedRevisionError. A command that was already
 * handled (same command id) answers its first outcome and writes nothing.
 */
export async function handleCommand<State, Command, Event extends StoredEventShape>(
  options: HandleCommandOptions<State, Command, Event>,
): Promise<CommandResult<Event>> {
  const { store, cache, streamName, decider, command, commandId, maxAttempts = 5 } = options;
  const metadata = EventMetadata.parse({
    ...options.metadata,
    correlationId: options.metadata.correlationId ?? commandId,
    causationId: commandId,
  });

  return cache.exclusive(streamName, async () => {
    for (let attempt = 1; ; attempt++) {
      const aggregate = await cache.load(store, streamName, decider);
      const handled = aggregate.recentCommands.get(commandId);
      if (handled) return { status: 'accepted', ...handled };

      let events: Event[];
      try {
        events = decider.decide(command, aggregate.state).map((event) => decider.parseEvent(event));
      } catch (error) {
        if (error instanceof DomainError) return { status: 'refused', refusal: error.refusal };
        throw error;
      }
      if (events.length === 0) {
        return { status: 'accepted', events, nextExpectedRevision: aggregate.revision, position: null };
      }

      try {
        const appended = await store.append(
          streamName,
          events.map((event, index) => ({
            id: commandEventId(streamName, commandId, index),
            type: event.type,
            data: event.data,
            metadata,
          })),
          { expectedRevision: aggregate.revision },
        );
        const outcome = { events, ...appended };
        cache.remember(streamName, aggregate, commandId, outcome);
        return { status: 'accepted', ...outcome };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw error;
      }
    }
  });
}
