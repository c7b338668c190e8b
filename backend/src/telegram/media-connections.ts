import { Api, errors, type TelegramClient } from 'teleproto';
import type { AuthKey } from 'teleproto/crypto/AuthKey.js';
import { MTProtoSender } from 'teleproto/network/MTProtoSender.js';
import { LAYER } from 'teleproto/tl/AllTLObjects.js';
import { untilAborted } from './abortable.ts';

/** Where a bot keeps the auth keys of its download DCs (the home DC uses the session's key). */
export interface DcKeyStore {
  load(dcId: number): Buffer | undefined;
  save(dcId: number, authKey: Buffer | undefined): Promise<void>;
}

export interface MediaConnectionsOptions {
  /** The bot's logged-in main client: its session, config, connection class and logger. */
  client: TelegramClient;
  keys: DcKeyStore;
  /** Connections per DC; requests go to the least busy one. */
  connectionsPerDc: number;
  /** A connection with nothing in flight for this long is closed. */
  idleCloseMs: number;
  reportError(error: unknown, context: string): void;
}

/** The connection carrying a request went away (closed, dropped, or its auth key was refused). */
export class MediaConnectionLostError extends Error {
  override readonly name = 'MediaConnectionLostError';
}

interface Link {
  readonly dcId: number;
  readonly sender: MTProtoSender;
  /** Resolves once connected (and authorised, for another DC); rejects if that failed. */
  readonly ready: Promise<void>;
  /** Rejects the requests still waiting on this link when it is closed (one deferred per request: a
   * race against one long-lived promise would keep every answer alive until the link closes). */
  readonly waiting: Set<(error: Error) => void>;
  lostBecause: Error | undefined;
  inFlight: number;
  idleTimer: NodeJS.Timeout | undefined;
  /** Connected once; after that, teleproto reconnects it on its own until it gives up. */
  connected: boolean;
  closed: boolean;
}

/**
 * A bot's download connections: separate MTProto sessions for upload.getFile, per DC, as Telegram asks
 * for large transfers. teleproto has its own ("exported senders"), but those keep one connection per DC,
 * re-export the authorisation on every start, retry a dead DC forever and outlive destroy(); these are
 * ours to size, persist and close. The home DC reuses the session's auth key on new sessions; another DC
 * gets its own key once (auth.exportAuthorization → importAuthorization), saved for the next start.
 */
export class MediaConnections {
  readonly #options: MediaConnectionsOptions;
  readonly #links = new Map<number, Link[]>();
  /** Authorised auth keys of other DCs (single-flight: the first connection authorises, the rest wait). */
  readonly #dcKeys = new Map<number, Promise<AuthKey>>();
  #closed = false;

  constructor(options: MediaConnectionsOptions) {
    this.#options = options;
  }

