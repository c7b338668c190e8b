import { publicApi } from '../api/api.ts';
import { unwrap } from '../api/api-errors.ts';
import type { BotInfo } from './login-flow.svelte.ts';

let cached: Promise<BotInfo | null> | null = null;

/** The Telegram bot (username and chat link), or null while it is not connected. */
export function botInfo(): Promise<BotInfo | null> {
  cached ??= unwrap(publicApi.getBotInfo()).catch(() => {
    cached = null;
    return null;
  });
  return cached;
}
