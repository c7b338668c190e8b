import { Api } from 'teleproto';
import type { DcConnectionInfo } from './client/custom-dc.ts';
import type { AccountCounters, ProtocolCounters } from './counters/counters.ts';
import type { NetworkSettings } from './network/network-model.ts';
import type { Account, CallbackAnswer, Channel, ChatMessage, StoredMedia } from './world/model.ts';

/** JSON shapes of the control API (and of the Sandbox methods behind it). */

export interface UserView {
  id: number;
  firstName: string;
  username: string;
}

export interface BotView extends UserView {
  token: string;
  role: 'main' | 'helper';
  commands: { command: string; description: string }[];
}

export interface ChannelView {
  id: number;
  /** Bot API style peer id: -100 followed by the channel id. */
  peerId: string;
  accessHash: string;
  title: string;
}

export interface NetworkView {
  rttMs: number;
  jitterMs: number;
  /** null means unlimited. */
  connectionBytesPerSecond: number | null;
  accountBytesPerSecond: number | null;
}

export interface StateView {
  /**
   * Changes on every start, unless the sandbox keeps its world in a data directory: a client holding
   * auth keys from another instance must log in again.
   */
  instanceId: string;
  connection: DcConnectionInfo;
  demoUser: UserView;
  users: UserView[];
  mainBot: BotView;
  bots: BotView[];
  storageChannel: ChannelView;
  network: NetworkView;
}

export type ButtonView =
  | { type: 'callback'; text: string; data: string }
  | { type: 'url'; text: string; url: string }
  | { type: 'other'; text: string };

export interface MediaView {
  type: 'document' | 'photo';
  id: string;
  accessHash: string;
  dcId: number;
  fileName: string | null;
  mimeType: string;
  size: number;
  duration: number | null;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
}

export interface MessageView {
  id: number;
  date: number;
  /** Who sent it, seen from the user's side of the chat. */
  from: 'user' | 'bot';
  senderId: number;
  text: string;
  /** Inline keyboard rows. */
  buttons: ButtonView[][];
  /** Reply keyboard rows (button texts), if the bot set one. */
  keyboard: string[][] | null;
  media: MediaView | null;
  replyToMessageId: number | null;
  editDate: number | null;
}

export interface ChannelPostView {
  messageId: number;
  date: number;
  text: string;
  media: MediaView | null;
}

export interface CallbackAnswerView {
  message: string | null;
  alert: boolean;
  url: string | null;
}

export interface CallbackPressView {
  botId: number;
  /** The user's id of the message whose button was pressed. */
  messageId: number;
  data: string;
  date: number;
  answer: CallbackAnswerView | null;
  /** Why there is no answer: BOT_RESPONSE_TIMEOUT, or another Telegram error. */
  error: string | null;
}

export interface BotCountersView extends AccountCounters {
  botId: number;
  username: string;
}

export interface CountersView {
  protocol: ProtocolCounters;
  bots: BotCountersView[];
}

export function userView(account: Account): UserView {
  return { id: account.id, firstName: account.firstName, username: account.username };
}

export function botView(account: Account): BotView {
  return {
    ...userView(account),
    token: account.token!,
    role: account.role === 'main' ? 'main' : 'helper',
    commands: account.commands.map((command) => ({
      command: command.command,
      description: command.description,
    })),
  };
}

export function channelView(channel: Channel): ChannelView {
  return {
    id: channel.id,
    peerId: `-100${channel.id}`,
    accessHash: channel.accessHash.toString(),
    title: channel.title,
  };
}

export function networkView(settings: NetworkSettings): NetworkView {
  const finite = (value: number) => (Number.isFinite(value) ? value : null);
  return {
    rttMs: settings.rttMs,
    jitterMs: settings.jitterMs,
    connectionBytesPerSecond: finite(settings.connectionBytesPerSecond),
    accountBytesPerSecond: finite(settings.accountBytesPerSecond),
  };
}

export function mediaView(media: StoredMedia): MediaView {
  const common = { id: media.id.toString(), accessHash: media.accessHash.toString(), dcId: media.dcId };
  if (media.kind === 'photo') {
    const largest = media.sizes.at(-1)!;
    return {
      ...common,
      type: 'photo',
      fileName: null,
      mimeType: 'image/jpeg',
      size: largest.blob.size,
      duration: null,
      width: largest.width,
      height: largest.height,
      hasThumbnail: media.sizes.length > 1,
    };
  }
  return {
    ...common,
    type: 'document',
    fileName: media.fileName,
    mimeType: media.mimeType,
    size: media.blob.size,
    duration: media.video?.duration ?? media.audio?.duration ?? null,
    width: media.video?.width ?? media.image?.width ?? null,
    height: media.video?.height ?? media.image?.height ?? null,
    hasThumbnail: media.thumb !== undefined,
  };
}

function inlineButtons(markup: Api.TypeReplyMarkup | undefined): ButtonView[][] {
  if (!(markup instanceof Api.ReplyInlineMarkup)) return [];
  return markup.rows.map((row) =>
    row.buttons.map((button): ButtonView => {
      if (button instanceof Api.KeyboardButtonCallback) {
        return { type: 'callback', text: button.text, data: button.data.toString('utf8') };
      }
      if (button instanceof Api.KeyboardButtonUrl) return { type: 'url', text: button.text, url: button.url };
      return { type: 'other', text: 'text' in button ? String(button.text) : '' };
    }),
  );
}

function replyKeyboard(markup: Api.TypeReplyMarkup | undefined): string[][] | null {
  if (!(markup instanceof Api.ReplyKeyboardMarkup)) return null;
  return markup.rows.map((row) => row.buttons.map((button) => ('text' in button ? String(button.text) : '')));
}

/** A private-chat message as the user sees it. */
export function messageView(message: ChatMessage, userId: number): MessageView {
  const replyTo = message.replyTo?.ids.get(userId);
  return {
    id: message.ids.get(userId)!,
    date: message.date,
    from: message.senderId === userId ? 'user' : 'bot',
    senderId: message.senderId!,
    text: message.text,
    buttons: inlineButtons(message.replyMarkup),
    keyboard: replyKeyboard(message.replyMarkup),
    media: message.media ? mediaView(message.media) : null,
    replyToMessageId: replyTo ?? null,
    editDate: message.editDate ?? null,
  };
}

export function channelPostView(message: ChatMessage, channelId: number): ChannelPostView {
  return {
    messageId: message.ids.get(channelId)!,
    date: message.date,
    text: message.text,
    media: message.media ? mediaView(message.media) : null,
  };
}

export function callbackAnswerView(answer: CallbackAnswer): CallbackAnswerView {
  return { message: answer.message ?? null, alert: answer.alert, url: answer.url ?? null };
}
