import { createHash, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { DcAddress, DcConnectionInfo } from './client/custom-dc.ts';
import { Counters } from './counters/counters.ts';
import { type ArmedFault, FaultBook, type FaultToArm } from './faults/fault-book.ts';
import { type FaultInput, FaultInputSchema, type FaultResult } from './faults/fault-input.ts';
import { AuthKeyRegistry } from './mtproto/auth-keys.ts';
import type { DcServices, ProtocolObserver } from './mtproto/connection.ts';
import { DcServer } from './mtproto/dc-server.ts';
import { type ServerRsaKey, serverRsaKey } from './mtproto/rsa-key.ts';
import { SessionRegistry } from './mtproto/session.ts';
import { NetworkModel, type NetworkSettings, UNLIMITED_NETWORK } from './network/network-model.ts';
import { type FileStore, TempFileStore } from './persistence/file-store.ts';
import { SandboxDataDir } from './persistence/sandbox-data-dir.ts';
import { apiRoutes } from './rpc/api-routes.ts';
import type { SandboxCore } from './rpc/rpc-context.ts';
import { RpcRouter } from './rpc/rpc-router.ts';
import { UpdatePusher } from './rpc/update-pusher.ts';
import { UploadedParts } from './rpc/uploaded-parts.ts';
import {
  botView,
  type CallbackAnswerView,
  type CallbackPressView,
  type ChannelPostView,
  type CountersView,
  callbackAnswerView,
  channelPostView,
  channelView,
  type MessageView,
  messageView,
  type NetworkView,
  networkView,
  type StateView,
  type UserView,
  userView,
} from './sandbox-views.ts';
import { type FileBlob, GeneratedBlob, generatedBytes, MemoryBlob } from './world/file-blobs.ts';
import { IMAGE_HEADER_BYTES, type MediaFile, storeMedia } from './world/media-factory.ts';
import { resolveMimeType } from './world/media-types.ts';
import { type Account, TelegramError } from './world/model.ts';
import { userMessageContent, World } from './world/world.ts';

export interface SandboxOptions {
  /** Seed for ids, access hashes, bot tokens and the api hash: same seed, same values. */
  seed?: string;
  /** Loopback address every listener binds to. */
  host?: string;
  /** Data centres and their ports (0 or omitted: a free port). Default: DCs 1, 2 and 3. */
  dcs?: { id: number; port?: number }[];
  /** DC where accounts live and files are stored by default. Default 2. */
  homeDcId?: number;
  apiId?: number;
  apiHash?: string;
  helperBotCount?: number;
  network?: Partial<NetworkSettings>;
  /** How long a file reference stays valid. Default 2 hours. */
  fileReferenceTtlMs?: number;
  /** How long POST callbacks waits for the bot's answer. Default 10 s. */
  callbackTimeoutMs?: number;
  /** Most events per updates.getDifference answer before it is a differenceSlice. Default 100. */
  differenceSliceSize?: number;
  /**
   * Folder that keeps the world across restarts (created if missing): accounts, chats, channel
   * posts, files and their bytes, file references, update sequences, auth keys and the instance id.
   * Without it the world lives in memory and a temporary folder, and is gone on close.
   */
  dataDir?: string;
  /** Longest a change waits for its fsync in the data directory's journal. Default 100 ms. */
  dataSyncIntervalMs?: number;
  /** Parent folder of the temporary file store, without a data directory. Default: the OS temp folder. */
  tempDir?: string;
  /**
   * Called with unexpected errors inside API handlers (they are answered with INTERNAL), and with a
   * `SandboxDataError` if the data directory fails to record a change.
   */
  onInternalError?: (error: unknown) => void;
}

/** A file a user sends, or one created directly in the storage channel. */
export interface FileUpload {
  fileName: string;
  mimeType?: string | undefined;
  content:
    | { type: 'bytes'; data: Buffer }
    /** Deterministic bytes of any size, checkable with `generatedBytes(seed, offset, length)`. */
    | { type: 'generated'; size: number; seed: string }
    /** A file already written at a {@link Sandbox.storagePath}; the sandbox takes it over. */
    | { type: 'stored'; path: string; size: number };
  caption?: string | undefined;
  /** Seconds; with a video/* or audio/* type it becomes the duration attribute. */
  duration?: number | undefined;
  width?: number | undefined;
  height?: number | undefined;
  thumbnail?: Buffer | undefined;
  /** Keep a JPEG/PNG/WebP as a document instead of a photo. */
  asDocument?: boolean | undefined;
  /** DC that stores it (the home DC by default): getFile elsewhere answers FILE_MIGRATE_X. */
  dcId?: number | undefined;
}

/** A request the sandbox refuses: unknown user, bot or message, or invalid input. */
export class SandboxError extends Error {
  readonly status: 400 | 404;
  readonly code: string;

  constructor(status: 400 | 404, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const DEFAULT_SEED = 'teleplay-sandbox';

/**
 * A local Telegram: several DCs speaking MTProto 2.0 over TCP on loopback ports, a seeded world
 * (demo user, main bot, helper bots, private storage channel), and the operations the control API
 * exposes (act as a user, inject faults, read counters).
 */
export class Sandbox {
  readonly #core: SandboxCore;
  readonly #dcServers: DcServer[];
  readonly #rsaKey: ServerRsaKey;
  readonly #files: FileStore;
  readonly #dataDir: SandboxDataDir | undefined;
  readonly #instanceId: string;
  readonly #presses = new Map<number, CallbackPressView[]>();
  #closed = false;

  private constructor(parts: {
    core: SandboxCore;
    dcServers: DcServer[];
    rsaKey: ServerRsaKey;
    files: FileStore;
    dataDir: SandboxDataDir | undefined;
  }) {
    this.#core = parts.core;
    this.#dcServers = parts.dcServers;
    this.#rsaKey = parts.rsaKey;
    this.#files = parts.files;
    this.#dataDir = parts.dataDir;
    this.#instanceId = parts.dataDir?.instanceId ?? randomUUID();
  }

  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const seed = options.seed ?? DEFAULT_SEED;
    const host = options.host ?? '127.0.0.1';
    const dcSpecs = options.dcs ?? [{ id: 1 }, { id: 2 }, { id: 3 }];
    const homeDcId = options.homeDcId ?? 2;
    if (!dcSpecs.some((dc) => dc.id === homeDcId))
      throw new Error(`home DC ${homeDcId} is not among the DCs`);
    const worldOptions = {
      seed,
      homeDcId,
      helperBotCount: options.helperBotCount ?? 2,
      fileReferenceTtlMs: options.fileReferenceTtlMs ?? 2 * 60 * 60 * 1000,
      callbackTimeoutMs: options.callbackTimeoutMs ?? 10_000,
    };
    const keys = new AuthKeyRegistry();
    const dataDir =
      options.dataDir === undefined
        ? undefined
        : await SandboxDataDir.open(options.dataDir, worldOptions, {
            syncIntervalMs: options.dataSyncIntervalMs ?? 100,
            onError: options.onInternalError ?? ((error) => console.error('sandbox:', error)),
          });
    const files: FileStore = dataDir?.files ?? (await TempFileStore.create(options.tempDir ?? tmpdir()));
    const rsaKey = dataDir?.rsaKey ?? (await serverRsaKey());
    const dcServers: DcServer[] = [];
    const abandon = async () => {
      await Promise.all(dcServers.map((server) => server.close()));
      await dataDir?.close();
      await files.close();
    };
    let world: World;
    try {
      world = dataDir ? await dataDir.restore(worldOptions, keys) : new World(worldOptions);
    } catch (error) {
      await abandon();
      throw error;
    }
    const sessions = new SessionRegistry();
    const counters = new Counters();
    const dcs: DcAddress[] = [];
    const core: SandboxCore = {
      world,
      keys,
      counters,
      faults: new FaultBook(),
      network: new NetworkModel({ ...UNLIMITED_NETWORK, ...options.network }),
      dcs,
      apiId: options.apiId ?? 20000,
      apiHash: options.apiHash ?? createHash('md5').update(`api:${seed}`).digest('hex'),
      differenceSliceSize: options.differenceSliceSize ?? 100,
      uploads: new UploadedParts(),
      exportedAuthorizations: new Map(),
    };
    world.setUpdateSink(new UpdatePusher(world, sessions));
    const router = new RpcRouter(
      core,
      apiRoutes(),
      options.onInternalError ?? ((error) => console.error('sandbox: API handler failed', error)),
    );
    const observer = protocolObserver(counters);
    try {
      for (const spec of dcSpecs) {
        const services: DcServices = { dcId: spec.id, rsaKey, keys, sessions, rpc: router, observer };
        const server = await DcServer.listen(services, host, spec.port ?? 0);
        dcServers.push(server);
        dcs.push({ id: spec.id, host, port: server.port });
      }
    } catch (error) {
      await world.dispose();
      await abandon();
      throw error;
    }
    return new Sandbox({ core, dcServers, rsaKey, files, dataDir });
  }

  get world(): World {
    return this.#core.world;
  }

  /** What a separate client needs to connect: DC addresses, the RSA key, api id and hash. */
  connectionInfo(): DcConnectionInfo {
    return {
      dcs: this.#core.dcs.map((dc) => ({ ...dc })),
      homeDcId: this.world.homeDcId,
      rsaPublicKey: {
        fingerprint: this.#rsaKey.fingerprint.toString(),
        n: this.#rsaKey.modulusHex,
        e: this.#rsaKey.exponent,
      },
      apiId: this.#core.apiId,
      apiHash: this.#core.apiHash,
    };
  }

  state(): StateView {
    const { world } = this;
    return {
      instanceId: this.#instanceId,
      connection: this.connectionInfo(),
      demoUser: userView(world.demoUser),
      users: world
        .accounts()
        .filter((account) => !account.bot)
        .map(userView),
      mainBot: botView(world.mainBot),
      bots: world.bots().map(botView),
      storageChannel: channelView(world.storageChannel),
      network: networkView(this.#core.network.settings),
    };
  }

  createUser(input: { firstName?: string | undefined; username?: string | undefined } = {}): UserView {
    return userView(this.world.createUser(input));
  }

  /** The user sends text (a command too) to a bot, the main bot by default. */
  sendText(userId: number, text: string, options: { botId?: number | undefined } = {}): MessageView {
    const user = this.#user(userId);
    const bot = this.#bot(options.botId);
    const { message } = this.world.sendPrivate(user.id, bot.id, userMessageContent(text));
    return messageView(message, user.id);
  }

  /** The user sends a file to a bot: a document, or a photo for JPEG/PNG/WebP. */
  async sendFile(
    userId: number,
    upload: FileUpload,
    options: { botId?: number | undefined } = {},
  ): Promise<MessageView> {
    const user = this.#user(userId);
    const bot = this.#bot(options.botId);
    const media = storeMedia(this.world, await this.#mediaFile(upload));
    const { message } = this.world.sendPrivate(
      user.id,
      bot.id,
      userMessageContent(upload.caption ?? '', media),
    );
    return messageView(message, user.id);
  }

  /** The user's chat with a bot (the main bot by default), both directions, oldest first. */
  conversation(userId: number, options: { botId?: number | undefined } = {}): MessageView[] {
    const user = this.#user(userId);
    const bot = this.#bot(options.botId);
    return this.world.conversation(user.id, bot.id).map((message) => messageView(message, user.id));
  }

  /** The user presses an inline button; resolves when the bot answers the callback query. */
  async pressButton(
    userId: number,
    press: { messageId: number; data: string; botId?: number | undefined },
  ): Promise<CallbackAnswerView> {
    const user = this.#user(userId);
    const bot = this.#bot(press.botId);
    const message = this.world.messageIn(user.id, press.messageId);
    const chat = message?.chat;
    if (!message || chat?.type !== 'private' || chat.botId !== bot.id) {
      throw new SandboxError(
        404,
        'MESSAGE_NOT_FOUND',
        `message ${press.messageId} is not in the chat with ${bot.username}`,
      );
    }
    const pressed = this.world.pressButton(user.id, message, Buffer.from(press.data, 'utf8'));
    const record: CallbackPressView = {
      botId: bot.id,
      messageId: press.messageId,
      data: press.data,
      date: this.world.unixTime(),
      answer: null,
      error: null,
    };
    this.#presses.set(user.id, [...(this.#presses.get(user.id) ?? []), record]);
    try {
      record.answer = callbackAnswerView(await pressed);
      return record.answer;
    } catch (error) {
      record.error = error instanceof TelegramError ? error.message : 'INTERNAL';
      throw error;
    }
  }

  /** The user's button presses, oldest first, with the bots' answers (or why there was none). */
  buttonPresses(userId: number): CallbackPressView[] {
    return (this.#presses.get(this.#user(userId).id) ?? []).map((press) => ({ ...press }));
  }

  /** Posts a file in the storage channel directly (as the channel), for tests and benchmarks. */
  async postChannelFile(upload: FileUpload): Promise<ChannelPostView> {
    const media = storeMedia(this.world, await this.#mediaFile(upload));
    const channel = this.world.storageChannel;
    const { message } = this.world.post(channel.id, undefined, {
      ...userMessageContent(upload.caption ?? '', media),
      entities: [],
    });
    return channelPostView(message, channel.id);
  }

  channelPosts(): ChannelPostView[] {
    const channel = this.world.storageChannel;
    return this.world.channelMessages(channel.id).map((message) => channelPostView(message, channel.id));
  }

  injectFault(input: FaultInput): FaultResult {
    const parsed = FaultInputSchema.safeParse(input);
    if (!parsed.success) throw new SandboxError(400, 'FAULT_INVALID', parsed.error.message);
    const fault = parsed.data;
    const accountId = this.#faultTarget(fault.botId, fault.botToken);
    const armed = (spec: FaultToArm): FaultResult => {
      const { id, remaining } = this.#core.faults.arm({ ...spec, accountId });
      return { kind: fault.kind, status: 'armed', id, remaining };
    };
    switch (fault.kind) {
      case 'flood_wait':
        return armed({
          kind: 'flood_wait',
          seconds: fault.seconds,
          method: fault.method,
          remaining: fault.count,
        });
      case 'slow':
        return armed({ kind: 'slow', delayMs: fault.delayMs, method: fault.method, remaining: fault.count });
      case 'file_migrate':
        if (!this.#core.dcs.some((dc) => dc.id === fault.dcId)) {
          throw new SandboxError(400, 'DC_NOT_FOUND', `there is no DC ${fault.dcId}`);
        }
        return armed({ kind: 'file_migrate', dcId: fault.dcId, remaining: fault.count });
      case 'file_reference_expired':
        return { kind: fault.kind, status: 'applied', affected: this.world.fileReferences.expire(accountId) };
      case 'bad_server_salt':
        return { kind: fault.kind, status: 'applied', affected: this.#core.keys.rotateSalts(accountId) };
      case 'drop_connections': {
        let affected = 0;
        for (const server of this.#dcServers) {
          if (fault.dcId !== undefined && server.dcId !== fault.dcId) continue;
          for (const connection of [...server.connections()]) {
            if (accountId !== undefined && connection.accountId !== accountId) continue;
            connection.close();
            affected++;
          }
        }
        return { kind: fault.kind, status: 'applied', affected };
      }
    }
  }

  faults(): ArmedFault[] {
    return this.#core.faults.list();
  }

  clearFaults(): number {
    return this.#core.faults.clear();
  }

  counters(): CountersView {
    const { counters } = this.#core;
    return {
      protocol: structuredClone(counters.protocol),
      bots: this.world.bots().map((bot) => ({
        botId: bot.id,
        username: bot.username,
        ...structuredClone(counters.account(bot.id)),
      })),
    };
  }

  resetCounters(): void {
    this.#core.counters.reset();
  }

  network(): NetworkView {
    return networkView(this.#core.network.settings);
  }

  updateNetwork(changes: Partial<NetworkSettings>): NetworkView {
    return networkView(this.#core.network.update(changes));
  }

  /**
   * A fresh path in the sandbox's file store, for a caller that streams an upload to disk and then
   * passes it as `{ type: 'stored' }` content (an abandoned one is deleted on close, or on the next
   * start with a data directory).
   */
  storagePath(): string {
    return this.#files.incomingPath();
  }

  /** Stops the DCs; with a data directory, waits for the journal to be written and fsynced. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#dcServers.map((server) => server.close()));
    await this.#dataDir?.close();
    await this.world.dispose();
    await this.#files.close();
  }

  #user(userId: number): Account {
    const account = this.world.account(userId);
    if (!account || account.bot) throw new SandboxError(404, 'USER_NOT_FOUND', `there is no user ${userId}`);
    return account;
  }

  #bot(botId: number | undefined): Account {
    if (botId === undefined) return this.world.mainBot;
    const account = this.world.account(botId);
    if (!account?.bot) throw new SandboxError(404, 'BOT_NOT_FOUND', `there is no bot ${botId}`);
    return account;
  }

  #faultTarget(botId: number | undefined, botToken: string | undefined): number | undefined {
    if (botToken !== undefined) {
      const bot = this.world.accountByToken(botToken);
      if (!bot) throw new SandboxError(404, 'BOT_NOT_FOUND', 'no bot has this token');
      return bot.id;
    }
    return botId === undefined ? undefined : this.#bot(botId).id;
  }

  async #mediaFile(upload: FileUpload): Promise<MediaFile> {
    if (upload.dcId !== undefined && !this.#core.dcs.some((dc) => dc.id === upload.dcId)) {
      throw new SandboxError(400, 'DC_NOT_FOUND', `there is no DC ${upload.dcId}`);
    }
    const { blob, head } = await this.#content(upload.content);
    const mimeType = resolveMimeType(upload.fileName, upload.mimeType);
    const duration = upload.duration;
    return {
      fileName: upload.fileName,
      mimeType,
      blob,
      head,
      video:
        mimeType.startsWith('video/') && duration !== undefined
          ? { duration, width: upload.width ?? 0, height: upload.height ?? 0 }
          : undefined,
      audio: mimeType.startsWith('audio/') && duration !== undefined ? { duration } : undefined,
      thumbnail: upload.thumbnail
        ? { blob: new MemoryBlob(upload.thumbnail), head: upload.thumbnail.subarray(0, IMAGE_HEADER_BYTES) }
        : undefined,
      asDocument: upload.asDocument,
      dcId: upload.dcId,
    };
  }

  async #content(content: FileUpload['content']): Promise<{ blob: FileBlob; head: Buffer }> {
    if (content.type === 'bytes') {
      return { blob: new MemoryBlob(content.data), head: content.data.subarray(0, IMAGE_HEADER_BYTES) };
    }
    if (content.type === 'generated') {
      return {
        blob: new GeneratedBlob(content.size, content.seed),
        head: generatedBytes(content.seed, 0, Math.min(content.size, IMAGE_HEADER_BYTES)),
      };
    }
    if (!this.#files.isIncoming(content.path)) {
      throw new SandboxError(
        400,
        'UPLOAD_PATH_INVALID',
        'stored uploads must come from Sandbox.storagePath()',
      );
    }
    const blob = await this.#files.adopt(content.path, content.size);
    return { blob, head: await blob.read(0, IMAGE_HEADER_BYTES) };
  }
}

function protocolObserver(counters: Counters): ProtocolObserver {
  return {
    keyCreated: () => counters.protocol.handshakes++,
    badServerSalt: () => counters.protocol.badServerSalts++,
    sessionCreated: () => counters.protocol.sessionsCreated++,
    connectionAuthorised: (_connection, accountId, previous) => {
      if (previous !== undefined) counters.connectionClosed(previous);
      counters.connectionOpened(accountId);
    },
    connectionClosed: (connection) => {
      if (connection.accountId !== undefined) counters.connectionClosed(connection.accountId);
    },
  };
}

export function startSandbox(options?: SandboxOptions): Promise<Sandbox> {
  return Sandbox.start(options);
}
