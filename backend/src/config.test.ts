import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('runs with nothing configured on embedded defaults', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      logLevel: 'info',
      databaseUrl: undefined,
      eventStoreUrl: undefined,
      corsOrigins: [],
      publicUrl: 'http://127.0.0.1:8080',
      authJwtSecret: undefined,
      authUsers: [],
      rateLimitMax: 600,
      telegram: null,
    });
  });

  it('reads real Telegram credentials together', () => {
    const config = loadConfig({
      TELEGRAM_API_ID: '12345',
      TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
      TELEGRAM_BOT_TOKEN: '123456:AAbbCCddEEffGGhhIIjjKKllMM',
      TELEGRAM_HELPER_BOT_TOKENS: '222222:AAbbCCddEEffGGhhIIjjKKllMM, 333333:AAbbCCddEEffGGhhIIjjKKllMM',
      TELEGRAM_STORAGE_CHANNEL_ID: '-1001234567890',
      AUTH_USERS: '42, 43',
      PUBLIC_URL: 'https://tv.example.org/',
    });
    expect(config.telegram).toEqual({
      apiId: 12345,
      apiHash: '0123456789abcdef0123456789abcdef',
      botToken: '123456:AAbbCCddEEffGGhhIIjjKKllMM',
      helperBotTokens: ['222222:AAbbCCddEEffGGhhIIjjKKllMM', '333333:AAbbCCddEEffGGhhIIjjKKllMM'],
      storageChannelId: '1234567890',
      mediaConnectionsPerDc: 2,
    });
    expect(config.authUsers).toEqual(['42', '43']);
    expect(config.publicUrl).toBe('https://tv.example.org');
  });

  it('takes the storage channel id with or without the -100 prefix', () => {
    const base = {
      TELEGRAM_API_ID: '1',
      TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
      TELEGRAM_BOT_TOKEN: '123456:AAbbCCddEEffGGhhIIjjKKllMM',
    };
    expect(
      loadConfig({ ...base, TELEGRAM_STORAGE_CHANNEL_ID: '-1009876543210' }).telegram?.storageChannelId,
    ).toBe('9876543210');
    expect(
      loadConfig({ ...base, TELEGRAM_STORAGE_CHANNEL_ID: '9876543210' }).telegram?.storageChannelId,
    ).toBe('9876543210');
  });

  it('refuses a helper token that repeats the main bot', () => {
    expect(() =>
      loadConfig({
        TELEGRAM_API_ID: '1',
        TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
        TELEGRAM_BOT_TOKEN: '123456:AAbbCCddEEffGGhhIIjjKKllMM',
        TELEGRAM_HELPER_BOT_TOKENS: '123456:AAbbCCddEEffGGhhIIjjKKllMM',
        TELEGRAM_STORAGE_CHANNEL_ID: '-1001234567890',
      }),
    ).toThrow(/TELEGRAM_HELPER_BOT_TOKENS: every bot token must be different/);
  });

  it('names the Telegram variables missing from a partial set', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: '123456:AAbbCCddEEffGGhhIIjjKKllMM' })).toThrow(
      /TELEGRAM_API_ID: required[\s\S]*TELEGRAM_API_HASH: required[\s\S]*TELEGRAM_STORAGE_CHANNEL_ID: required/,
    );
  });

  it('reads every variable', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '9000',
      DATA_DIR: '/var/lib/teleplay',
      LOG_LEVEL: 'warn',
      DATABASE_URL: 'postgres://u:p@db:5432/teleplay',
      EVENTSTORE_URL: 'kurrentdb://kurrentdb:2113?tls=false',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      databaseUrl: 'postgres://u:p@db:5432/teleplay',
      eventStoreUrl: 'kurrentdb://kurrentdb:2113?tls=false',
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', EVENTSTORE_URL: ' ' })).toMatchObject({
      databaseUrl: undefined,
      eventStoreUrl: undefined,
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['EVENTSTORE_URL', 'http://kurrent:2113'],
    ['LOG_LEVEL', 'loud'],
    ['AUTH_JWT_SECRET', 'short'],
    ['AUTH_USERS', 'alice'],
    ['TELEGRAM_BOT_TOKEN', 'not-a-token'],
    ['TELEGRAM_STORAGE_CHANNEL_ID', '-42x'],
    ['PUBLIC_URL', 'ftp://x'],
    ['TELEGRAM_MEDIA_CONNECTIONS_PER_DC', '99'],
  ])('names %s when it is invalid (%s)', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});
