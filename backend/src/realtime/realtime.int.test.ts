import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  RealtimeChangeMessage as ChangeMessageSchema,
  type FileDto,
  type FolderDto,
  libraryStream,
  type RealtimeChangeMessage,
  RealtimeCloseCode,
  type RealtimeServerMessage,
  RealtimeServerMessage as ServerMessageSchema,
} from '@teleplay/contracts';
import { createPostgresEventStore, migratePostgresEventStore, type Position } from '@teleplay/eventstore';
import { createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import { migrateProjections, type Projection, startProjector } from '@teleplay/projections';
import Fastify from 'fastify';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createChangeFeed } from './change-feed.ts';
import { createChangeLoader } from './change-loader.ts';
import { migrateRealtime } from './realtime.migrations.ts';
import { realtimeRoutes } from './realtime.routes.ts';
import { createRealtimeHub, type RealtimeHub, type RealtimeHubOptions } from './realtime-hub.ts';
import { commitLiveChanges, type LiveChangeRow, uuid } from './testing/live-changes.ts';

// Users get fresh ids per test so changes of one test never reach another's clients.
let lastUser = 1000;
const newUser = () => {
  lastUser += 1;
  return String(lastUser);
};
const tokenOf = (userId: string, deviceId = 'phone') => `token:${userId}:${deviceId}`;

/** Fake read models: every file exists, named after its id; a user's files can be made huge. */
const hugeNames = new Map<string, string>();
const signedOut = new Set<string>();
const loadChange = createChangeLoader({
  file: async (userId, fileId) => fileDto(fileId, hugeNames.get(userId) ?? `file ${fileId}`),
  folder: async (_userId, folderId) => folderDto(folderId),
  progress: async () => null,
  device: async (_userId, deviceId) => ({
    id: deviceId,
    name: `device ${deviceId}`,
    kind: 'mobile',
    signedInAt: '2025-01-01T00:00:00.000Z',
    signedOutAt: signedOut.has(deviceId) ? '2025-01-02T00:00:00.000Z' : null,
    signOutReason: signedOut.has(deviceId) ? 'revoked' : null,
  }),
  share: async () => null,
});

