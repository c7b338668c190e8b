import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MIN_AUTH_SECRET_LENGTH } from './auth.tokens.ts';

/**
 * The signing secret for a zero-configuration instance (no AUTH_JWT_SECRET): generated once and kept in
 * a file only its owner can read, so that tokens survive restarts. Instances behind a load balancer must
 * share one configured secret instead.
 */
export async function loadOrCreateAuthSecret(file: string): Promise<string> {
  try {
    return await readSecret(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true });
  // Written in full under a private name, then linked into place: a racing process either wins the link
  // or finds the winner's complete file, never an empty one that is still being written.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(draft, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    await link(draft, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(draft, { force: true });
  }
  return readSecret(file);
}

async function readSecret(file: string): Promise<string> {
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < MIN_AUTH_SECRET_LENGTH)
    throw new Error(`${file} holds no usable auth secret (${MIN_AUTH_SECRET_LENGTH}+ characters expected)`);
  return secret;
}
