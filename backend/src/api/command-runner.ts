import type { DeviceKind, StoredEventShape } from '@teleplay/contracts';
import { type EventStore, type Position, WrongExpectedRevisionError } from '@teleplay/eventstore';
import type { CheckpointWatcher } from '@teleplay/projections';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { AggregateCache } from '../commands/aggregate-cache.ts';
import type { Decider } from '../commands/decider.ts';
import { DomainError } from '../commands/domain-error.ts';
import { uuidV5 } from '../commands/event-id.ts';
import { handleCommand } from '../commands/handle-command.ts';
import { currentUser } from '../modules/auth/auth.plugin.ts';
import type { Clock } from '../modules/auth/auth.ports.ts';
import type { AuthenticatedUser } from '../modules/auth/auth.service.ts';
import { ApiError } from '../plugins/errors.plugin.ts';
import type { IdGenerator } from './api-context.ts';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Namespace of the ids derived from idempotency keys (a random UUID, fixed forever). */
const KEYED_IDS_NAMESPACE = '2f0c9a47-8d1e-4b6f-a3c5-7e9d1b2c4f60';

export interface CommandStep<Command> {
  command: Command;
  commandId: string;
}

export interface CommandTarget<State, Command, Event extends StoredEventShape> {
  streamName: string;
  decider: Decider<State, Command, Event>;
  /** Decided together first, so that a refusal of any step writes nothing; then appended in order. */
  steps: readonly CommandStep<Command>[];
}

export interface CommandOutcome<Event> {
  events: Event[];
  /** Where the last appended event is; null when the commands changed nothing. */
  position: Position | null;
}

export interface CommandRunner {
  /**
   * The command id of this request: derived from its `Idempotency-Key` (so a retried request
   * writes nothing twice) and the operation, or new. `part` tells apart the commands of one request.
   */
  commandId(request: FastifyRequest, part?: string): string;
  /** The id of an entity a request creates: the same on every retry of a keyed request, else new. */
  newEntityId(request: FastifyRequest, commandId: string): string;
  /** Runs commands as the signed-in user; a refusal throws its `DomainError` (404, 409 or 422). */
  run<State, Command, Event extends StoredEventShape>(
    request: FastifyRequest,
    target: CommandTarget<State, Command, Event>,
  ): Promise<CommandOutcome<Event>>;
  /**
   * Read-your-writes: waits (bounded) until the read models include `position`. Resolves null when
   * they do, or with the position for a 202 answer when they did not catch up in time.
   */
  awaitReadModels(
    readModels: readonly string[],
    position: Position | null,
  ): Promise<{ position: Position } | null>;
}

export interface CommandRunnerOptions {
  store: EventStore;
  cache: AggregateCache;
  clock: Clock;
  ids: IdGenerator;
  watcher: Pick<CheckpointWatcher, 'waitFor'>;
  /** The kind of the device a signed-in user speaks from: the `source` of the events it causes. */
  deviceKind(user: AuthenticatedUser): Promise<DeviceKind>;
  readYourWritesTimeoutMs: number;
}

export function createCommandRunner(options: CommandRunnerOptions): CommandRunner {
  const { store, cache, clock, ids, watcher } = options;
  // A device's kind never changes: it becomes the `source` of the events its commands cause.
  const deviceKinds = new LRUCache<string, DeviceKind>({ max: 10_000 });

  async function sourceOf(request: FastifyRequest): Promise<DeviceKind> {
    const user = currentUser(request);
    const known = deviceKinds.get(user.deviceId);
    if (known) return known;
    const kind = await options.deviceKind(user);
    deviceKinds.set(user.deviceId, kind);
    return kind;
  }

  const idempotencyKey = (request: FastifyRequest) => {
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    return typeof key === 'string' && key !== '' ? key : undefined;
  };

  return {
    commandId(request, part) {
      const key = idempotencyKey(request);
      const base = key === undefined ? ids.uuid() : `${operationOf(request)}:${key}`;
      return part === undefined ? base : `${base}:${part}`;
    },

    newEntityId(request, commandId) {
      if (idempotencyKey(request) === undefined) return ids.uuid();
      return uuidV5(KEYED_IDS_NAMESPACE, `${currentUser(request).userId}\n${commandId}`);
    },

    async run<State, Command, Event extends StoredEventShape>(
      request: FastifyRequest,
      { streamName, decider, steps }: CommandTarget<State, Command, Event>,
    ): Promise<CommandOutcome<Event>> {
      const user = currentUser(request);
      const [first] = steps;
      if (!first) return { events: [], position: null };
      if (steps.length > 1) await decideTogether(cache, store, streamName, decider, steps);
      const metadata = {
        actorId: user.userId,
        deviceId: user.deviceId,
        source: await sourceOf(request),
        occurredAt: clock.now().toISOString(),
        correlationId: first.commandId,
      };
      const outcome: CommandOutcome<Event> = { events: [], position: null };
      for (const { command, commandId } of steps) {
        const result = await handleCommand({
          store,
          cache,
          streamName,
          decider,
          command,
          commandId,
          metadata,
        }).catch((error: unknown) => {
          if (error instanceof WrongExpectedRevisionError)
            throw new ApiError(409, 'write_conflict', 'the same data changed at the same time: try again');
          throw error;
        });
        if (result.status === 'refused') throw new DomainError(result.refusal);
        outcome.events.push(...result.events);
        outcome.position = result.position ?? outcome.position;
      }
      return outcome;
    },

    async awaitReadModels(readModels, position) {
      if (position === null) return null;
      const caughtUp = await watcher.waitFor(readModels, position, options.readYourWritesTimeoutMs);
      return caughtUp ? null : { position };
    },
  };
}

/** The operation a request belongs to: its route's operationId. */
function operationOf(request: FastifyRequest): string {
  const schema = request.routeOptions.schema as { operationId?: unknown } | undefined;
  return typeof schema?.operationId === 'string' ? schema.operationId : (request.routeOptions.url ?? '');
}

/**
 * Decides every step against the state the previous ones leave, without writing: a refusal of a
 * later step then leaves nothing half done. Steps already handled (a retry) are skipped.
 */
async function decideTogether<State, Command, Event extends StoredEventShape>(
  cache: AggregateCache,
  store: EventStore,
  streamName: string,
  decider: Decider<State, Command, Event>,
  steps: readonly CommandStep<Command>[],
): Promise<void> {
  const aggregate = await cache.load(store, streamName, decider);
  let state = aggregate.state;
  for (const { command, commandId } of steps) {
    if (aggregate.recentCommands.has(commandId)) continue;
    for (const event of decider.decide(command, state)) state = decider.evolve(state, event);
  }
}
