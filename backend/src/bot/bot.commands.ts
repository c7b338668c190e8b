import { FileId } from '@teleplay/contracts';
import { isLoginCode, loginCodeFromStartParameter } from '../modules/auth/auth.credentials.ts';
import { AuthError } from '../modules/auth/auth.errors.ts';
import {
  type Actor,
  type BotContext,
  idFor,
  readYourWrites,
  runLibraryCommand,
  send,
  webUrl,
} from './bot.context.ts';
import { endConversation, startNewFolder } from './bot.conversations.ts';
import { actionButton, urlButton } from './bot.keyboards.ts';
import { authErrorText, html, refusalText, texts } from './bot.texts.ts';
import type { BotMessage } from './bot.transport.ts';
import { renderFileCard, renderFolder, renderRecent, renderSearch } from './bot.views.ts';

// Slash commands, and plain text (a search).

/** `/name@bot args` → name (lower case) and args; null for text that is not a command. */
export function parseCommand(text: string): { name: string; args: string } | null {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  return { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() };
}

type CommandHandler = (
  context: BotContext,
  actor: Actor,
  message: BotMessage,
  args: string,
) => Promise<unknown>;

const reply = (context: BotContext, actor: Actor, message: BotMessage, text: string) =>
  send(context, actor.chatId, { text }, message.messageId);

const commands: Record<string, CommandHandler> = {
  async start(context, actor, message, args) {
    const code = loginCodeFromStartParameter(args) ?? (isLoginCode(args) ? args : null);
    if (code !== null) return confirmLogin(context, actor, message, code);
    await send(context, actor.chatId, {
      text: texts.welcome(actor.firstName),
      keyboard: [
        [urlButton(texts.openWebApp, webUrl(context, '/'))],
        [actionButton(texts.signInOnWeb, { type: 'webLogin' })],
      ],
    });
  },

  async help(context, actor, message) {
    await reply(context, actor, message, texts.help);
  },

  async myfiles(context, actor) {
    await send(context, actor.chatId, await renderRecent(context, actor.userId, 0));
  },

  async folders(context, actor) {
    await send(context, actor.chatId, await renderFolder(context, actor.userId, null, 0));
  },

  async newfolder(context, actor, message, name) {
    if (name === '') return startNewFolder(context, actor, null, null);
    const folderId = idFor(actor, 'folder');
    const result = await runLibraryCommand(context, actor, 'newfolder', {
      type: 'CreateFolder',
      data: { folderId, parentId: null, name },
    });
    if (result.status === 'refused') return reply(context, actor, message, html(refusalText(result.refusal)));
    await readYourWrites(context, result.position);
    await send(
      context,
      actor.chatId,
      await renderFolder(context, actor.userId, folderId, 0, texts.createdFolder(name)),
    );
  },

  async file(context, actor, message, id) {
    if (id === '') return reply(context, actor, message, texts.fileIdUsage);
    const fileId = FileId.safeParse(id.toLowerCase());
    if (!fileId.success) return reply(context, actor, message, texts.notAFileId);
    await send(
      context,
      actor.chatId,
      await renderFileCard(context, actor.userId, fileId.data, { to: 'none' }),
    );
  },

  async login(context, actor, message, code) {
    if (code === '') return reply(context, actor, message, texts.loginUsage);
    await confirmLogin(context, actor, message, code.replace(/\s+/g, ''));
  },

  async web(context, actor) {
    await sendWebLoginLink(context, actor);
  },

  async search(context, actor, message, query) {
    if (query === '') return reply(context, actor, message, texts.searchUsage);
    await send(context, actor.chatId, await renderSearch(context, actor.userId, query));
  },

  async cancel(context, actor, message) {
    const cancelled = await endConversation(context, actor);
    await reply(context, actor, message, cancelled ? texts.cancelled : texts.nothingToCancel);
  },
};

/** A command message: the user's conversation (if any) ends first, except for the command that ends it. */
export async function handleCommandMessage(
  context: BotContext,
  actor: Actor,
  message: BotMessage,
  command: { name: string; args: string },
): Promise<void> {
  const handler = Object.hasOwn(commands, command.name) ? commands[command.name] : undefined;
  if (!handler) {
    await reply(context, actor, message, `${texts.unknownCommand(`/${command.name}`)}\n\n${texts.help}`);
    return;
  }
  if (command.name !== 'cancel') await endConversation(context, actor);
  await handler(context, actor, message, command.args);
}

/** Text that is neither a command nor an answer to a question: looked up in the library. */
export async function handleSearchText(
  context: BotContext,
  actor: Actor,
  message: BotMessage,
): Promise<void> {
  const query = message.text.trim();
  if (query === '') {
    await reply(context, actor, message, texts.unsupportedMessage);
    return;
  }
  await send(context, actor.chatId, await renderSearch(context, actor.userId, query));
}

async function confirmLogin(
  context: BotContext,
  actor: Actor,
  message: BotMessage,
  code: string,
): Promise<void> {
  try {
    const device = await context.auth.confirmLoginCode({
      code,
      userId: actor.userId,
      firstName: actor.firstName,
    });
    await reply(context, actor, message, texts.loginConfirmed(device.deviceName, device.deviceKind));
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    await reply(context, actor, message, html(authErrorText(error.code, error.message)));
  }
}

/** A one-time link that signs the browser in (`/web`, or the button under the welcome). */
export async function sendWebLoginLink(context: BotContext, actor: Actor): Promise<void> {
  const link = await context.auth.createWebLoginLink({ userId: actor.userId, firstName: actor.firstName });
  const minutes = Math.max(
    1,
    Math.round((Date.parse(link.expiresAt) - context.clock.now().getTime()) / 60_000),
  );
  // In a button, not the text: Telegram fetches link previews of URLs in text. The token is in the
  // fragment, which never reaches a server, so the web app alone reads it.
  await send(context, actor.chatId, {
    text: texts.webLink(minutes),
    keyboard: [
      [urlButton(texts.webLinkButton, webUrl(context, `/login#token=${encodeURIComponent(link.token)}`))],
    ],
  });
}
