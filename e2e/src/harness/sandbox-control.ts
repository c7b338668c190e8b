import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { MessageView, StateView, UserView } from '@teleplay/sandbox';
import type { MediaFixture } from '../fixtures/media.ts';

/** The sandbox Telegram's control API on the backend (`/sandbox/api`): acting as Telegram users. */
export class SandboxControl {
  readonly #base: string;

  constructor(baseUrl: string) {
    this.#base = `${baseUrl}/sandbox/api`;
  }

  async #call<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await fetch(`${this.#base}/${path}`, init);
    const body = (await response.json()) as T & { message?: string };
    if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${body.message ?? ''}`);
    return body;
  }

  state(): Promise<StateView> {
    return this.#call('state');
  }

  async createUser(firstName: string): Promise<UserView> {
    return (
      await this.#call<{ user: UserView }>('users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ firstName }),
      })
    ).user;
  }

  async sendText(userId: number, text: string): Promise<MessageView> {
    return (
      await this.#call<{ message: MessageView }>(`users/${userId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      })
    ).message;
  }

  /** Sends a file to the bot as the Telegram app would, with its duration, size and thumbnail. */
  async sendFile(userId: number, media: MediaFixture, fileName = media.fileName): Promise<MessageView> {
    const form = new FormData();
    form.set('fileName', fileName);
    form.set('mimeType', media.mimeType);
    if (media.durationSeconds !== undefined) form.set('duration', String(media.durationSeconds));
    if (media.width !== undefined) form.set('width', String(media.width));
    if (media.height !== undefined) form.set('height', String(media.height));
    if (media.thumbnailPath) {
      form.set(
        'thumbnail',
        new Blob([readFileSync(media.thumbnailPath)], { type: 'image/jpeg' }),
        basename(media.thumbnailPath),
      );
    }
    form.set('file', new Blob([readFileSync(media.path)], { type: media.mimeType }), fileName);
    return (
      await this.#call<{ message: MessageView }>(`users/${userId}/files`, { method: 'POST', body: form })
    ).message;
  }

  async messages(userId: number): Promise<MessageView[]> {
    return (await this.#call<{ messages: MessageView[] }>(`users/${userId}/messages`)).messages;
  }

  /** Waits for the bot's next message that matches, after the ones there now. */
  async nextBotMessage(
    userId: number,
    matches: (message: MessageView) => boolean,
    action: () => Promise<unknown>,
    timeoutMs = 10_000,
  ): Promise<MessageView> {
    const seen = new Set((await this.messages(userId)).map((message) => message.id));
    await action();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = (await this.messages(userId)).find(
        (message) => message.from === 'bot' && !seen.has(message.id) && matches(message),
      );
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the bot did not answer in time');
  }
}

/** The URL of the first URL button of a message. */
export function buttonUrl(message: MessageView): string | null {
  for (const row of message.buttons) for (const button of row) if (button.type === 'url') return button.url;
  return null;
}
