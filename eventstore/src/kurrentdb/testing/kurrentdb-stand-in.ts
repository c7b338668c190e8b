import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import grpc from '@grpc/grpc-js';
import type * as SharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import type * as StreamsGrpcPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import type * as StreamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';

/**
 * A protocol-level, in-memory stand-in for a single KurrentDB node: the `event_store.client.streams.Streams`
 * gRPC service (Append and Read: stream reads, `$all` reads and filtered `$all` subscriptions), served with
 * the client package's own generated protobuf code. It mirrors the server's semantics as read in the
 * KurrentDB sources (IndexWriter.CheckCommit, Enumerator.AllSubscriptionFiltered, EventFilter). Every other
 * service (ServerFeatures, BatchAppend, Delete, ...) answers UNIMPLEMENTED, which makes the client fall
 * back to the classic Append RPC. A test double of the outside world: production never uses it.
 */

const GENERATED = '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1';
const requireHere = createRequire(import.meta.url);
// The very module instances the client loads: protobuf classes live in one global namespace and the
// service's serializers only accept instances of these classes.
const { ReadResp, AppendResp } = requireHere(`${GENERATED}/streams_pb.js`) as typeof StreamsPb;
const { UUID, StreamIdentifier, Empty } = requireHere(`${GENERATED}/shared_pb.js`) as typeof SharedPb;
const { StreamsService } = requireHere(`${GENERATED}/streams_grpc_pb.js`) as typeof StreamsGrpcPb;
type TimestampMessage = NonNullable<Parameters<StreamsPb.ReadResp.CaughtUp['setTimestamp']>[0]>;
const { Timestamp } = createRequire(requireHere.resolve(`${GENERATED}/streams_pb.js`))(
  'google-protobuf/google/protobuf/timestamp_pb.js',
) as { Timestamp: { fromDate(date: Date): TimestampMessage } };

type ReadReq = StreamsPb.ReadReq;
type ReadResp = StreamsPb.ReadResp;
type ReadOptions = StreamsPb.ReadReq.Options;
type AppendReq = StreamsPb.AppendReq;
type AppendResp = StreamsPb.AppendResp;

// Wire enums (the generated .d.ts declares them as TypeScript enums, which erasable TypeScript cannot import).
const BACKWARDS = 1;
const REVISION_START = 3;
const REVISION_END = 4;
const ALL_POSITION = 1;
const ALL_START = 2;
const ALL_END = 3;
const EXPECT_REVISION = 2;
const EXPECT_NO_STREAM = 3;
const EXPECT_ANY = 4;
const EXPECT_STREAM_EXISTS = 5;

/** The server's default filter search window (`DefaultReadBatchSize`). */
const DEFAULT_MAX_SEARCH_WINDOW = 32;
/** The real log starts with an epoch record, so no event ever sits at position 0 (the client's START). */
const FIRST_EVENT_POSITION = 128n;
const RECORD_OVERHEAD = 96n;
const TICKS_PER_MILLISECOND = 10_000n;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface KurrentDbStandInOptions {
  /**
   * Mimic the `$by_category` system projection of a node started with projections (as the testcontainers
   * module does): each appended event also gets a `$>` link in `$ce-<category>`, so `$all` carries
   * system events between user events, as on a real node.
   */
  categoryProjection?: boolean;
}

export interface KurrentDbStandIn {
  /** `kurrentdb://127.0.0.1:<port>?tls=false&discoveryInterval=0` */
  connectionString: string;
  stop(): Promise<void>;
}

interface StoredEvent {
  streamName: string;
  revision: bigint;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  createdTicks: bigint;
  /** Commit and prepare positions are equal, as for the self-committed records of a KurrentDB append. */
  position: bigint;
}

type ProposedEvent = Pick<StoredEvent, 'id' | 'type' | 'contentType' | 'data' | 'customMetadata'>;

