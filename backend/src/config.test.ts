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
    });
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
  ])('names %s when it is invalid (%s)', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});
