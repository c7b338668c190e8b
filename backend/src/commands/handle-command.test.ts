import { type FolderId, libraryStream } from '@teleplay/contracts';
import {
  createInMemoryEventStore,
  type EventStore,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '@teleplay/eventstore';
import { describe, expect, it } from 'vitest';
import { type LibraryCommand, libraryDecider } from '../modules/library/library.decide.ts';
import { createAggregateCache } from './aggregate-cache.ts';
import { commandEventId } from './event-id.ts';
import { type CommandMetadata, handleCommand } from './handle-command.ts';

const USER = '4242';
const STREAM = libraryStream(USER);
const FILMS = '00000000-0000-4000-8000-0000000000a1';
const SERIES = '00000000-0000-4000-8000-0000000000a2';
const metadata: CommandMetadata = {
  actorId: USER,
  deviceId: 'web-1',
  source: 'web',
  occurredAt: '2026-03-01T12:00:00.000Z',
  correlationId: 'request-1',
};

const createFolder = (folderId: FolderId, name: string): LibraryCommand => ({
  type: 'CreateFolder',
  data: { folderId, parentId: null, name },
});

/** A handler as one backend process runs it: its own aggregate cache over the shared store. */
function processOf(store: EventStore, cache = createAggregateCache()) {
  return (commandId: string, command: LibraryCommand, maxAttempts?: number) =>
    handleCommand({
      store,
      cache,
      streamName: STREAM,
      decider: libraryDecider,
      command,
      commandId,
      metadata,
      maxAttempts,
    });
}

/** The store, with a hook that runs before each append: another writer getting there first. */
function withIntruder(store: EventStore, intrude: (attempt: number) => Promise<void>): EventStore {
  let attempts = 0;
  return {
    ...store,
    append: async (...args) => {
      await intrude(++attempts);
      return store.append(...args);
    },
  };
}

describe('handleCommand', () => {
  it('appends the events with ids derived from the command and the metadata of the command', async () => {
    const store = createInMemoryEventStore();
    const result = await processOf(store)('command-1', createFolder(FILMS, ' Films '));

    const [recorded] = await store.readStream(STREAM);
    expect(recorded).toMatchObject({
      id: commandEventId(STREAM, 'command-1', 0),
      type: 'FolderCreated',
      data: { folderId: FILMS, parentId: null, name: 'Films' },
      metadata: { ...metadata, causationId: 'command-1' },
      revision: 0,
    });
    expect(result).toEqual({
      status: 'accepted',
      events: [{ type: 'FolderCreated', data: { folderId: FILMS, parentId: null, name: 'Films' } }],
      nextExpectedRevision: 0,
      position: recorded?.position,
    });
  });

  it('correlates with the command itself when the caller gives no correlation id', async () => {
    const store = createInMemoryEventStore();
    await handleCommand({
      store,
      cache: createAggregateCache(),
      streamName: STREAM,
      decider: libraryDecider,
      command: createFolder(FILMS, 'Films'),
      commandId: 'command-1',
      metadata: { ...metadata, correlationId: undefined },
    });
    const [recorded] = await store.readStream(STREAM);
    expect(recorded?.metadata).toMatchObject({ correlationId: 'command-1', causationId: 'command-1' });
  });

  it('answers a refusal and writes nothing', async () => {
    const store = createInMemoryEventStore();
    const result = await processOf(store)('command-1', createFolder(FILMS, 'a/b'));
    expect(result).toEqual({
      status: 'refused',
      refusal: { code: 'invalid_name', kind: 'invalid', message: 'a name must not contain "/"' },
    });
    expect(await store.readStream(STREAM)).toEqual([]);
  });

  it('answers a no-op with the current revision and nothing to wait for', async () => {
    const store = createInMemoryEventStore();
    const handle = processOf(store);
    await handle('command-1', createFolder(FILMS, 'Films'));
    const result = await handle('command-2', {
      type: 'RenameFolder',
      data: { folderId: FILMS, name: 'Films' },
    });
    expect(result).toEqual({ status: 'accepted', events: [], nextExpectedRevision: 0, position: null });
    expect(await store.readStream(STREAM)).toHaveLength(1);
  });

  describe('a retried command', () => {
    it('answers its first outcome and writes nothing, though deciding again would refuse', async () => {
      const store = createInMemoryEventStore();
      const handle = processOf(store);
      const first = await handle('command-1', createFolder(FILMS, 'Films'));
      await handle('command-2', createFolder(SERIES, 'Series'));

      expect(await handle('command-1', createFolder(FILMS, 'Films'))).toEqual(first);
      expect(await store.readStream(STREAM)).toHaveLength(2);
    });

    it('is decided again once older than the outcomes the cache keeps', async () => {
      const store = createInMemoryEventStore();
      const handle = processOf(store, createAggregateCache({ recentCommandsPerStream: 1 }));
      await handle('command-1', createFolder(FILMS, 'Films'));
      await handle('command-2', createFolder(SERIES, 'Series'));

      expect(await handle('command-1', createFolder(FILMS, 'Films'))).toMatchObject({
        status: 'refused',
        refusal: { code: 'folder_already_exists' },
      });
    });

    it('is recognised by another process, from the stored events', async () => {
      const store = createInMemoryEventStore();
      const first = await processOf(store)('command-1', createFolder(FILMS, 'Films'));

      expect(await processOf(store)('command-1', createFolder(FILMS, 'Films'))).toEqual(first);
      expect(await store.readStream(STREAM)).toHaveLength(1);
    });

    it('that raced its first attempt in another process writes nothing twice', async () => {
      // Both processes decide on the empty stream; the second append carries the same event ids
      // at the same expected revision, which the store answers with the first append's result.
      const store = createInMemoryEventStore();
      const first = processOf(store);
      const racing = withIntruder(store, async (attempt) => {
        if (attempt === 1) await first('command-1', createFolder(FILMS, 'Films'));
      });
      const result = await processOf(racing)('command-1', createFolder(FILMS, 'Films'));

      const stored = await store.readStream(STREAM);
      expect(stored).toHaveLength(1);
      expect(result).toEqual({
        status: 'accepted',
        events: [{ type: 'FolderCreated', data: { folderId: FILMS, parentId: null, name: 'Films' } }],
        nextExpectedRevision: 0,
        position: stored[0]?.position,
      });
    });
  });

  describe('on a concurrency conflict', () => {
    it('decides again on the newer state and appends after the other writer', async () => {
      const store = createInMemoryEventStore();
      const other = processOf(store);
      const racing = withIntruder(store, async (attempt) => {
        if (attempt === 1) await other('other-1', createFolder(SERIES, 'Series'));
      });
      const result = await processOf(racing)('command-1', createFolder(FILMS, 'Films'));

      expect(result).toMatchObject({ status: 'accepted', nextExpectedRevision: 1 });
      expect((await store.readStream(STREAM)).map((event) => event.data)).toEqual([
        { folderId: SERIES, parentId: null, name: 'Series' },
        { folderId: FILMS, parentId: null, name: 'Films' },
      ]);
    });

    it('refuses when the newer state forbids the command', async () => {
      const store = createInMemoryEventStore();
      const other = processOf(store);
      const racing = withIntruder(store, async (attempt) => {
        if (attempt === 1) await other('other-1', createFolder(SERIES, 'films'));
      });
      const result = await processOf(racing)('command-1', createFolder(FILMS, 'Films'));

      expect(result).toEqual({
        status: 'refused',
        refusal: {
          code: 'name_taken',
          kind: 'conflict',
          message: 'a folder named "Films" already exists in that folder',
        },
      });
      expect(await store.readStream(STREAM)).toHaveLength(1);
    });

    it('gives up after the allowed number of attempts', async () => {
      const store = createInMemoryEventStore();
      const other = processOf(store);
      const racing = withIntruder(store, async (attempt) => {
        await other(`other-${attempt}`, {
          type: 'RenameFolder',
          data: { folderId: SERIES, name: `Series ${attempt}` },
        });
      });
      await other('other-0', createFolder(SERIES, 'Series'));

      await expect(processOf(racing)('command-1', createFolder(FILMS, 'Films'), 3)).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      const stored = await store.readStream(STREAM);
      expect(stored.map((event) => event.type)).toEqual(['FolderCreated', ...Array(3).fill('FolderRenamed')]);
    });
  });

  it('catches up by reading only the events appended since it last looked', async () => {
    const store = createInMemoryEventStore();
    const reads: RecordedEvent[][] = [];
    const observed: EventStore = {
      ...store,
      readStream: async (...args) => {
        const events = await store.readStream(...args);
        reads.push(events);
        return events;
      },
    };
    const handle = processOf(observed);
    await handle('command-1', createFolder(FILMS, 'Films'));
    await processOf(store)('other-1', createFolder(SERIES, 'Series'));
    reads.length = 0;

    const result = await handle('command-2', {
      type: 'RenameFolder',
      data: { folderId: SERIES, name: 'Shows' },
    });

    expect(result).toMatchObject({ status: 'accepted', nextExpectedRevision: 2 });
    expect(reads.flat().map((event) => event.revision)).toEqual([1]);
  });

  it('runs the commands of one process on one stream one after another, without conflicts', async () => {
    const store = createInMemoryEventStore();
    const handle = processOf(store);
    const ids = Array.from(
      { length: 20 },
      (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    );

    const results = await Promise.all(
      ids.map((id, n) => handle(`command-${n}`, createFolder(id, `Folder ${n}`), 1)),
    );

    expect(results.every((result) => result.status === 'accepted')).toBe(true);
    expect(await store.readStream(STREAM)).toHaveLength(20);
  });

  it('loads an evicted stream again from the store', async () => {
    const store = createInMemoryEventStore();
    const cache = createAggregateCache({ maxStreams: 1 });
    const handle = processOf(store, cache);
    await handle('command-1', createFolder(FILMS, 'Films'));
    await handleCommand({
      store,
      cache,
      streamName: libraryStream('777'),
      decider: libraryDecider,
      command: createFolder(FILMS, 'Films'),
      commandId: 'command-2',
      metadata: { ...metadata, actorId: '777' },
    });

    expect(await handle('command-3', createFolder(SERIES, 'films'))).toMatchObject({
      status: 'refused',
      refusal: { code: 'name_taken' },
    });
  });

  it('reads long streams page by page', async () => {
    const store = createInMemoryEventStore();
    const cache = createAggregateCache({ readPageSize: 2 });
    const writer = processOf(store);
    for (let n = 0; n < 5; n++) {
      await writer(`command-${n}`, createFolder(`00000000-0000-4000-8000-00000000000${n}`, `Folder ${n}`));
    }

    const result = await processOf(store, cache)('command-5', createFolder(FILMS, 'folder 4'));
    expect(result).toMatchObject({ status: 'refused', refusal: { code: 'name_taken' } });
    expect(await processOf(store, cache)('command-0', createFolder(FILMS, 'Films'))).toMatchObject({
      status: 'accepted',
      nextExpectedRevision: 0,
    });
  });
});