/** `revision` uses the server's numbering: -1 means "no stream". */
type Expected = { kind: 'any' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

type AppendOutcome =
  | { kind: 'written' | 'idempotent'; last: StoredEvent | undefined; current: bigint }
  | { kind: 'wrong_expected_version'; current: bigint };

class InvalidArgument extends Error {}

interface EventLog {
  readonly events: readonly StoredEvent[];
  stream(name: string): readonly StoredEvent[] | undefined;
  append(streamName: string, expected: Expected, proposed: readonly ProposedEvent[]): AppendOutcome;
  onAppend(listener: () => void): () => void;
}

function createEventLog(options: KurrentDbStandInOptions): EventLog {
  const events: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  // The server's cache of recently committed event ids, used by the weak idempotency check of `any` and
  // `stream_exists` appends. The real cache is bounded (8 MiB) and lost on restart; this one forgets nothing.
  const committed = new Map<string, StoredEvent>();
  const listeners = new Set<() => void>();
  let nextPosition = FIRST_EVENT_POSITION;

  function write(streamName: string, proposed: readonly ProposedEvent[]): StoredEvent[] {
    const stream = streams.get(streamName) ?? [];
    streams.set(streamName, stream);
    const createdTicks = BigInt(Date.now()) * TICKS_PER_MILLISECOND;
    return proposed.map((event) => {
      const stored: StoredEvent = {
        ...event,
        streamName,
        revision: BigInt(stream.length),
        createdTicks,
        position: nextPosition,
      };
      nextPosition +=
        RECORD_OVERHEAD +
        BigInt(streamName.length + event.type.length + event.data.length + event.customMetadata.length);
      stream.push(stored);
      events.push(stored);
      committed.set(stored.id, stored);
      return stored;
    });
  }

  function linkToCategory(written: readonly StoredEvent[]): void {
    for (const event of written) {
      const dash = event.streamName.indexOf('-');
      if (dash <= 0 || event.streamName.startsWith('$')) continue;
      write(`$ce-${event.streamName.slice(0, dash)}`, [
        {
          id: randomUUID(),
          type: '$>',
          contentType: 'application/octet-stream',
          data: Buffer.from(`${event.revision}@${event.streamName}`),
          customMetadata: Buffer.from(JSON.stringify({ $causedBy: event.id })),
        },
      ]);
    }
  }

  // Mirrors IndexWriter.CheckCommit for a single stream that was never deleted.
  function decide(streamName: string, expected: Expected, ids: readonly string[]): AppendOutcome | 'write' {
    const stream = streams.get(streamName);
    const current = stream ? BigInt(stream.length - 1) : -1n;
    const wrong = { kind: 'wrong_expected_version', current } as const;
    if (expected.kind !== 'revision') {
      if (expected.kind === 'stream_exists' && current < 0n) return wrong;
      // Weak idempotency: only ids the server remembers, and only when the first event was written already.
      const known = ids.map((id) => {
        const event = committed.get(id);
        return event?.streamName === streamName ? event : undefined;
      });
      if (known.length === 0 || known[0] === undefined) return 'write';
      if (known.some((event) => event === undefined)) return wrong;
      const last = known.at(-1);
      return { kind: 'idempotent', last, current: last?.revision ?? current };
    }
    if (expected.revision === current) return 'write';
    if (expected.revision > current || ids.length === 0) return wrong;
    // Strong idempotency: the same ids must sit right after the expected revision.
    const first = Number(expected.revision + 1n);
    const matches = ids.every((id, i) => stream?.[first + i]?.id === id);
    if (!matches) return wrong;
    const last = stream?.[first + ids.length - 1];
    return { kind: 'idempotent', last, current: last?.revision ?? current };
  }

  return {
    events,
    stream: (name) => streams.get(name),
    append(streamName, expected, proposed) {
      const decision = decide(
        streamName,
        expected,
        proposed.map((event) => event.id),
      );
      if (decision !== 'write') return decision;
      // An append of no events only checks the expectation: it neither creates the stream nor wakes anyone.
      const written = proposed.length === 0 ? [] : write(streamName, proposed);
      if (options.categoryProjection) linkToCategory(written);
      if (written.length > 0) for (const listener of listeners) listener();
      const current = BigInt((streams.get(streamName)?.length ?? 0) - 1);
      return { kind: 'written', last: written.at(-1), current };
    },
    onAppend(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/* ------------------------------------------------------------------ wire conversions */

function streamNameOf(identifier: SharedPb.StreamIdentifier | undefined): string {
  const name = identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
  if (name === '') throw new InvalidArgument('a stream name is required');
  return name;
}

function streamIdentifier(name: string): SharedPb.StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

/** Ids travel in their string form: both the Node client and its Rust read path ask for it. */
function parseUuid(uuid: SharedPb.UUID | undefined): string {
  if (uuid?.hasStructured())
    throw new InvalidArgument('the stand-in takes event ids in their string form only');
  // The server parses ids as .NET Guids, which print lowercase.
  const text = uuid?.getString().toLowerCase() ?? '';
  if (!UUID_PATTERN.test(text)) throw new InvalidArgument(`event id is not a UUID: ${text}`);
  return text;
}

function eventResponse(event: StoredEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(streamIdentifier(event.streamName))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.createdTicks.toString());
  const readEvent = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.toString());
  return new ReadResp().setEvent(readEvent);
}

function checkpointResponse(position: bigint): ReadResp {
  const checkpoint = new ReadResp.Checkpoint()
    .setCommitPosition(position.toString())
    .setPreparePosition(position.toString())
    .setTimestamp(Timestamp.fromDate(new Date()));
  return new ReadResp().setCheckpoint(checkpoint);
}

function caughtUpResponse(position: bigint | undefined): ReadResp {
  const caughtUp = new ReadResp.CaughtUp().setTimestamp(Timestamp.fromDate(new Date()));
  if (position !== undefined) {
    caughtUp.setPosition(
      new ReadResp.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString()),
    );
  }
  return new ReadResp().setCaughtUp(caughtUp);
}

function compileFilter(options: ReadOptions): ((event: StoredEvent) => boolean) | undefined {
  const filter = options.getFilter();
  if (!filter) return undefined;
  const onStreamName = filter.hasStreamIdentifier();
  const expression = onStreamName ? filter.getStreamIdentifier() : filter.getEventType();
  if (!expression)
    throw new InvalidArgument('a filter needs a stream identifier or an event type expression');
  const field = (event: StoredEvent) => (onStreamName ? event.streamName : event.type);
  const regex = expression.getRegex();
  if (regex !== '') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(regex);
    } catch (error) {
      throw new InvalidArgument(`invalid filter regex: ${(error as Error).message}`);
    }
    return (event) => pattern.test(field(event));
  }
  const prefixes = expression.getPrefixList();
  return (event) => prefixes.some((prefix) => field(event).startsWith(prefix));
}

