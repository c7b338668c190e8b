import type { Schemas } from '@teleplay/api-client';
import { publicApi } from '../api/api.ts';
import { ApiFailure, describeError, unwrap } from '../api/api-errors.ts';
import { describeThisBrowser } from './device-name.ts';
import { webLoginToken } from './login-links.ts';
import type { AuthTokens } from './session.svelte.ts';

export type BotInfo = Schemas['BotInfo'];
export type GeneratedLoginCode = Schemas['GeneratedLoginCode'];

const POLL_MS = 2000;

/**
 * Signing this browser in, the three ways: open the bot's deep link, or send it `/login CODE`, for a
 * code shown here (both approved in Telegram while this page polls with the code's secret); or paste
 * the one-time link or token the bot's `/web` command gives. A code that expires is replaced.
 */
export class LoginFlow {
  bot = $state<BotInfo | null>(null);
  code = $state<GeneratedLoginCode | null>(null);
  status = $state<'starting' | 'waiting' | 'signing-in' | 'failed'>('starting');
  error = $state<string | null>(null);
  readonly #signedIn: (tokens: AuthTokens) => void;
  readonly #deviceName = describeThisBrowser();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(signedIn: (tokens: AuthTokens) => void) {
    this.#signedIn = signedIn;
  }

  /** `https://t.me/<bot>?start=login-<code>`: opens Telegram, which confirms this code. */
  get deepLink(): string | null {
    if (!this.bot || !this.code) return null;
    return `${this.bot.deepLinkBase}?start=${this.bot.loginStartPrefix}${this.code.code}`;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    void unwrap(publicApi.getBotInfo()).then(
      (bot) => {
        this.bot = bot;
      },
      () => {
        // The bot is not connected yet: the code still works once it is; the page says "the bot".
      },
    );
    await this.newCode();
  }

  async newCode(): Promise<void> {
    clearTimeout(this.#timer);
    this.status = 'starting';
    this.error = null;
    try {
      this.code = await unwrap(
        publicApi.generateLoginCode({ body: { deviceName: this.#deviceName, deviceKind: 'web' } }),
      );
      this.status = 'waiting';
      this.#schedule(POLL_MS);
    } catch (error) {
      this.status = 'failed';
      this.error = describeError(error);
      this.#schedule(retryDelay(error), () => this.newCode());
    }
  }

  /** Checks at once (the tab became visible again, after confirming in Telegram on the same phone). */
  pollNow(): void {
    if (this.status === 'waiting') this.#schedule(0);
  }

  /** Exchanges the bot's one-time link; true when signed in. */
  async exchange(input: string): Promise<boolean> {
    const token = webLoginToken(input);
    if (!token) {
      this.error = 'Paste the link the bot sent you after /web (or the code at its end).';
      return false;
    }
    this.error = null;
    const previous = this.status;
    this.status = 'signing-in';
    try {
      const tokens = await unwrap(
        publicApi.exchangeWebLoginLink({ body: { token, deviceName: this.#deviceName } }),
      );
      this.stop();
      this.#signedIn(tokens);
      return true;
    } catch (error) {
      this.status = previous;
      this.error =
        error instanceof ApiFailure && (error.status === 401 || error.status === 400)
          ? 'That link has expired or was already used. Send /web to the bot for a new one.'
          : describeError(error);
      return false;
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(delayMs: number, action: () => Promise<void> = () => this.#poll()): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void action(), delayMs);
  }

  async #poll(): Promise<void> {
    const code = this.code;
    if (!code || this.#stopped) return;
    try {
      const answer = await unwrap(
        publicApi.pollLoginCode({ body: { code: code.code, secret: code.secret } }),
      );
      if (this.#stopped || code !== this.code) return;
      if (answer.status === 'approved') {
        this.status = 'signing-in';
        this.stop();
        this.#signedIn(answer.tokens);
      } else if (answer.status === 'expired') {
        await this.newCode();
      } else {
        this.error = null;
        this.#schedule(POLL_MS);
      }
    } catch (error) {
      if (this.#stopped) return;
      this.error = describeError(error);
      if (error instanceof ApiFailure && (error.status === 401 || error.status === 403)) {
        this.status = 'failed';
        return;
      }
      this.#schedule(retryDelay(error));
    }
  }
}

function retryDelay(error: unknown): number {
  if (!(error instanceof ApiFailure)) return 5000;
  return error.retryAfterMs ?? (error.status === 429 ? 15_000 : 5000);
}
