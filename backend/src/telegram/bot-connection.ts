import {
  customDcClientParams,
  customDcSession,
  type DcConnectionInfo,
  destroyClient,
} from '@teleplay/sandbox/client';
import type { Logger as PinoLogger } from 'pino';
import { Logger, sessions, TelegramClient } from 'teleproto';
import { LogLevel } from 'teleproto/extensions/Logger.js';
import { KeepAlive } from './keep-alive.ts';
import { MediaConnections } from './media-connections.ts';
import { framedTransportParams } from './mtproto-transport.ts';
import { type BotProfile, TelegramGatewayError } from './telegram.gateway.ts';
import {
  type BotSessionKey,
  sessionKeyOf,
  type TelegramSessionStore,
  type UpdateState,
} from './telegram-session.store.ts';

export interface BotConnectionOptions {
  botToken: string;
  apiId: number;
  apiHash: string;
  sessions: TelegramSessionStore;
  /** What the saved auth keys belong to besides the token (the sandbox instance); none for Telegram. */
  sessionScope?: string | undefined;
  /** Sandbox only: DC addresses and RSA key of a non-Telegram DC set. */
  customDcs?: DcConnectionInfo | undefined;
  mediaConnectionsPerDc: number;
  mediaIdleCloseMs: number;
  /** Attempts per connect; reconnects keep trying. */
  connectionRetries: number;
  /** A login that takes longer fails (a saved key the DC forgot makes teleproto wait forever). */
  startTimeoutMs: number;
  log: PinoLogger;
  /** Called with the client before it connects, to register update handlers that must see everything. */
  beforeConnect?: (client: TelegramClient) => void;
}

/**
 * teleproto's log, quietly: its warnings are routine (every disconnect warns), its errors are ours to judge.
 * Level NONE also keeps teleproto from printing caught errors to the console.
 */
class QuietTeleprotoLogger extends Logger {
  readonly #log: PinoLogger;

  constructor(log: PinoLogger) {
    super(LogLevel.NONE);
    this.#log = log;
  }

  override warn(message: string): void {
    this.#log.debug({ teleproto: message }, 'teleproto warning');
  }

  override error(message: string): void {
    this.#log.warn({ teleproto: message }, 'teleproto error');
  }
}

/**
 * One bot logged in over teleproto: its client (a StringSession saved in the session store, so the auth
 * key survives restarts) and its download connections.
 */
export class BotConnection {
  readonly client: TelegramClient;
  readonly profile: BotProfile;
  readonly sessionKey: BotSessionKey;
  readonly media: MediaConnections;
  /** The main bot's saved update state, from before this start. */
  readonly savedUpdateState: UpdateState | undefined;
  readonly #keepAlive: KeepAlive;
  #closed = false;

  private constructor(parts: {
    client: TelegramClient;
    profile: BotProfile;
    sessionKey: BotSessionKey;
    media: MediaConnections;
    savedUpdateState: UpdateState | undefined;
    keepAlive: KeepAlive;
  }) {
    this.client = parts.client;
    this.profile = parts.profile;
    this.sessionKey = parts.sessionKey;
    this.media = parts.media;
    this.savedUpdateState = parts.savedUpdateState;
    this.#keepAlive = parts.keepAlive;
  }

  /** Logs the bot in, with its saved auth key when there is one (falling back to a new key once). */
  static async open(options: BotConnectionOptions): Promise<BotConnection> {
    const sessionKey = sessionKeyOf(options.botToken, options.sessionScope);
    const saved = await options.sessions.load(sessionKey);
    let client: TelegramClient;
    try {
      client = await login(options, saved?.session);
    } catch (error) {
      if (!saved) throw error;
      options.log.warn(
        { err: error },
        'the saved Telegram session did not work; logging in with a new auth key',
      );
      client = await login(options, undefined);
    }
    try {
      const me = await client.getMe();
      const profile = { id: me.id.toString(), username: me.username ?? '', firstName: me.firstName ?? '' };
      await options.sessions.saveSession(
        sessionKey,
        profile.id,
        (client.session as sessions.StringSession).save(),
      );
      const dcKeys = new Map(saved?.dcKeys);
      const media = new MediaConnections({
        client,
        connectionsPerDc: options.mediaConnectionsPerDc,
        idleCloseMs: options.mediaIdleCloseMs,
        keys: {
          load: (dcId) => dcKeys.get(dcId),
          save: async (dcId, authKey) => {
            if (authKey) dcKeys.set(dcId, authKey);
            else dcKeys.delete(dcId);
            await options.sessions.saveDcKey(sessionKey, dcId, authKey);
          },
        },
        reportError: (error, context) => options.log.warn({ err: error }, context),
      });
      const keepAlive = new KeepAlive(client, {
        onReconnect: (reason) => options.log.warn({ err: reason }, 'a ping went unanswered; reconnecting'),
      });
      keepAlive.start();
      return new BotConnection({
        client,
        profile,
        sessionKey,
        media,
        savedUpdateState: saved?.updateState,
        keepAlive,
      });
    } catch (error) {
      await destroyClient(client);
      throw error;
    }
  }

  /** Closes the download connections and the client, with the timers teleproto leaves behind. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#keepAlive.stop();
    await this.media.close();
    await destroyClient(this.client);
  }
}

async function login(
  options: BotConnectionOptions,
  savedSession: string | undefined,
): Promise<TelegramClient> {
  const { customDcs } = options;
  const session = customDcs
    ? customDcSession(customDcs, savedSession)
    : new sessions.StringSession(savedSession ?? '');
  const client = new TelegramClient(session, options.apiId, options.apiHash, {
    ...framedTransportParams(customDcs ? customDcClientParams(customDcs).connection : undefined),
    baseLogger: new QuietTeleprotoLogger(options.log),
    connectionRetries: options.connectionRetries,
    // FLOOD_WAIT must reach the gateway: the stream engine moves the part to another bot at once.
    floodSleepThreshold: 0,
    autoReconnect: true,
  });
  client.onError = async (error) => options.log.warn({ err: error }, 'teleproto reported an error');
  // KeepAlive does the update loop's pinging, without its timers that outlive the client.
  (client as unknown as { _loopStarted: boolean })._loopStarted = true;
  options.beforeConnect?.(client);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new TelegramGatewayError(`the bot did not log in within ${options.startTimeoutMs} ms`)),
      options.startTimeoutMs,
    );
  });
  try {
    await Promise.race([client.start({ botAuthToken: options.botToken }), timedOut]);
    return client;
  } catch (error) {
    await destroyClient(client);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