function fileDto(id: string, name: string): FileDto {
  return {
    id,
    folderId: null,
    name,
    size: 1000,
    mimeType: 'video/mp4',
    kind: 'video',
    durationSeconds: 60,
    width: 1920,
    height: 1080,
    thumbnail: null,
    telegram: { channelId: '-100123', messageId: 7, documentId: '42', dcId: 2 },
    origin: { chatId: '555', messageId: 9 },
    uploadedFrom: 'bot',
    trashed: false,
    trashedAt: null,
    trashedWith: null,
    uploadedAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

function folderDto(id: string): FolderDto {
  return {
    id,
    parentId: null,
    name: `folder ${id}`,
    trashed: false,
    trashedAt: null,
    trashedWith: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    folderCount: 0,
    fileCount: 0,
    size: 0,
    totalFolderCount: 0,
    totalFileCount: 0,
    totalSize: 0,
  };
}

/** `token:{userId}:{deviceId}[:{ms until it expires}]` */
async function authenticate(accessToken: string) {
  const [scheme, userId, deviceId, expiresInMs] = accessToken.split(':');
  if (scheme !== 'token' || !userId || !deviceId) return null;
  return expiresInMs
    ? { userId, deviceId, expiresAt: new Date(Date.now() + Number(expiresInMs)) }
    : { userId, deviceId };
}

/** A WebSocket client that checks every message against the contract and lets a test wait for them. */
class TestClient {
  readonly socket: WebSocket;
  readonly messages: RealtimeServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(url: string, options: { autoPong?: boolean } = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => {
      this.messages.push(ServerMessageSchema.parse(JSON.parse(String(data))));
      for (const waiter of this.waiters.splice(0)) waiter();
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const waiter of this.waiters.splice(0)) waiter();
      });
    });
    this.socket.on('error', () => {});
  }

  async opened(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) return;
    await new Promise((resolve, reject) => {
      this.socket.once('open', resolve);
      this.socket.once('error', reject);
    });
  }

  async send(message: unknown): Promise<void> {
    await this.opened();
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Connects as `userId` and waits for `Welcome`. */
  async hello(userId: string, options: { resumeFrom?: Position; deviceId?: string } = {}) {
    const { resumeFrom, deviceId } = options;
    await this.send({ type: 'Hello', v: 1, accessToken: tokenOf(userId, deviceId), resumeFrom });
    return this.waitFor((message) => message.type === 'Welcome');
  }

  changes(): RealtimeChangeMessage[] {
    return this.messages.filter(
      (message): message is RealtimeChangeMessage => ChangeMessageSchema.safeParse(message).success,
    );
  }

  async waitFor<M extends RealtimeServerMessage>(
    predicate: (message: RealtimeServerMessage) => message is M,
    timeoutMs?: number,
  ): Promise<M>;
  async waitFor(
    predicate: (message: RealtimeServerMessage) => boolean,
    timeoutMs?: number,
  ): Promise<RealtimeServerMessage>;
  async waitFor(predicate: (message: RealtimeServerMessage) => boolean, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error('the socket closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no such message within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 500)}`,
        );
      await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), sleep(left)]);
    }
  }

  /** Waits until `count` change messages arrived. */
  async waitForChanges(count: number, timeoutMs = 5000): Promise<RealtimeChangeMessage[]> {
    await this.waitFor(() => this.changes().length >= count, timeoutMs);
    return this.changes();
  }

  close(): void {
    this.socket.close();
  }
}

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** Waits until the hub has read the feed up to `position`: a client connecting now gets it replayed. */
async function caughtUp(hub: RealtimeHub, position: Position): Promise<void> {
  await eventually(() => (hub.stats().position ?? '') >= position);
}

const fileChange = (userId: string, n: number): LiveChangeRow => ({
  userId,
  kind: 'file',
  entityId: uuid(n),
});
const positionsOf = (messages: readonly { position: string }[]) =>
  messages.map((message) => message.position);