function expectedOf(options: StreamsPb.AppendReq.Options): Expected {
  switch (options.getExpectedStreamRevisionCase() as number) {
    case EXPECT_REVISION:
      return { kind: 'revision', revision: BigInt(options.getRevision()) };
    case EXPECT_NO_STREAM:
      return { kind: 'revision', revision: -1n };
    case EXPECT_ANY:
      return { kind: 'any' };
    case EXPECT_STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      throw new InvalidArgument('an expected stream revision is required');
  }
}

function proposedEventOf(message: StreamsPb.AppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (!type || !contentType)
    throw new InvalidArgument('proposed messages need "type" and "content-type" metadata');
  return {
    id: parseUuid(message.getId()),
    type,
    contentType,
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

function appendResponse(outcome: AppendOutcome, expected: Expected): AppendResp {
  const response = new AppendResp();
  if (outcome.kind === 'wrong_expected_version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (outcome.current < 0n) wrong.setCurrentNoStream(new Empty());
    else wrong.setCurrentRevision(outcome.current.toString());
    if (expected.kind === 'any') wrong.setExpectedAny(new Empty());
    else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
    else if (expected.revision < 0n) wrong.setExpectedNoStream(new Empty());
    else wrong.setExpectedRevision(expected.revision.toString());
    return response.setWrongExpectedVersion(wrong);
  }
  const success = new AppendResp.Success();
  if (outcome.current < 0n) success.setNoStream(new Empty());
  else success.setCurrentRevision(outcome.current.toString());
  if (outcome.last) {
    const position = outcome.last.position.toString();
    success.setPosition(new AppendResp.Position().setCommitPosition(position).setPreparePosition(position));
  } else {
    success.setNoPosition(new Empty());
  }
  return response.setSuccess(success);
}

/* ------------------------------------------------------------------ RPC handlers */

type ReadCall = grpc.ServerWritableStream<ReadReq, ReadResp>;

/** Writes with backpressure; resolves false once the client has gone. */
function createSender(call: ReadCall) {
  const gone = new AbortController();
  call.on('cancelled', () => gone.abort());
  call.on('close', () => gone.abort());
  return {
    gone: gone.signal,
    async send(response: ReadResp): Promise<boolean> {
      if (gone.signal.aborted) return false;
      if (call.write(response)) return true;
      try {
        await once(call, 'drain', { signal: gone.signal });
        return true;
      } catch {
        return false;
      }
    },
  };
}

function fail(call: ReadCall, code: grpc.status, details: string): void {
  call.emit('error', { code, details });
}

function compareToPosition(eventPosition: bigint, commit: bigint, prepare: bigint): number {
  if (eventPosition !== commit) return eventPosition < commit ? -1 : 1;
  return eventPosition < prepare ? -1 : eventPosition > prepare ? 1 : 0;
}

async function readStream(call: ReadCall, log: EventLog, options: ReadOptions) {
  const streamOptions = options.getStream();
  const name = streamNameOf(streamOptions?.getStreamIdentifier());
  const stream = log.stream(name);
  if (!stream) {
    call.write(
      new ReadResp().setStreamNotFound(
        new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name)),
      ),
    );
    call.end();
    return;
  }
  const backwards = options.getReadDirection() === BACKWARDS;
  const count = BigInt(options.getCount());
  const revisionCase = streamOptions?.getRevisionOptionCase() as number;
  const requested =
    revisionCase === REVISION_START
      ? 0
      : revisionCase === REVISION_END
        ? Number.MAX_SAFE_INTEGER
        : Number(streamOptions?.getRevision());
  const sender = createSender(call);
  let sent = 0n;
  if (backwards) {
    for (let i = Math.min(requested, stream.length - 1); i >= 0 && sent < count; i--, sent++) {
      if (!(await sender.send(eventResponse(stream[i] as StoredEvent)))) return;
    }
  } else {
    for (let i = requested; i < stream.length && sent < count; i++, sent++) {
      if (!(await sender.send(eventResponse(stream[i] as StoredEvent)))) return;
    }
  }
  call.end();
}

