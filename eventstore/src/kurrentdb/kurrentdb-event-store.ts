import {
  type AllStreamResolvedEvent,
  ANY,
  type AppendStreamState,
  BACKWARDS,
  END,
  eventTypeFilter,
  type Filter,
  FORWARDS,
  type JSONType,
  jsonEvent,
  START as KURRENT_START,
  KurrentDBClient,
  type Position as KurrentPosition,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import {
  type EventFilter,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  isPosition,
  makePosition,
  matchesFilter,
  type Position,
  parsePosition,
  type RecordedEvent,
  START,
  type Subscription,
  type SubscriptionMessage,
  WrongExpectedRevisionError,
} from '../event-store.ts';

/** Every stream but KurrentDB's own (`$`-prefixed); also the server-side filter when the caller gives none. */
const USER_STREAMS = '^[^$]';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What the server reports for "no position" (-1 as an unsigned 64-bit number). */
const NO_POSITION = (1n << 64n) - 1n;

/** The fields this adapter reads from the client's recorded events (both its gRPC and Rust read paths). */
interface KurrentRecordedEvent {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
  position?: KurrentPosition;
}

/**
 * The event store on KurrentDB through `@kurrent/kurrentdb-client` (server ≥ 23.10, which signals
 * caught-up). KurrentDB's own streams (`$…`, e.g. `$ce-` links written by system projections) are hidden
 * from reads, subscriptions and `headPosition`. Event ids come back lowercase; `recordedAt` has whole-second
 * precision, because the client's Rust read path truncates it and both read paths must agree.
 */
export function createKurrentDbEventStore(connectionString: string): EventStore {
  const client = KurrentDBClient.connectionString(connectionString);
  const subscriptions = new Set<Subscription>();

  async function readStreamOrEmpty(
    streamName: string,
    options: Parameters<typeof client.readStream>[1],
  ): Promise<RecordedEvent[]> {
    try {
      return await collect(client.readStream(streamName, options));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async function headPosition(): Promise<Position> {
    const filter = streamNameFilter({ regex: USER_STREAMS });
    const [last] = await collect(
      client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter }),
    );
    return last?.position ?? START;
  }

  const store: EventStore = {
    async append(streamName, events, { expectedRevision }) {
      const streamState = toStreamState(expectedRevision);
      const eventData = events.map(toEventData);
      let result: Awaited<ReturnType<typeof client.appendToStream>>;
      try {
        result = await client.appendToStream(streamName, eventData, { streamState });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const actual = error.actualState === NO_STREAM ? 'no_stream' : Number(error.actualState);
        throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
      }
      if (events.length === 0) {
        // An empty append only checks the expectation; the server then reports no position and the client
        // cannot tell "no stream" from revision 0, so look the stream up instead.
        const [last] = await readStreamOrEmpty(streamName, {
          fromRevision: END,
          direction: BACKWARDS,
          maxCount: 1,
        });
        return { nextExpectedRevision: last?.revision ?? -1, position: await headPosition() };
      }
      if (!result.position) throw new Error(`KurrentDB reported no position for the append to ${streamName}`);
      return {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        position: makePosition(result.position.commit, result.position.prepare),
      };
    },

    async readStream(streamName, options = {}) {
      const fromRevision = countOption(options.fromRevision ?? 0, 'fromRevision');
      const maxCount = countOption(options.maxCount ?? Number.MAX_SAFE_INTEGER, 'maxCount');
      if (maxCount === 0) return [];
      return readStreamOrEmpty(streamName, {
        fromRevision: BigInt(fromRevision),
        maxCount,
        direction: FORWARDS,
      });
    },

    async readAll(options = {}) {
      const maxCount = countOption(options.maxCount ?? Number.MAX_SAFE_INTEGER, 'maxCount');
      const server = serverFilter(options.filter);
      const result: RecordedEvent[] = [];
      let cursor = positionOption(options.from);
      // The server filters on one dimension; the other (and the hiding of system streams) is applied here,
      // so a page may hold fewer matches than asked for: read on from the last event until enough match.
      while (result.length < maxCount) {
        const wanted = Math.min(maxCount - result.length, Number.MAX_SAFE_INTEGER - 1);
        // Reads include their start position, subscriptions exclude it: ask for one more and drop it.
        const asked = cursor === START ? wanted : wanted + 1;
        const fromPosition = cursor === START ? KURRENT_START : parsePosition(cursor);
        const page = await collect(
          client.readAll({ fromPosition, maxCount: asked, filter: server, direction: FORWARDS }),
        );
        for (const event of page) {
          if (event.position > cursor && accepts(options.filter, event) && result.length < maxCount)
            result.push(event);
        }
        const last = page.at(-1);
        if (page.length < asked || !last) break;
        cursor = last.position;
      }
      return result;
    },

    subscribeAll(options = {}) {
      const subscription = subscribeToAll(client, positionOption(options.from), options.filter, () => {
        subscriptions.delete(subscription);
      });
      subscriptions.add(subscription);
      return subscription;
    },

    headPosition,

    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      await client.dispose();
      // dispose() cancels the calls but keeps the gRPC channel (and its socket) open; the client exposes
      // no way to close it other than this protected accessor.
      const channel = await (client as unknown as { getChannel(): Promise<{ close(): void }> }).getChannel();
      channel.close();
    },
  };
  return store;
}

/**
 * A `$all` catch-up subscription as our message stream. Events, checkpoints and the caught-up signal reach
 * the client through three channels (the readable side, a checkpoint callback, a `caughtUp` event), all
 * raised in server order by one transform; before queueing a checkpoint or caught-up, the events already
 * transformed are pulled off the readable side so the order is kept.
 */