describe('realtime channel', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  const closers: (() => Promise<void>)[] = [];
  const clients: TestClient[] = [];

  /** One backend instance: its own pool, feed (LISTEN), hub and HTTP server. */
  async function startInstance(options: Partial<RealtimeHubOptions> = {}) {
    const instancePool = createPool(database.url, { max: 5 });
    const feed = createChangeFeed(instancePool);
    const hub = createRealtimeHub({ feed, loadChange, ...options });
    const app = Fastify();
    await app.register(realtimeRoutes, { hub, authenticate, helloTimeoutMs: 500, closeGraceMs: 200 });
    await hub.start();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/ws`;
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        await hub.close();
        await app.close();
        await feed.close();
        await instancePool.end();
      })();
      return closing;
    };
    closers.push(close);
    return { url, hub, pool: instancePool, close };
  }

  function connect(url: string, options: { autoPong?: boolean } = {}): TestClient {
    const client = new TestClient(url, options);
    clients.push(client);
    return client;
  }

  let shared: { url: string; hub: RealtimeHub; pool: pg.Pool };

  beforeAll(async () => {
    database = await createTestDatabase('realtime');
    pool = createPool(database.url, { max: 5 });
    await migrateProjections(pool);
    await migrateRealtime(pool);
    shared = await startInstance();
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.terminate();
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await pool.end();
    await database.drop();
  });

  it('pushes a change committed by a projector to its user within a second, woken by LISTEN', async () => {
    // Polling every 10 s: only the wake-up can deliver within a second.
    const instance = await startInstance({ pollIntervalMs: 10_000 });
    await migratePostgresEventStore(pool);
    const store = createPostgresEventStore(pool);
    const projector = startProjector({ pool, store, projection: folderProjection });
    closers.push(async () => {
      await projector.stop();
      await store.close();
    });
    const userId = newUser();
    const client = connect(instance.url);
    await client.hello(userId);
    // The projector emits live changes only once it has caught up: warm up until one arrives.
    for (let attempt = 0; client.changes().length === 0; attempt++) {
      if (attempt === 50) throw new Error('the projector never went live');
      await appendFolderCreated(store, userId, randomUUID());
      await sleep(200);
    }

    const folderId = uuid(2);
    await appendFolderCreated(store, userId, folderId);
    const message = await client.waitFor(
      (m) => m.type === 'LibraryFolderChanged' && m.folderId === folderId,
      1000,
    );
    expect(message).toMatchObject({ removed: false, folder: { id: folderId } });
  });

  it("sends a user's changes to that user's sockets only", async () => {
    const [alice, bob] = [newUser(), newUser()];
    const aliceOnPhone = connect(shared.url);
    const aliceOnTv = connect(shared.url);
    const bobClient = connect(shared.url);
    await aliceOnPhone.hello(alice);
    await aliceOnTv.hello(alice, { deviceId: 'tv' });
    await bobClient.hello(bob);

    const [aliceChange] = await commitLiveChanges(shared.pool, [fileChange(alice, 1)]);
    const [bobChange] = await commitLiveChanges(shared.pool, [fileChange(bob, 2)]);

    expect(positionsOf(await bobClient.waitForChanges(1))).toEqual([bobChange]);
    expect(positionsOf(await aliceOnPhone.waitForChanges(1))).toEqual([aliceChange]);
    expect(positionsOf(await aliceOnTv.waitForChanges(1))).toEqual([aliceChange]);
    expect(aliceOnPhone.changes()[0]).toMatchObject({
      type: 'LibraryFileChanged',
      fileId: uuid(1),
      removed: false,
      file: { name: `file ${uuid(1)}` },
    });
    // Bob's change came after Alice's: had hers been sent to Bob, it would be here by now.
    expect(bobClient.changes()).toHaveLength(1);
  });

  it('delivers a change committed through another instance (two hubs on one database)', async () => {
    const instanceB = await startInstance();
    const userId = newUser();
    const onA = connect(shared.url);
    const onB = connect(instanceB.url);
    await onA.hello(userId);
    await onB.hello(userId, { deviceId: 'tv' });

    const [position] = await commitLiveChanges(instanceB.pool, [
      { userId, kind: 'folder', entityId: uuid(3), removed: true },
    ]);

    for (const client of [onA, onB]) {
      expect(await client.waitForChanges(1)).toEqual([
        { type: 'LibraryFolderChanged', position, folderId: uuid(3), removed: true },
      ]);
    }
  });

  it('finds changes without a wake-up, by polling', async () => {
    const instance = await startInstance({ pollIntervalMs: 100 });
    const userId = newUser();
    const client = connect(instance.url);
    await client.hello(userId);
    const [position] = await commitLiveChanges(instance.pool, [fileChange(userId, 4)], { notify: false });
    expect(positionsOf(await client.waitForChanges(1))).toEqual([position]);
  });

  it('replays the changes missed while disconnected, in order and without duplicates', async () => {
    const userId = newUser();
    const first = connect(shared.url);
    await first.hello(userId);
    const [seen] = await commitLiveChanges(shared.pool, [fileChange(userId, 100)]);
    await first.waitForChanges(1);
    first.close();
    await first.closed;

    const missed: Position[] = [];
    for (let i = 0; i < 20; i++) {
      const [mine] = await commitLiveChanges(shared.pool, [fileChange(userId, i), fileChange(newUser(), i)]);
      missed.push(mine!);
    }
    await caughtUp(shared.hub, missed.at(-1)!);

    const second = connect(shared.url);
    const welcome = await second.hello(userId, { resumeFrom: seen });
    const replayed = second.changes();
    expect(positionsOf(replayed)).toEqual(missed);
    expect(replayed.map((message) => message.type === 'LibraryFileChanged' && message.fileId)).toEqual(
      Array.from({ length: 20 }, (_, i) => uuid(i)),
    );
    expect(welcome).toMatchObject({ type: 'Welcome', userId, deviceId: 'phone' });
    expect(welcome.position >= missed.at(-1)!).toBe(true);

    const [live] = await commitLiveChanges(shared.pool, [fileChange(userId, 21)]);
    expect(positionsOf(await second.waitForChanges(21))).toEqual([...missed, live]);
  });

  it('loses and repeats nothing when a client reconnects while changes keep coming', async () => {
    const userId = newUser();
    const total = 80;
    const first = connect(shared.url);
    await first.hello(userId);
    let written = 0;
    const all: Position[] = [];
    const writer = (async () => {
      for (; written < total; written++) {
        all.push(...(await commitLiveChanges(shared.pool, [fileChange(userId, written)])));
        await sleep(2);
      }
    })();
    await first.waitForChanges(15);
    first.close();
    await first.closed;
    const received = positionsOf(first.changes());

    const second = connect(shared.url);
    await second.hello(userId, { resumeFrom: received.at(-1) as Position });
    await writer;
    const rest = positionsOf(await second.waitForChanges(total - received.length));
    expect([...received, ...rest]).toEqual(all);
  });

  it('does not repeat what a client already got through a faster instance', async () => {
    // Instance B reads the feed only when woken; changes committed without a wake-up stay unread there.
    const lagging = await startInstance({ pollIntervalMs: 60_000 });
    // Once B has read a change it was woken for, its LISTEN is up and its first look is over.
    const [warmUp] = await commitLiveChanges(shared.pool, [fileChange(newUser(), 1)]);
    await caughtUp(lagging.hub, warmUp!);
    await sleep(100);
    const userId = newUser();
    const onShared = connect(shared.url);
    await onShared.hello(userId);
    const [seen] = await commitLiveChanges(shared.pool, [fileChange(userId, 1)], { notify: false });
    await onShared.waitForChanges(1);
    expect(lagging.hub.stats().position! < seen!).toBe(true);

    const onLagging = connect(lagging.url);
    const welcome = await onLagging.hello(userId, { resumeFrom: seen });
    expect(welcome.position).toBe(seen);
    const [next] = await commitLiveChanges(shared.pool, [fileChange(userId, 2)]);
    expect(positionsOf(await onLagging.waitForChanges(1))).toEqual([next]);
    await caughtUp(lagging.hub, next!);
    expect(onLagging.changes()).toHaveLength(1);
  });

  it('replays an item changed many times once, as it is now', async () => {
    const userId = newUser();
    const client = connect(shared.url);
    const { position: start } = await client.hello(userId);
    client.close();
    await client.closed;
    for (let i = 0; i < 5; i++) await commitLiveChanges(shared.pool, [fileChange(userId, 7)]);
    const [last] = await commitLiveChanges(shared.pool, [fileChange(userId, 8)]);
    await caughtUp(shared.hub, last!);

    const again = connect(shared.url);
    await again.hello(userId, { resumeFrom: start as Position });
    expect(again.changes().map((message) => message.type === 'LibraryFileChanged' && message.fileId)).toEqual(
      [uuid(7), uuid(8)],
    );
    expect(again.changes().at(-1)!.position).toBe(last);
  });

  it('asks a client to resync when its position is pruned or unknown, then goes on live', async () => {
    const userId = newUser();
    const client = connect(shared.url);
    const { position: old } = await client.hello(userId);
    client.close();
    await client.closed;
    await commitLiveChanges(shared.pool, [fileChange(userId, 1), fileChange(userId, 2)]);
    await createChangeFeed(pool).prune({ maxAgeMs: 60_000, maxRows: 0 });

    const tooOld = connect(shared.url);
    const welcome = await tooOld.hello(userId, { resumeFrom: old as Position });
    expect(tooOld.messages.map((message) => message.type)).toEqual(['ResyncRequired', 'Welcome']);
    expect(tooOld.messages[0]).toEqual({
      type: 'ResyncRequired',
      reason: 'too_old',
      position: welcome.position,
    });
    const [live] = await commitLiveChanges(shared.pool, [fileChange(userId, 3)]);
    expect(positionsOf(await tooOld.waitForChanges(1))).toEqual([live]);

    const unknown = connect(shared.url);
    await unknown.hello(userId, { resumeFrom: '99999999999999999999:00000000000000000001' as Position });
    expect(unknown.messages[0]).toMatchObject({ type: 'ResyncRequired', reason: 'unknown' });
  });

  it('drops a client that stops reading, and the others are unaffected', async () => {
    const instance = await startInstance({ maxBufferedBytes: 64 * 1024, maxQueuedMessages: 20 });
    const [slowUser, fastUser] = [newUser(), newUser()];
    hugeNames.set(slowUser, 'x'.repeat(64 * 1024));
    const slow = connect(instance.url);
    const fast = connect(instance.url);
    await slow.hello(slowUser);
    await fast.hello(fastUser);
    slow.socket.pause();

    // ~25 MB for the slow client: more than the socket buffers of both ends hold.
    for (let i = 0; i < 8; i++) {
      await commitLiveChanges(
        instance.pool,
        Array.from({ length: 50 }, (_, n) => fileChange(slowUser, i * 50 + n)),
      );
    }
    await eventually(() => instance.hub.stats().connections === 1, 10_000);

    const [position] = await commitLiveChanges(instance.pool, [fileChange(fastUser, 1)]);
    expect(positionsOf(await fast.waitForChanges(1))).toEqual([position]);
    slow.socket.resume();
    expect([RealtimeCloseCode.tooSlow, 1006]).toContain((await slow.closed).code);
  });

  it('terminates a socket that stops answering pings', async () => {
    const instance = await startInstance({ heartbeatIntervalMs: 100 });
    const deaf = connect(instance.url, { autoPong: false });
    const alive = connect(instance.url);
    await deaf.hello(newUser());
    await alive.hello(newUser());
    expect((await deaf.closed).code).toBe(1006);
    await sleep(300);
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes the sockets of a device when it is signed out, and only those', async () => {
    const userId = newUser();
    const phone = connect(shared.url);
    const tv = connect(shared.url);
    const deviceId = `phone-${randomUUID()}`;
    await phone.hello(userId, { deviceId });
    await tv.hello(userId, { deviceId: 'tv' });
    signedOut.add(deviceId);
    await commitLiveChanges(shared.pool, [{ userId, kind: 'device', entityId: deviceId }]);

    expect(await phone.closed).toMatchObject({ code: RealtimeCloseCode.unauthorized });
    expect(phone.changes()).toMatchObject([
      { type: 'DeviceChanged', deviceId, device: { signOutReason: 'revoked' } },
    ]);
    await tv.waitForChanges(1);
    expect(tv.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('answers Ping with Pong and the position the client is at', async () => {
    const userId = newUser();
    const client = connect(shared.url);
    await client.hello(userId);
    const [position] = await commitLiveChanges(shared.pool, [fileChange(userId, 1)]);
    await client.waitForChanges(1);
    await client.send({ type: 'Ping', nonce: 'n1' });
    const pong = await client.waitFor((message) => message.type === 'Pong');
    expect(pong).toMatchObject({ type: 'Pong', nonce: 'n1' });
    expect(pong.type === 'Pong' && pong.position! >= position!).toBe(true);
  });

  it('closes a socket that sends no Hello in time', async () => {
    const client = connect(shared.url);
    await client.opened();
    expect((await client.closed).code).toBe(RealtimeCloseCode.policyViolation);
  });

  it('refuses a bad token with an error and a close', async () => {
    const client = connect(shared.url);
    await client.send({ type: 'Hello', v: 1, accessToken: 'forged' });
    expect((await client.closed).code).toBe(RealtimeCloseCode.unauthorized);
    expect(client.messages).toEqual([
      { type: 'Error', code: 'unauthorized', message: 'the access token is invalid or expired' },
    ]);
  });

  it('refuses an unsupported protocol version', async () => {
    const client = connect(shared.url);
    await client.send({ type: 'Hello', v: 2, accessToken: tokenOf(newUser()) });
    expect((await client.closed).code).toBe(RealtimeCloseCode.unsupportedVersion);
    expect(client.messages).toMatchObject([{ type: 'Error', code: 'unsupported_version' }]);
  });

  it('answers invalid messages with errors, and closes after repeated ones', async () => {
    const client = connect(shared.url);
    await client.send('not json');
    await client.send({ type: 'Ping' });
    await client.send({ type: 'Hello', v: 1 });
    expect((await client.closed).code).toBe(RealtimeCloseCode.policyViolation);
    expect(client.messages.map((message) => message.type === 'Error' && message.code)).toEqual([
      'invalid_message',
      'hello_expected',
      'invalid_message',
    ]);
  });

  it('ends the connection when the access token expires', async () => {
    const client = connect(shared.url);
    await client.send({ type: 'Hello', v: 1, accessToken: `${tokenOf(newUser())}:200` });
    await client.waitFor((message) => message.type === 'Welcome');
    expect((await client.closed).code).toBe(RealtimeCloseCode.unauthorized);
  });

  it('tells clients it is going away when the server shuts down', async () => {
    const instance = await startInstance();
    const live = connect(instance.url);
    const waiting = connect(instance.url);
    await live.hello(newUser());
    await waiting.opened();
    await instance.close();
    expect((await live.closed).code).toBe(RealtimeCloseCode.goingAway);
    expect((await waiting.closed).code).toBe(RealtimeCloseCode.goingAway);
  });

  it('closes a connection on a second Hello', async () => {
    const client = connect(shared.url);
    const userId = newUser();
    await client.hello(userId);
    await client.send({ type: 'Hello', v: 1, accessToken: tokenOf(userId) });
    expect((await client.closed).code).toBe(RealtimeCloseCode.policyViolation);
  });
});

interface TestFolderTables {
  test_folders: { folder_id: string };
}

/** A tiny projection: records created folders and emits a live change for each. */
const folderProjection: Projection<TestFolderTables> = {
  name: 'realtime_test_folders',
  version: 1,
  tables: ['test_folders'],
  eventTypes: ['FolderCreated'],
  async createTables(db, schema) {
    await db.schema
      .withSchema(schema)
      .createTable('test_folders')
      .addColumn('folder_id', 'text', (column) => column.primaryKey())
      .execute();
  },
  async apply(event, { db, emit }) {
    if (event.type !== 'FolderCreated') return;
    await db
      .insertInto('test_folders')
      .values({ folder_id: event.data.folderId })
      .onConflict((conflict) => conflict.column('folder_id').doNothing())
      .execute();
    emit({ userId: event.userId, kind: 'folder', id: event.data.folderId });
  },
};

async function appendFolderCreated(
  store: ReturnType<typeof createPostgresEventStore>,
  userId: string,
  folderId: string,
): Promise<void> {
  await store.append(
    libraryStream(userId),
    [
      {
        id: randomUUID(),
        type: 'FolderCreated',
        data: { folderId, parentId: null, name: `folder ${folderId}` },
        metadata: {
          actorId: userId,
          deviceId: null,
          source: 'web',
          correlationId: randomUUID(),
          causationId: randomUUID(),
          occurredAt: new Date().toISOString(),
        },
      },
    ],
    { expectedRevision: 'any' },
  );
}