  /** Sends one request on a download connection to `dcId`; rejects promptly once `signal` aborts. */
  async invoke<R>(dcId: number, request: Api.AnyRequest, signal: AbortSignal): Promise<R> {
    signal.throwIfAborted();
    if (this.#closed) throw new MediaConnectionLostError('the bot is stopping');
    const link = this.#pick(dcId);
    link.inFlight++;
    clearTimeout(link.idleTimer);
    try {
      await untilAborted(this.#unlessLost(link, link.ready), signal);
      return (await untilAborted(
        this.#unlessLost(link, Promise.resolve(link.sender.send(request))),
        signal,
      )) as R;
    } catch (error) {
      if (error instanceof errors.RPCError && error.errorMessage === 'AUTH_KEY_UNREGISTERED')
        this.#forgetDc(dcId);
      throw error;
    } finally {
      link.inFlight--;
      if (link.inFlight === 0 && !link.closed) this.#armIdleClose(link);
    }
  }

  /** `promise`, unless the link closes first. */
  async #unlessLost<T>(link: Link, promise: Promise<T>): Promise<T> {
    if (link.lostBecause) throw link.lostBecause;
    const lost = Promise.withResolvers<never>();
    link.waiting.add(lost.reject);
    try {
      return await Promise.race([promise, lost.promise]);
    } finally {
      link.waiting.delete(lost.reject);
    }
  }

  /** Closes every connection; requests still waiting reject with {@link MediaConnectionLostError}. */
  async close(): Promise<void> {
    this.#closed = true;
    const links = [...this.#links.values()].flat();
    this.#links.clear();
    await Promise.all(links.map((link) => this.#closeLink(link)));
  }

  /** The least busy usable connection to the DC, opening another while all are busy and there is room. */
  #pick(dcId: number): Link {
    for (const link of this.#links.get(dcId) ?? []) {
      // teleproto gave up reconnecting: fail what waits on it now rather than at the caller's timeout.
      if (link.connected && !link.sender.isConnected() && !link.sender.isReconnecting)
        void this.#closeLink(link);
    }
    const links = (this.#links.get(dcId) ?? []).filter((link) => !link.closed);
    this.#links.set(dcId, links);
    const idlest = links.reduce<Link | undefined>(
      (best, link) => (!best || link.inFlight < best.inFlight ? link : best),
      undefined,
    );
    if (idlest && (idlest.inFlight === 0 || links.length >= this.#options.connectionsPerDc)) return idlest;
    const link = this.#open(dcId);
    links.push(link);
    return link;
  }

  #open(dcId: number): Link {
    const { client } = this.#options;
    const home = dcId === client.session.dcId;
    let link: Link;
    const sender = new MTProtoSender(home ? client.session.getAuthKey() : undefined, {
      logger: client._log,
      dcId,
      retries: 2,
      reconnectRetries: 5,
      delay: 1000,
      autoReconnect: true,
      connectTimeout: client._timeout,
      authKeyCallback: undefined,
      isMainSender: false,
      // The DC forgot the auth key (-404): it cannot be used again.
      onConnectionBreak: () => {
        if (!home) this.#forgetDc(dcId);
        void this.#closeLink(link);
      },
      client,
      securityChecks: false,
      _exportedSenderPromises: new Map(),
    });
    link = {
      dcId,
      sender,
      ready: this.#connect(sender, dcId, home),
      waiting: new Set(),
      lostBecause: undefined,
      inFlight: 0,
      idleTimer: undefined,
      connected: false,
      closed: false,
    };
    link.ready.then(
      () => {
        link.connected = true;
      },
      () => {},
    );
    // Seen by requests through Promise.race; these keep an unobserved failure from being reported twice.
    link.ready.catch((error: unknown) => {
      this.#options.reportError(error, `download connection to DC ${dcId} failed`);
      void this.#closeLink(link);
    });
    return link;
  }

  async #connect(sender: MTProtoSender, dcId: number, home: boolean): Promise<void> {
    if (home) return this.#connectSender(sender, dcId);
    const known = this.#dcKeys.get(dcId);
    if (known) {
      await sender.authKey.setKey(await known);
      return this.#connectSender(sender, dcId);
    }
    const authorised = this.#authorise(sender, dcId);
    this.#dcKeys.set(dcId, authorised);
    try {
      await authorised;
    } catch (error) {
      if (this.#dcKeys.get(dcId) === authorised) this.#dcKeys.delete(dcId);
      throw error;
    }
  }

  /** First connection to another DC: the saved key, or a new one that the bot's login is imported into. */
  async #authorise(sender: MTProtoSender, dcId: number): Promise<AuthKey> {
    const { client, keys } = this.#options;
    const saved = keys.load(dcId);
    if (saved) await sender.authKey.setKey(saved);
    await this.#connectSender(sender, dcId);
    if (!saved) {
      const exported = await client.invoke(new Api.auth.ExportAuthorization({ dcId }));
      const init = client._initRequest;
      await sender.send(
        new Api.InvokeWithLayer({
          layer: LAYER,
          query: new Api.InitConnection({
            apiId: init.apiId,
            deviceModel: init.deviceModel,
            systemVersion: init.systemVersion,
            appVersion: init.appVersion,
            systemLangCode: init.systemLangCode,
            langPack: init.langPack,
            langCode: init.langCode,
            query: new Api.auth.ImportAuthorization({ id: exported.id, bytes: exported.bytes }),
          }),
        }),
      );
      await keys.save(dcId, sender.authKey.getKey());
    }
    return sender.authKey;
  }

  async #connectSender(sender: MTProtoSender, dcId: number): Promise<void> {
    const { client } = this.#options;
    const dc = await client.getDC(dcId, true);
    const connection = new client._connection({
      ip: dc.ipAddress,
      port: dc.port,
      dcId,
      loggers: client._log,
      socket: client.networkSocket,
      testServers: client.testServers,
    });
    if (!(await sender.connect(connection, false))) {
      throw new MediaConnectionLostError(`could not connect to DC ${dcId}`);
    }
  }

  /** The DC refused our key for it: drop the key and its connections; the next request authorises anew. */
  #forgetDc(dcId: number): void {
    if (dcId === this.#options.client.session.dcId || !this.#dcKeys.has(dcId)) return;
    this.#dcKeys.delete(dcId);
    for (const link of this.#links.get(dcId) ?? []) void this.#closeLink(link);
    this.#options.keys
      .save(dcId, undefined)
      .catch((error: unknown) => this.#options.reportError(error, `forgetting the key of DC ${dcId} failed`));
  }

  #armIdleClose(link: Link): void {
    clearTimeout(link.idleTimer);
    link.idleTimer = setTimeout(() => void this.#closeLink(link), this.#options.idleCloseMs);
    link.idleTimer.unref();
  }

  async #closeLink(link: Link): Promise<void> {
    if (link.closed) return;
    link.closed = true;
    clearTimeout(link.idleTimer);
    link.lostBecause = new MediaConnectionLostError(`the download connection to DC ${link.dcId} closed`);
    for (const reject of link.waiting) reject(link.lostBecause);
    await link.sender.disconnect().catch(() => {});
  }
}
