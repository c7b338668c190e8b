import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateAuthSecret } from './auth.secret.ts';

describe('loadOrCreateAuthSecret', () => {
  const directories: string[] = [];
  const newDirectory = () => {
    const directory = mkdtempSync(join(tmpdir(), 'teleplay-auth-secret-'));
    directories.push(directory);
    return directory;
  };
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  it('creates a secret only its owner can read, and returns the same one afterwards', async () => {
    const file = join(newDirectory(), 'nested', 'auth-secret');
    const created = await loadOrCreateAuthSecret(file);
    expect(created.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateAuthSecret(file)).toBe(created);
  });

  it('gives every racing caller the same secret and leaves no draft behind', async () => {
    const file = join(newDirectory(), 'auth-secret');
    const secrets = await Promise.all(Array.from({ length: 20 }, () => loadOrCreateAuthSecret(file)));
    expect(new Set(secrets).size).toBe(1);
    expect(readdirSync(dirname(file))).toEqual(['auth-secret']);
  });

  it('refuses a file that holds no usable secret', async () => {
    const file = join(newDirectory(), 'auth-secret');
    writeFileSync(file, 'short\n');
    await expect(loadOrCreateAuthSecret(file)).rejects.toThrow(/no usable auth secret/);
  });
});
