import type { Api, TelegramClient } from 'teleproto';
import { NewMessage, type NewMessageEvent } from 'teleproto/events/index.js';
import { type BotClientOptions, startBotClient } from '../client/bot-client.ts';
import { destroyClient } from '../client/client-teardown.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../sandbox.ts';

/**
 * A sandbox plus the real teleproto clients a test starts against it; close() destroys the clients
 * first (while the DCs are still up, see destroyClient) and then the sandbox.
 */
export class SandboxFixture {
  readonly sandbox: Sandbox;
  readonly #clients = new Set<TelegramClient>();

  private constructor(sandbox: Sandbox) {
    this.sandbox = sandbox;
  }

  static async start(options?: SandboxOptions): Promise<SandboxFixture> {
    return new SandboxFixture(await startSandbox(options));
  }

  /** A logged-in client for a bot token (the main bot's by default). */
  async bot(token = this.sandbox.state().mainBot.token, options?: BotClientOptions): Promise<TelegramClient> {
    const client = await startBotClient(this.sandbox.connectionInfo(), token, options);
    this.#clients.add(client);
    return client;
  }

  async stopClient(client: TelegramClient): Promise<void> {
    this.#clients.delete(client);
    await destroyClient(client);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients].map((client) => this.stopClient(client)));
    await this.sandbox.close();
  }
}

/** Resolves with the next message a client receives through teleproto's NewMessage event. */
export function nextNewMessage(
  client: TelegramClient,
  matches: (message: Api.Message) => boolean = () => true,
) {
  return new Promise<Api.Message>((resolve) => {
    const event = new NewMessage({});
    const handler = (update: NewMessageEvent) => {
      if (!matches(update.message)) return;
      client.removeEventHandler(handler, event);
      resolve(update.message);
    };
    client.addEventHandler(handler, event);
  });
}

/** The DC side of MTProto 2.0 message encryption, for tests of a client's decryption. */
export { encryptServerMessage, type PlainMessage } from '../mtproto/message-crypto.ts';

/** A PNG header is all the sandbox reads of an image (for its size), so this stands for a photo. */
export function pngHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(33);
  header.writeUInt32BE(0x89504e47, 0);
  header.writeUInt32BE(0x0d0a1a0a, 4);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return header;
}
