import { setTimeout as sleep } from 'node:timers/promises';
import { parseDomainEvent, StreamCategory, type TelegramLocation } from '@teleplay/contracts';
import { type EventStore, type Position, type RecordedEvent, START } from '@teleplay/eventstore';
import type { Kysely } from 'kysely';
import type { BotClock, BotLog } from './bot.context.ts';
import type { BotTables } from './bot.migrations.ts';
import { type BotTransport, TelegramApiError } from './bot.transport.ts';

// Deleting a file or folder for good records FileDeleted / FolderDeleted; the messages that hold the
// bytes in the storage channel are deleted after that, here. A reactor on the event store rather than a
// step after the bot's command: deletions from the web app are covered too, and a deletion recorded
// while Telegram was unreachable (or this process was down) is carried out later, from the checkpoint.
// Deleting a message twice does no harm, so redoing the work after a crash is fine.

export interface StorageCleanupOptions {
  store: EventStore;
  db: Kysely<BotTables>;
  storage: Pick<BotTransport, 'deleteStorageMessages'>;
  /** Only messages of this channel are deleted: the one the storage calls reach. */
  storageChannelId: string;
  clock: BotClock;
  log: BotLog;
  /** Backoff between attempts at a failing deletion: doubles from `initialMs` up to `maxMs`. */
  retry?: { initialMs: number; maxMs: number };
  /** How often progress past events of other types is saved. */
  checkpointEveryMs?: number;
}

export interface StorageCleanup {
  stop(): Promise<void>;
}

const CHECKPOINT_NAME = 'storage_cleanup';
/** Telegram's limit of message ids per channels.deleteMessages. */
const DELETE_BATCH = 100;

export function startStorageCleanup(options: StorageCleanupOptions): StorageCleanup {
  const { store, db, storage, storageChannelId, clock, log } = options;
  const retry = options.retry ?? { initialMs: 1000, maxMs: 60_000 };
  const checkpointEveryMs = options.checkpointEveryMs ?? 5000;
  const stopping = new AbortController();
  let closeSubscription: (() => Promise<void>) | null = null;

  async function readCheckpoint(): Promise<Position> {
    const row = await db
      .selectFrom('bot_checkpoints')
      .select('position')
      .where('name', '=', CHECKPOINT_NAME)
      .executeTakeFirst();
    return (row?.position as Position | undefined) ?? START;
  }

  async function saveCheckpoint(position: Position): Promise<void> {
    await db
      .insertInto('bot_checkpoints')
      .values({ name: CHECKPOINT_NAME, position, updated_at: clock.now() })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet((update) => ({
            position: update.ref('excluded.position'),
            updated_at: update.ref('excluded.updated_at'),
          }))
          .where('bot_checkpoints.position', '<', position),
      )
      .execute();
  }

  /** Calls `attempt` until it succeeds, Telegram refuses for good, or the reactor stops. */
  async function persistently(attempt: () => Promise<void>, details: object): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        await attempt();
        return;
      } catch (error) {
        // 400s (MESSAGE_ID_INVALID, CHANNEL_INVALID...) will not get better by trying again.
        if (error instanceof TelegramApiError && error.code === 400) {
          log.error({ ...details, err: error }, 'Telegram refused to delete storage messages; leaving them');
          return;
        }
        const backoff = Math.min(retry.maxMs, retry.initialMs * 2 ** Math.min(failures, 20));
        const delay =
          error instanceof TelegramApiError && error.waitSeconds !== undefined
            ? error.waitSeconds * 1000
            : backoff;
        log.warn(
          { ...details, err: error, retryInMs: delay },
          'could not delete storage messages yet; retrying',
        );
        await sleep(delay, undefined, { signal: stopping.signal });
      }
    }
  }

  async function purge(event: RecordedEvent): Promise<void> {
    let locations: readonly TelegramLocation[];
    try {
      const parsed = parseDomainEvent(event);
      locations =
        parsed.type === 'FileDeleted'
          ? [parsed.data.telegram]
          : parsed.type === 'FolderDeleted'
            ? parsed.data.files.map((file) => file.telegram)
            : [];
    } catch (error) {
      log.error({ err: error, eventId: event.id, type: event.type }, 'unreadable deletion event; skipped');
      return;
    }
    const elsewhere = locations.filter((location) => location.channelId !== storageChannelId);
    if (elsewhere.length > 0) {
      log.warn(
        { eventId: event.id, locations: elsewhere },
        'these messages are not in the storage channel; left alone',
      );
    }
    const messageIds = locations
      .filter((location) => location.channelId === storageChannelId)
      .map((location) => location.messageId);
    for (let start = 0; start < messageIds.length; start += DELETE_BATCH) {
      const batch = messageIds.slice(start, start + DELETE_BATCH);
      await persistently(() => storage.deleteStorageMessages(batch), {
        eventId: event.id,
        messageIds: batch,
      });
    }
  }

  async function follow(): Promise<void> {
    let saved = await readCheckpoint();
    let savedAt = clock.now().getTime();
    const subscription = store.subscribeAll({
      from: saved,
      filter: {
        streamNamePrefixes: [`${StreamCategory.library}-`],
        eventTypePrefixes: ['FileDeleted', 'FolderDeleted'],
      },
    });
    closeSubscription = () => subscription.close();
    try {
      for await (const message of subscription) {
        if (stopping.signal.aborted) break;
        const position = message.kind === 'event' ? message.event.position : message.position;
        if (message.kind === 'event') await purge(message.event);
        const due = message.kind === 'event' || clock.now().getTime() - savedAt >= checkpointEveryMs;
        if (due && position > saved) {
          await saveCheckpoint(position);
          saved = position;
          savedAt = clock.now().getTime();
        }
      }
    } finally {
      closeSubscription = null;
      await subscription.close();
    }
  }

  const running = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await follow();
      } catch (error) {
        if (stopping.signal.aborted) break;
        log.error({ err: error }, 'storage cleanup failed; restarting');
        await sleep(retry.initialMs, undefined, { signal: stopping.signal }).catch(() => {});
      }
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await closeSubscription?.();
      await running;
    },
  };
}