function subscribeToAll(
  client: KurrentDBClient,
  from: Position,
  filter: EventFilter | undefined,
  onClose: () => void,
): Subscription {
  const queue: SubscriptionMessage[] = [];
  let lastPosition = from;
  let caughtUp = false;
  let ended = false;
  let closed = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const signal = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };

  const take = (resolved: AllStreamResolvedEvent) => {
    try {
      const event = toRecordedEvent(resolved);
      if (!accepts(filter, event)) return;
      queue.push({ kind: 'event', event });
      lastPosition = event.position;
    } catch (error) {
      failure ??= error;
    }
  };
  const drain = () => {
    for (let resolved = source.read(); resolved !== null; resolved = source.read()) take(resolved);
  };
  /** Queues a checkpoint or caught-up after the events the server sent before it. */
  const mark = (
    message: (after: Position) => { kind: 'checkpoint' | 'caught_up'; position: Position } | undefined,
  ) => {
    drain();
    const marker = message(lastPosition);
    if (!marker) return;
    queue.push(marker);
    lastPosition = marker.position;
    signal();
  };

  const source = client.subscribeToAll({
    fromPosition: from === START ? KURRENT_START : parsePosition(from),
    filter: serverFilter(filter, {
      checkpointReached: (_subscription, position) => {
        const checkpoint = makePosition(position.commit, position.prepare);
        mark((after) => (checkpoint >= after ? { kind: 'checkpoint', position: checkpoint } : undefined));
      },
    }),
  });
  source.on('caughtUp', (info) => {
    if (caughtUp) return;
    caughtUp = true;
    // A server that does not say where it caught up (an empty caught-up message) caught up at least as
    // far as everything delivered before the message.
    const at = info.position ? makePosition(info.position.commit, info.position.prepare) : undefined;
    mark((after) => ({ kind: 'caught_up', position: at && at > after ? at : after }));
  });
  source.on('readable', signal);
  source.on('end', () => {
    ended = true;
    signal();
  });
  source.on('error', (error) => {
    failure = error;
    signal();
  });

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    signal();
    onClose();
    try {
      await source.unsubscribe();
    } catch {
      // The call never started (e.g. the server was unreachable): there is nothing to cancel.
    }
    source.destroy();
  }

  async function next(): Promise<IteratorResult<SubscriptionMessage>> {
    for (;;) {
      if (closed) return { done: true, value: undefined };
      const queued = queue.shift();
      if (queued) return { done: false, value: queued };
      const resolved = source.read() as AllStreamResolvedEvent | null;
      if (resolved !== null) {
        take(resolved);
        continue;
      }
      if (failure !== undefined) {
        const error = failure;
        await close();
        throw error;
      }
      if (ended) {
        await close();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }

  return {
    close,
    [Symbol.asyncIterator]() {
      return {
        next,
        async return() {
          await close();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

async function collect(reading: AsyncIterable<{ event?: KurrentRecordedEvent }>): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const resolved of reading) events.push(toRecordedEvent(resolved));
  return events;
}

function serverFilter(
  filter: EventFilter | undefined,
  checkpoints: Pick<Filter, 'checkpointReached'> = {},
): Filter {
  if (filter?.streamNamePrefixes?.length)
    return streamNameFilter({ prefixes: [...filter.streamNamePrefixes], ...checkpoints });
  if (filter?.eventTypePrefixes?.length)
    return eventTypeFilter({ prefixes: [...filter.eventTypePrefixes], ...checkpoints });
  return streamNameFilter({ regex: USER_STREAMS, ...checkpoints });
}

function accepts(filter: EventFilter | undefined, event: RecordedEvent): boolean {
  return !event.streamName.startsWith('$') && matchesFilter(filter, event);
}

function toRecordedEvent(resolved: { event?: KurrentRecordedEvent }): RecordedEvent {
  const event = resolved.event;
  if (!event) throw new Error('KurrentDB returned a link to a missing event');
  const position = event.position;
  if (!position || position.commit === NO_POSITION) {
    throw new Error(
      `KurrentDB returned event ${event.id} without a position (server 22.6 or later is required)`,
    );
  }
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata ?? null,
    streamName: event.streamId,
    revision: Number(event.revision),
    position: makePosition(position.commit, position.prepare),
    recordedAt: new Date(Math.floor(event.created.getTime() / 1000) * 1000),
  };
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return BigInt(countOption(expected, 'expectedRevision'));
  }
}

function toEventData(event: EventToAppend) {
  const id = String(event.id).toLowerCase();
  if (!UUID_PATTERN.test(id)) throw new TypeError(`event id must be a UUID, got ${JSON.stringify(event.id)}`);
  if (typeof event.type !== 'string' || event.type === '') {
    throw new TypeError(`event ${id}: type must be a non-empty string`);
  }
  const data = event.data ?? null;
  toJson(data, `event ${id}: data`);
  // Metadata always goes as JSON bytes: the client drops falsy metadata, which would not read back.
  const metadata = new TextEncoder().encode(toJson(event.metadata ?? null, `event ${id}: metadata`));
  return jsonEvent({ id, type: event.type, data: data as JSONType, metadata });
}

function toJson(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`${what} is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (json === undefined) throw new TypeError(`${what} is not JSON-serialisable`);
  return json;
}

function positionOption(from: Position | undefined): Position {
  if (from === undefined) return START;
  if (!isPosition(from)) throw new TypeError(`not a position: ${JSON.stringify(from)}`);
  return from;
}

function countOption(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}
