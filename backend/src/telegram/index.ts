// The Telegram gateway (ARCHITECTURE.md §6): the port the bot and the backend use, its teleproto
// adapter with persisted sessions and gap-free updates, and getFile for the stream engine.

export { installNativeMtprotoCrypto, type MtprotoCryptoStatus } from './mtproto-crypto.ts';
export {
  type SandboxTelegramSettings,
  sandboxTelegramSettings,
  type TelegramSettings,
} from './telegram.config.ts';
export {
  type BotProfile,
  type BotUpdate,
  type BotUpdateHandler,
  type CallbackAnswer,
  type CallbackQuery,
  type IncomingMessage,
  type InlineButton,
  type InlineKeyboard,
  type MediaInfo,
  type MediaKind,
  type MessageContent,
  type MessageEdit,
  type SendMessageOptions,
  type StoredMedia,
  type StoredMessage,
  TelegramApiError,
  type TelegramGateway,
  TelegramGatewayError,
  type TelegramUser,
  type ThumbnailSize,
} from './telegram.gateway.ts';
export {
  type BotSessionKey,
  createPostgresSessionStore,
  migrateTelegram,
  sessionKeyOf,
  type TelegramSessionStore,
  type UpdateState,
} from './telegram-session.store.ts';
export { createTelegramGateway, type TelegramGatewayOptions } from './teleproto.gateway.ts';