/** Reads are inclusive of their start position forwards and exclusive of it backwards, as on the server. */
async function readAll(call: ReadCall, log: EventLog, options: ReadOptions) {
  const allOptions = options.getAll();
  const backwards = options.getReadDirection() === BACKWARDS;
  const matches = compileFilter(options);
  const count = BigInt(options.getCount());
  const events = log.events;
  let index: number;
  switch (allOptions?.getAllOptionCase() as number) {
    case ALL_START:
      index = backwards ? -1 : 0;
      break;
    case ALL_END:
      index = backwards ? events.length - 1 : events.length;
      break;
    case ALL_POSITION: {
      const commit = BigInt(allOptions?.getPosition()?.getCommitPosition() ?? 0);
      const prepare = BigInt(allOptions?.getPosition()?.getPreparePosition() ?? 0);
      const firstAtOrAfter = events.findIndex(
        (event) => compareToPosition(event.position, commit, prepare) >= 0,
      );
      const end = firstAtOrAfter === -1 ? events.length : firstAtOrAfter;
      index = backwards ? end - 1 : end;
      break;
    }
    default:
      throw new InvalidArgument('a $all read needs a start, end or position');
  }
  const sender = createSender(call);
  let sent = 0n;
  for (; index >= 0 && index < events.length && sent < count; index += backwards ? -1 : 1) {
    const event = events[index] as StoredEvent;
    if (matches && !matches(event)) continue;
    if (!(await sender.send(eventResponse(event)))) return;
    sent++;
  }
  call.end();
}

/**
 * A catch-up subscription to `$all`, exclusive of its start position, mirroring
 * Enumerator.AllSubscriptionFiltered: a filtered subscription sends a checkpoint every
 * `window × multiplier` scanned events and one more when it first reaches the end of the log; then (filtered
 * or not) a caught-up message with that position, then live events.
 */
