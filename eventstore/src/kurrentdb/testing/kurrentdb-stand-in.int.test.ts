import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  type Position,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KurrentDbStandIn, startKurrentDbStandIn } from './kurrentdb-stand-in.ts';

// The stand-in is checked against the real client (gRPC for appends and subscriptions, the Rust bridge for
// reads) and against the server behaviour read in the KurrentDB sources, which the adapter tests rely on.
describe('KurrentDB stand-in', () => {
  let standIn: KurrentDbStandIn;
  let client: KurrentDBClient;
  beforeAll(async () => {
    standIn = await startKurrentDbStandIn();
    client = KurrentDBClient.connectionString(standIn.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await standIn.stop();
  });

  const event = (id: string = randomUUID()) => jsonEvent({ id, type: 'Happened', data: { id } });
  const positionsOf = async (reading: AsyncIterable<{ event?: { position?: Position } }>) => {
    const positions: Position[] = [];
    for await (const resolved of reading)
      if (resolved.event?.position) positions.push(resolved.event.position);
    return positions;
  };

  it('answers retried appends as IndexWriter.CheckCommit does', async () => {
    const stream = `idem-${randomUUID()}`;
    const [a, b, c] = [event(), event(), event()];
    const first = await client.appendToStream(stream, [a, b], { streamState: NO_STREAM });
    // Strong idempotency: the same ids right after the expected revision.
    expect(await client.appendToStream(stream, [a, b], { streamState: NO_STREAM })).toEqual(first);
    expect(await client.appendToStream(stream, [b], { streamState: 0n })).toMatchObject({
      nextExpectedRevision: 1n,
      position: first.position,
    });
    // A partial match is a conflict.
    await expect(client.appendToStream(stream, [a, c], { streamState: NO_STREAM })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    // Weak idempotency (`any`): known ids are not written again, unless the first one is new.
    expect(await client.appendToStream(stream, [a, b], { streamState: ANY })).toEqual(first);
    await expect(client.appendToStream(stream, [a, c], { streamState: ANY })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    const written = await client.appendToStream(stream, [c, a], { streamState: ANY });
    expect(written.nextExpectedRevision).toBe(3n);
    const error = await client
      .appendToStream(stream, [event()], { streamState: 1n })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ expectedState: 1n, actualState: 3n });
  });

  it('reads streams and $all forwards inclusive and backwards exclusive of the start', async () => {
    const stream = `read-${randomUUID()}`;
    await client.appendToStream(stream, [event(), event(), event(), event(), event()], {
      streamState: NO_STREAM,
    });
    const revisions = async (options: Parameters<KurrentDBClient['readStream']>[1]) => {
      const found: bigint[] = [];
      for await (const resolved of client.readStream(stream, options))
        if (resolved.event) found.push(resolved.event.revision);
      return found;
    };
    expect(await revisions({ fromRevision: 2n, direction: FORWARDS })).toEqual([2n, 3n, 4n]);
    expect(await revisions({ fromRevision: END, direction: BACKWARDS, maxCount: 2 })).toEqual([4n, 3n]);
    expect(await revisions({ fromRevision: 1n, direction: BACKWARDS })).toEqual([1n, 0n]);
    const positions = await positionsOf(client.readStream(stream));
    const third = positions[2] as Position;
    const forwards = await positionsOf(client.readAll({ fromPosition: third, maxCount: 2 }));
    expect(forwards).toEqual(positions.slice(2, 4));
    const backwards = await positionsOf(
      client.readAll({ fromPosition: third, direction: BACKWARDS, maxCount: 5 }),
    );
    expect(backwards.slice(0, 2)).toEqual([positions[1], positions[0]]);
    await expect(positionsOf(client.readStream(`missing-${randomUUID()}`))).rejects.toBeInstanceOf(
      StreamNotFoundError,
    );
  });

  it('checkpoints a filtered subscription every 32 scanned events and where it catches up', async () => {
    const other = `other-${randomUUID()}`;
    const wanted = `wanted-${randomUUID()}`;
    const before = await positionsOf(
      client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }),
    );
    const others = Array.from({ length: 70 }, () => event());
    await client.appendToStream(other, others, { streamState: NO_STREAM });
    const match = await client.appendToStream(wanted, [event()], { streamState: NO_STREAM });
    const scanned = await positionsOf(client.readAll({ fromPosition: before[0] ?? START, maxCount: 200 }));
    const fromFirst = before.length === 0 ? scanned : scanned.slice(1);

    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: before[0] ?? START,
      filter: streamNameFilter({
        prefixes: [wanted],
        checkpointReached: (_s, position) => void checkpoints.push(position),
      }),
    });
    const caughtUp = new Promise<{ position?: Position }>((resolve) =>
      subscription.once('caughtUp', resolve),
    );
    const delivered: string[] = [];
    subscription.on('data', (resolved: { event?: { streamId: string } }) =>
      delivered.push(resolved.event?.streamId ?? ''),
    );
    const { position } = await caughtUp;
    await subscription.unsubscribe();

    expect(delivered).toEqual([wanted]);
    expect(checkpoints).toEqual([fromFirst[31], fromFirst[63], match.position]);
    expect(position).toEqual(match.position);
  });

  it('pushes live events to a subscription from the end', async () => {
    const stream = `live-${randomUUID()}`;
    const subscription = client.subscribeToAll({ fromPosition: END });
    await new Promise((resolve) => subscription.once('caughtUp', resolve));
    const received = new Promise<string>((resolve) =>
      subscription.on('data', (resolved: { event?: { streamId: string } }) =>
        resolve(resolved.event?.streamId ?? ''),
      ),
    );
    await client.appendToStream(stream, [event()], { streamState: NO_STREAM });
    expect(await received).toBe(stream);
    await subscription.unsubscribe();
  });
});
