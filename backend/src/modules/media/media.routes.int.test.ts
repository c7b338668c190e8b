import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiHarness,
  PUBLIC_URL,
  type SignedIn,
  startApiHarness,
} from '../../api/testing/api-harness.ts';
import { DEFAULT_MEDIA_URL_TTL_SECONDS, mediaPath } from './media.routes.ts';

let harness: ApiHarness;
let alice: SignedIn;

beforeAll(async () => {
  harness = await startApiHarness();
  alice = await harness.signIn('5001', 'tv', 'Alice');
});

afterAll(async () => {
  await harness?.close();
});

const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';

describe('GET /api/files/{fileId}/stream-url', () => {
  it('signs short-lived URLs bound to the user, the file and the purpose', async () => {
    const fileId = await harness.upload(alice.userId, { thumbnail: { width: 320, height: 180, size: 9000 } });
    const response = await harness.request(alice, { method: 'GET', url: `/api/files/${fileId}/stream-url` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const urls = response.json();
    const expiresAt = new Date(
      harness.clock.now().getTime() + DEFAULT_MEDIA_URL_TTL_SECONDS * 1000,
    ).toISOString();
    for (const purpose of ['stream', 'download', 'thumbnail'] as const) {
      expect(urls[purpose].url.startsWith(`${PUBLIC_URL}${mediaPath(fileId, purpose)}?token=`)).toBe(true);
      expect(urls[purpose].expiresAt).toBe(expiresAt);
      const claims = await harness.auth.verifyMediaToken(tokenOf(urls[purpose].url), { fileId, purpose });
      expect(claims.userId).toBe(alice.userId);
    }
    await expect(
      harness.auth.verifyMediaToken(tokenOf(urls.stream.url), { fileId, purpose: 'download' }),
    ).rejects.toMatchObject({ code: 'invalid_media_token' });
  });

  it('has no thumbnail URL for a file without a thumbnail, and 404 for an unknown file', async () => {
    const fileId = await harness.upload(alice.userId);
    const response = await harness.request(alice, { method: 'GET', url: `/api/files/${fileId}/stream-url` });
    expect(response.json().thumbnail).toBeNull();
    const missing = await harness.request(alice, {
      method: 'GET',
      url: '/api/files/00000000-0000-4000-8000-000000000000/stream-url',
    });
    expect(missing.statusCode).toBe(404);
  });
});