async function subscribeAll(call: ReadCall, log: EventLog, options: ReadOptions) {
  const allOptions = options.getAll();
  const matches = compileFilter(options);
  const filterOptions = options.getFilter();
  const multiplier = filterOptions?.getCheckpointintervalmultiplier() ?? 1;
  if (matches && multiplier <= 0)
    throw new InvalidArgument('checkpoint interval multiplier must be greater than 0');
  const window = filterOptions?.hasMax() ? filterOptions.getMax() : DEFAULT_MAX_SEARCH_WINDOW;
  const checkpointInterval = matches ? window * multiplier : undefined;

  const events = log.events;
  let next: number;
  let checkpoint: bigint | undefined;
  let fromEnd = false;
  switch (allOptions?.getAllOptionCase() as number) {
    case ALL_START:
      next = 0;
      break;
    case ALL_END:
      next = events.length;
      checkpoint = events.at(-1)?.position;
      fromEnd = true;
      break;
    case ALL_POSITION: {
      const commit = BigInt(allOptions?.getPosition()?.getCommitPosition() ?? 0);
      const prepare = BigInt(allOptions?.getPosition()?.getPreparePosition() ?? 0);
      const after = events.findIndex((event) => compareToPosition(event.position, commit, prepare) > 0);
      next = after === -1 ? events.length : after;
      checkpoint = commit;
      break;
    }
    default:
      throw new InvalidArgument('a $all subscription needs a start, end or position');
  }

  const sender = createSender(call);
  const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
  if (!(await sender.send(new ReadResp().setConfirmation(confirmation)))) return;

  let scanned = 0;
  let caughtUp = false;
  let pumping = false;
  let pending = false;
  async function pump(): Promise<void> {
    if (pumping) {
      pending = true;
      return;
    }
    pumping = true;
    try {
      do {
        pending = false;
        while (next < events.length) {
          const event = events[next++] as StoredEvent;
          checkpoint = event.position;
          if ((!matches || matches(event)) && !(await sender.send(eventResponse(event)))) return;
          if (checkpointInterval !== undefined && ++scanned >= checkpointInterval) {
            scanned = 0;
            if (!(await sender.send(checkpointResponse(event.position)))) return;
          }
        }
        if (!caughtUp) {
          caughtUp = true;
          if (
            matches &&
            !fromEnd &&
            checkpoint !== undefined &&
            !(await sender.send(checkpointResponse(checkpoint)))
          ) {
            return;
          }
          if (!(await sender.send(caughtUpResponse(checkpoint)))) return;
        }
      } while (pending);
    } finally {
      pumping = false;
    }
  }

  const unsubscribe = log.onAppend(() => void pump());
  sender.gone.addEventListener('abort', unsubscribe, { once: true });
  if (sender.gone.aborted) unsubscribe();
  await pump();
}

function createReadHandler(log: EventLog): grpc.handleServerStreamingCall<ReadReq, ReadResp> {
  return (call) => {
    const options = call.request.getOptions();
    const run = async () => {
      if (!options) throw new InvalidArgument('read options are required');
      if (!options.getUuidOption()?.hasString())
        throw new InvalidArgument('the stand-in sends ids in their string form only');
      if (options.hasStream()) {
        if (options.hasSubscription()) {
          fail(call, grpc.status.UNIMPLEMENTED, 'the stand-in serves subscriptions to $all only');
          return;
        }
        await readStream(call, log, options);
      } else if (options.hasAll()) {
        await (options.hasSubscription() ? subscribeAll : readAll)(call, log, options);
      } else {
        throw new InvalidArgument('a read needs a stream or $all');
      }
    };
    run().catch((error: unknown) => {
      if (error instanceof InvalidArgument) fail(call, grpc.status.INVALID_ARGUMENT, error.message);
      else fail(call, grpc.status.INTERNAL, String(error));
    });
  };
}

function createAppendHandler(log: EventLog): grpc.handleClientStreamingCall<AppendReq, AppendResp> {
  return (call, callback) => {
    let options: StreamsPb.AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    let failure: InvalidArgument | undefined;
    call.on('data', (request: AppendReq) => {
      try {
        const requestOptions = request.getOptions();
        const message = request.getProposedMessage();
        if (requestOptions) options = requestOptions;
        else if (message && options) proposed.push(proposedEventOf(message));
        else throw new InvalidArgument('an append starts with its options');
      } catch (error) {
        failure ??= error instanceof InvalidArgument ? error : new InvalidArgument(String(error));
      }
    });
    call.on('end', () => {
      try {
        if (failure) throw failure;
        if (!options) throw new InvalidArgument('append options are required');
        const streamName = streamNameOf(options.getStreamIdentifier());
        const expected = expectedOf(options);
        callback(null, appendResponse(log.append(streamName, expected, proposed), expected));
      } catch (error) {
        const code = error instanceof InvalidArgument ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL;
        callback({ code, details: String((error as Error).message) });
      }
    });
  };
}

/** Starts a stand-in node on 127.0.0.1 with a free port. */
export async function startKurrentDbStandIn(
  options: KurrentDbStandInOptions = {},
): Promise<KurrentDbStandIn> {
  const log = createEventLog(options);
  const server = new grpc.Server();
  server.addService(StreamsService, { read: createReadHandler(log), append: createAppendHandler(log) });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
  return {
    // discoveryInterval: the client's Rust read path otherwise waits 500 ms before its first connection.
    connectionString: `kurrentdb://127.0.0.1:${port}?tls=false&discoveryInterval=0`,
    async stop() {
      server.forceShutdown();
    },
  };
}
