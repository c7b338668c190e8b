import { z } from 'zod';
import type { TelegramSettings } from './telegram/telegram.config.ts';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const BOT_TOKEN = /^\d{3,20}:[A-Za-z0-9_-]{20,}$/;

const ConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  EVENTSTORE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\//, 'a kurrentdb:// connection string')
      .optional(),
  ),
  CORS_ORIGINS: commaList,
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  AUTH_JWT_SECRET: optionalString.pipe(z.string().min(32, 'at least 32 characters').optional()),
  AUTH_USERS: commaList.pipe(
    z.array(z.string().regex(/^[1-9]\d{0,19}$/, 'comma-separated Telegram user ids')),
  ),
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(600),
  TELEGRAM_API_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[1-9]\d{0,9}$/, 'a numeric api id')
      .transform(Number)
      .optional(),
  ),
  TELEGRAM_API_HASH: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'a 32-character hex api hash')
      .optional(),
  ),
  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z.string().regex(BOT_TOKEN, 'a bot token like 123456:ABC...').optional(),
  ),
  TELEGRAM_HELPER_BOT_TOKENS: commaList.pipe(
    z.array(z.string().regex(BOT_TOKEN, 'comma-separated bot tokens')),
  ),
  // Bot API tools show channels as -100…; MTProto knows the bare id.
  TELEGRAM_STORAGE_CHANNEL_ID: optionalString.pipe(
    z
      .string()
      .regex(/^(-100)?[1-9]\d{0,19}$/, 'a channel id (-1001234567890 or 1234567890)')
      .transform((value) => (value.startsWith('-100') ? value.slice(4) : value))
      .optional(),
  ),
  TELEGRAM_MEDIA_CONNECTIONS_PER_DC: z.coerce.number().int().min(1).max(8).default(2),
});

const TELEGRAM_REQUIRED = [
  'TELEGRAM_API_ID',
  'TELEGRAM_API_HASH',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_STORAGE_CHANNEL_ID',
] as const;

export type Config = {
  host: string;
  port: number;
  dataDir: string;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  /** PostgreSQL to use; when absent, embedded PostgreSQL runs under `dataDir`. */
  databaseUrl: string | undefined;
  /** KurrentDB connection string; when absent, events live in PostgreSQL. */
  eventStoreUrl: string | undefined;
  corsOrigins: string[];
  /** Where users reach the web app (links from the bot); defaults to http://HOST:PORT. */
  publicUrl: string;
  /** Signs tokens; when absent one is generated once and kept under `dataDir`. */
  authJwtSecret: string | undefined;
  /** Telegram user ids allowed to use this instance; empty allows everyone. */
  authUsers: string[];
  rateLimitMax: number;
  /** Real Telegram credentials, or null: then the sandbox Telegram DC runs in-process. */
  telegram: TelegramSettings | null;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment once; every problem names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${String(issue.path[0])}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  const values = parsed.data;
  const given = TELEGRAM_REQUIRED.filter((name) => values[name] !== undefined);
  if (given.length > 0 && given.length < TELEGRAM_REQUIRED.length) {
    const missing = TELEGRAM_REQUIRED.filter((name) => values[name] === undefined);
    throw new ConfigError(
      `invalid configuration:\n${missing.map((name) => `  ${name}: required with ${given.join(', ')} (or leave all TELEGRAM_* unset for the sandbox)`).join('\n')}`,
    );
  }
  const tokens = [values.TELEGRAM_BOT_TOKEN, ...values.TELEGRAM_HELPER_BOT_TOKENS];
  if (new Set(tokens).size !== tokens.length) {
    throw new ConfigError(
      'invalid configuration:\n  TELEGRAM_HELPER_BOT_TOKENS: every bot token must be different',
    );
  }
  if (given.length === 0 && values.TELEGRAM_HELPER_BOT_TOKENS.length > 0) {
    throw new ConfigError(
      'invalid configuration:\n  TELEGRAM_HELPER_BOT_TOKENS: needs TELEGRAM_BOT_TOKEN and the other TELEGRAM_* variables',
    );
  }
  return {
    host: values.HOST,
    port: values.PORT,
    dataDir: values.DATA_DIR,
    logLevel: values.LOG_LEVEL,
    databaseUrl: values.DATABASE_URL,
    eventStoreUrl: values.EVENTSTORE_URL,
    corsOrigins: values.CORS_ORIGINS,
    publicUrl: (values.PUBLIC_URL ?? `http://${values.HOST}:${values.PORT}`).replace(/\/$/, ''),
    authJwtSecret: values.AUTH_JWT_SECRET,
    authUsers: values.AUTH_USERS,
    rateLimitMax: values.RATE_LIMIT_MAX,
    telegram:
      given.length === 0
        ? null
        : {
            apiId: values.TELEGRAM_API_ID!,
            apiHash: values.TELEGRAM_API_HASH!,
            botToken: values.TELEGRAM_BOT_TOKEN!,
            helperBotTokens: values.TELEGRAM_HELPER_BOT_TOKENS,
            storageChannelId: values.TELEGRAM_STORAGE_CHANNEL_ID!,
            mediaConnectionsPerDc: values.TELEGRAM_MEDIA_CONNECTIONS_PER_DC,
          },
  };
}
