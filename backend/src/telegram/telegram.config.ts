import type { StateView } from '@teleplay/sandbox';
import type { DcConnectionInfo } from '@teleplay/sandbox/client';

/** How to reach real Telegram. */
export interface TelegramSettings {
  apiId: number;
  apiHash: string;
  botToken: string;
  helperBotTokens: string[];
  /** Bare MTProto channel id (without -100). */
  storageChannelId: string;
  /** Download connections each bot opens per DC. */
  mediaConnectionsPerDc: number;
}

/** Settings for the sandbox DC: its seeded bots and channel, plus what only the sandbox needs. */
export interface SandboxTelegramSettings extends TelegramSettings {
  /** The sandbox's DC addresses and RSA key. */
  customDcs: DcConnectionInfo;
  /** The sandbox instance: auth keys saved for an earlier instance are not tried on this one. */
  sessionScope: string;
}

/** Gateway settings for a sandbox, from its state (`sandbox.state()`, or GET state on its control API). */
export function sandboxTelegramSettings(state: StateView): SandboxTelegramSettings {
  return {
    apiId: state.connection.apiId,
    apiHash: state.connection.apiHash,
    botToken: state.mainBot.token,
    helperBotTokens: state.bots.filter((bot) => bot.role === 'helper').map((bot) => bot.token),
    storageChannelId: String(state.storageChannel.id),
    mediaConnectionsPerDc: 2,
    customDcs: state.connection,
    sessionScope: state.instanceId,
  };
}
