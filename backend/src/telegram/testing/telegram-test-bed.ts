import { createPool } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import { type Sandbox, type SandboxOptions, startSandbox } from '@teleplay/sandbox';
import type pg from 'pg';
import { sandboxTelegramSettings } from '../telegram.config.ts';
import type { BotUpdate, IncomingMessage, TelegramGateway } from '../telegram.gateway.ts';
import {
  createPostgresSessionStore,
  migrateTelegram,
  type TelegramSessionStore,
} from '../telegram-session.store.ts';
import { createTelegramGateway, type TelegramGatewayOptions } from '../teleproto.gateway.ts';

/** Every update a gateway delivered, and a way to wait for the next ones. */
export class UpdateRecorder {
  readonly updates: BotUpdate[] = [];
  /** Runs inside the handler, as the bot would (to answer a callback query, say). */
  react: (update: BotUpdate) => Promise<void> = async () => {};
  readonly #waiters = new Set<() => void>();

  readonly handler = async (update: BotUpdate): Promise<void> => {
    this.updates.push(update);
    await this.react(update);
    for (const wake of this.#waiters) wake();
  };

  messages(chatId?: string): IncomingMessage[] {
    return this.updates.flatMap((update) =>
      update.type === 'message' && (chatId === undefined || update.message.chatId === chatId)
        ? [update.message]
        : [],
    );
  }

  /** The first delivered update that matches, waiting up to `timeoutMs` for it. */
  async next<T>(pick: (update: BotUpdate) => T | undefined, timeoutMs = 10_000): Promise<T> {
    const find = () => this.updates.map(pick).find((value) => value !== undefined);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching update within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.#waiters.add(wake);
      });
    }
  }

  /** The message with this text from this chat, once delivered. */
  message(chatId: string, text: string, timeoutMs?: number): Promise<IncomingMessage> {
    return this.next(
      (update) =>
        update.type === 'message' && update.message.chatId === chatId && update.message.text === text
          ? update.message
          : undefined,
      timeoutMs,
    );
  }
}

/** An embedded sandbox DC and a fresh database with the session table, shared by one test file. */
export interface TelegramTestBed {
  readonly sandbox: Sandbox;
  readonly pool: pg.Pool;
  readonly sessions: TelegramSessionStore;
  /** A started gateway on the sandbox's bots, stopped by {@link close} if the test does not. */
  startGateway(
    recorder?: UpdateRecorder,
    options?: Partial<TelegramGatewayOptions>,
  ): Promise<{ gateway: TelegramGateway; recorder: UpdateRecorder }>;
  close(): Promise<void>;
}

export async function startTelegramTestBed(sandboxOptions: SandboxOptions = {}): Promise<TelegramTestBed> {
  const database = await createTestDatabase('telegram');
  const pool = createPool(database.url, { max: 5 });
  await migrateTelegram(pool);
  const sandbox = await startSandbox({ seed: 'telegram-gateway-tests', ...sandboxOptions });
  const sessions = createPostgresSessionStore(pool);
  const gateways = new Set<TelegramGateway>();
  return {
    sandbox,
    pool,
    sessions,
    async startGateway(recorder = new UpdateRecorder(), options = {}) {
      const gateway = createTelegramGateway({
        ...sandboxTelegramSettings(sandbox.state()),
        sessions,
        connectionRetries: 2,
        startTimeoutMs: 15_000,
        ...options,
      });
      gateways.add(gateway);
      await gateway.start(recorder.handler);
      return { gateway, recorder };
    },
    async close() {
      // Clients first, while the DCs still answer: a client connecting to a closed port retries.
      await Promise.all([...gateways].map((gateway) => gateway.stop()));
      await sandbox.close();
      await pool.end();
      await database.drop();
    },
  };
}
