import { Logger, TelegramClient } from 'teleproto';
import { LogLevel } from 'teleproto/extensions/Logger.js';
import { customDcClientParams, customDcSession, type DcConnectionInfo } from './custom-dc.ts';

export interface BotClientOptions {
  /** A StringSession saved from an earlier run: resumes with its auth key, no new key exchange. */
  session?: string | undefined;
  /** teleproto's log level; quiet by default. */
  logLevel?: LogLevel | undefined;
}

/** An unmodified teleproto client logged in as a bot on the given DCs. */
export async function startBotClient(
  info: DcConnectionInfo,
  botToken: string,
  options: BotClientOptions = {},
): Promise<TelegramClient> {
  const client = new TelegramClient(customDcSession(info, options.session), info.apiId, info.apiHash, {
    ...customDcClientParams(info),
    baseLogger: new Logger(options.logLevel ?? LogLevel.NONE),
    connectionRetries: 5,
  });
  await client.start({ botAuthToken: botToken });
  return client;
}
