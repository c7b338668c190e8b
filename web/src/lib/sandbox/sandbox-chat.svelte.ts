import { describeError } from '../api/api-errors.ts';
import { readMediaFacts } from './media-facts.ts';
import {
  type CallbackAnswer,
  createSandboxUser,
  pressSandboxButton,
  type SandboxMessage,
  type SandboxState,
  sandboxMessages,
  sandboxState,
  sendSandboxFile,
  sendSandboxText,
} from './sandbox-client.ts';

const POLL_MS = 1000;

/**
 * The sandbox chat panel: a Telegram user's chat with the bot, for trying Teleplay without Telegram.
 * It acts as the signed-in user when that user exists in the sandbox, else as the chosen one (the
 * demo user at first). There is no push from the sandbox: the chat is polled while the panel is open.
 */
class SandboxChat {
  /** Null until detected, or when the server talks to the real Telegram. */
  world = $state<SandboxState | null>(null);
  open = $state(false);
  messages = $state<SandboxMessage[]>([]);
  draft = $state('');
  busy = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  chosenUserId = $state<number | null>(null);
  #signedInUserId: () => string | null = () => null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #detected = false;

  get available(): boolean {
    return this.world !== null;
  }

  /** Who the panel acts as. */
  get userId(): number | null {
    const world = this.world;
    if (!world) return null;
    const signedIn = Number(this.#signedInUserId());
    if (world.users.some((user) => user.id === signedIn)) return signedIn;
    return this.chosenUserId ?? world.demoUser.id;
  }

  get actingAsSignedInUser(): boolean {
    return this.world?.users.some((user) => user.id === Number(this.#signedInUserId())) ?? false;
  }

  get botName(): string {
    return this.world ? `@${this.world.mainBot.username}` : 'the bot';
  }

  async detect(signedInUserId: () => string | null): Promise<void> {
    this.#signedInUserId = signedInUserId;
    if (this.#detected) return;
    this.#detected = true;
    this.world = await sandboxState();
  }

  show(draft?: string): void {
    if (!this.available) return;
    if (draft !== undefined) this.draft = draft;
    this.open = true;
    void this.#poll();
  }

  hide(): void {
    this.open = false;
    clearTimeout(this.#timer);
  }

  chooseUser(userId: number): void {
    this.chosenUserId = userId;
    this.messages = [];
    void this.#poll();
  }

  async addUser(firstName: string): Promise<void> {
    await this.#act(async () => {
      const user = await createSandboxUser(firstName);
      this.world = await sandboxState();
      this.chooseUser(user.id);
    });
  }

  async send(text = this.draft): Promise<void> {
    const userId = this.userId;
    const trimmed = text.trim();
    if (userId === null || trimmed === '') return;
    await this.#act(async () => {
      await sendSandboxText(userId, trimmed);
      if (text === this.draft) this.draft = '';
    });
  }

  async sendFile(file: File, caption: string): Promise<void> {
    const userId = this.userId;
    if (userId === null) return;
    await this.#act(async () => {
      await sendSandboxFile(userId, file, caption, await readMediaFacts(file));
    });
  }

  async press(message: SandboxMessage, data: string): Promise<CallbackAnswer | null> {
    const userId = this.userId;
    if (userId === null) return null;
    let answer: CallbackAnswer | null = null;
    await this.#act(async () => {
      answer = await pressSandboxButton(userId, message.id, data);
      const { message: text } = answer;
      if (text) this.notice = text;
    });
    return answer;
  }

  async #act(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      await action();
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.busy = false;
      void this.#poll();
    }
  }

  async #poll(): Promise<void> {
    clearTimeout(this.#timer);
    const userId = this.userId;
    if (!this.open || userId === null) return;
    try {
      const messages = await sandboxMessages(userId);
      if (userId === this.userId) this.messages = messages;
    } catch (error) {
      this.error = describeError(error);
    }
    if (this.open) this.#timer = setTimeout(() => void this.#poll(), POLL_MS);
  }
}

export const sandboxChat = new SandboxChat();
