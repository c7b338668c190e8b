import { createHash, randomUUID } from 'node:crypto';
import { generatedBytes } from '@teleplay/sandbox';
import { pngHeader } from '@teleplay/sandbox/testing';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsPlugin } from '../../plugins/errors.plugin.ts';
import { metricsPlugin } from '../../plugins/metrics.plugin.ts';
import { expectedSha256, type MediaTestBed, OWNER, startMediaTestBed } from './testing/media-test-bed.ts';

const MIB = 1024 * 1024;

let bed: MediaTestBed;

beforeAll(async () => {
  bed = await startMediaTestBed();
});

afterAll(async () => {
  await bed?.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const errorOf = (received: { body: Buffer }) => JSON.parse(received.body.toString()).error;

describe('signed media URLs', () => {
  it('streams inline, readable and embeddable by players on any origin', async () => {
    const { fileId, seed } = await bed.postFile(2 * MIB + 5, { name: 'Été 2024.mp4' });
    const response = await bed.request(await bed.mediaPath(fileId, 'stream'), {
      headers: { origin: 'https://tv.example' },
    });
    expect(response.status).toBe(200);
    expect(response.sha256).toBe(expectedSha256(seed, 0, 2 * MIB + 5));
    expect(response.headers).toMatchObject({
      'content-type': 'video/mp4',
      'content-disposition': `inline; filename="_t_ 2024.mp4"; filename*=UTF-8''%C3%89t%C3%A9%202024.mp4`,
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'Content-Range, Content-Length, Accept-Ranges, ETag',
      'cache-control': 'private',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'cross-origin',
    });
  });

  it('downloads as an attachment under the file’s exact name', async () => {
    const { fileId, seed } = await bed.postFile(1000, {
      name: 'Рецепт (1).mkv',
      mimeType: 'video/x-matroska',
    });
    const response = await bed.request(await bed.mediaPath(fileId, 'download'), {
      headers: { range: 'bytes=10-' },
    });
    expect(response.status).toBe(206);
    expect(response.sha256).toBe(expectedSha256(seed, 10, 990));
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="______ (1).mkv"; filename*=UTF-8''%D0%A0%D0%B5%D1%86%D0%B5%D0%BF%D1%82%20%281%29.mkv`,
    );
  });

  it.each([
    ['text/html', 'text/html'],
    ['image/svg+xml', 'image/svg+xml'],
    ['application/xml', 'application/xml'],
    ['text/html\r\nx-injected: 1', 'application/octet-stream'],
  ])('never shows a %j file inline', async (mimeType, served) => {
    const { fileId } = await bed.postFile(100, { name: 'page.html', mimeType });
    const response = await bed.request(await bed.mediaPath(fileId, 'stream'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(served);
    expect(response.headers['content-disposition']).toMatch(/^attachment;/);
    expect(response.headers['x-injected']).toBeUndefined();
  });

  it('refuses a missing, altered, expired or misdirected token with 401, CORS headers included', async () => {
    const { fileId } = await bed.postFile(100);
    const other = await bed.postFile(100);
    const streamPath = await bed.mediaPath(fileId, 'stream');
    const token = new URL(streamPath, bed.origin).searchParams.get('token')!;
    const attempts = [
      `/api/media/${fileId}/stream`,
      `/api/media/${fileId}/stream?token=${token.slice(0, -2)}xx`,
      `/api/media/${fileId}/download?token=${token}`,
      `/api/media/${other.fileId}/stream?token=${token}`,
    ];
    const expiring = await bed.mediaPath(fileId, 'stream', 60);
    bed.clock.advance(61_000);
    for (const path of [...attempts, expiring]) {
      const response = await bed.request(path, { keepBody: true });
      expect(response.status, path).toBe(401);
      expect(errorOf(response).code).toBe('invalid_media_token');
      expect(response.headers['access-control-allow-origin']).toBe('*');
    }
    expect((await bed.request(await bed.mediaPath(fileId, 'stream'))).status).toBe(200);
  });

  it('serves the largest preview Telegram made as a JPEG, with ranges and its own validators', async () => {
    const preview = Buffer.concat([pngHeader(320, 180), generatedBytes('poster', 0, 5_000)]);
    const { fileId } = await bed.postFile(3 * MIB, { name: 'Film.2024.mkv', thumbnail: preview });
    const path = await bed.mediaPath(fileId, 'thumbnail');
    const whole = await bed.request(path);
    expect(whole.status).toBe(200);
    expect(whole.sha256).toBe(sha256(preview));
    expect(whole.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': String(preview.length),
      'content-disposition': `inline; filename="Film.2024.jpg"; filename*=UTF-8''Film.2024.jpg`,
      'access-control-allow-origin': '*',
    });
    const stream = await bed.request(await bed.mediaPath(fileId, 'stream'), { method: 'HEAD' });
    expect(whole.headers.etag).not.toBe(stream.headers.etag);

    const tail = await bed.request(path, { headers: { range: 'bytes=-100' } });
    expect(tail.status).toBe(206);
    expect(tail.headers['content-range']).toBe(
      `bytes ${preview.length - 100}-${preview.length - 1}/${preview.length}`,
    );
    expect(tail.sha256).toBe(sha256(preview.subarray(-100)));
  });

  it('answers 404 for a file not in the library or without a preview, 400 for an unknown purpose', async () => {
    const missing = await bed.request(await bed.mediaPath(randomUUID(), 'stream'), { keepBody: true });
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe('file_not_found');

    const { fileId } = await bed.postFile(100);
    const thumbnail = await bed.request(await bed.mediaPath(fileId, 'thumbnail'), { keepBody: true });
    expect(thumbnail.status).toBe(404);
    expect(errorOf(thumbnail).code).toBe('thumbnail_not_found');

    const token = new URL(await bed.mediaPath(fileId, 'stream'), bed.origin).searchParams.get('token')!;
    const unknown = await bed.request(`/api/media/${fileId}/poster?token=${token}`, { keepBody: true });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown).code).toBe('invalid_request');
  });

  it('answers 502 telegram_unavailable when no bot can read the file, before any header went out', async () => {
    const { fileId, file } = await bed.postFile(3 * MIB);
    await bed.gateway.deleteStorageMessages([file.telegram.messageId]);
    const response = await bed.request(await bed.mediaPath(fileId, 'stream'), { keepBody: true });
    expect(response.status).toBe(502);
    expect(errorOf(response)).toMatchObject({
      code: 'telegram_unavailable',
      details: { reason: 'unavailable' },
    });
    expect(response.headers['content-range']).toBeUndefined();
  });
});

describe('public share links', () => {
  async function share(status: 'active' | 'expired' | 'revoked', size = MIB + 1) {
    const posted = await bed.postFile(size, { name: 'holiday.mp4' });
    const shareId = bed.shareIds.create(randomUUID());
    bed.shares.set(shareId, { userId: OWNER, fileId: posted.fileId, status });
    return { ...posted, shareId };
  }

  it('streams inline with ranges and downloads as an attachment, without signing in', async () => {
    const { shareId, seed } = await share('active');
    const whole = await bed.request(`/s/${shareId}`);
    expect(whole.status).toBe(200);
    expect(whole.sha256).toBe(expectedSha256(seed, 0, MIB + 1));
    expect(whole.headers['content-disposition']).toMatch(/^inline;/);
    expect(whole.headers['access-control-allow-origin']).toBe('*');

    const seek = await bed.request(`/s/${shareId}`, { headers: { range: 'bytes=-2' } });
    expect(seek.status).toBe(206);
    expect(seek.headers['content-range']).toBe(`bytes ${MIB - 1}-${MIB}/${MIB + 1}`);
    expect(seek.sha256).toBe(expectedSha256(seed, MIB - 1, 2));

    const download = await bed.request(`/s/${shareId}/download`, { method: 'HEAD' });
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="holiday.mp4"; filename*=UTF-8''holiday.mp4`,
    );
    expect(download.headers['content-length']).toBe(String(MIB + 1));
  });

  it('answers 404 for an unknown or forged link, 410 for an expired or revoked one or a file in the trash', async () => {
    const unknown = await bed.request(`/s/${bed.shareIds.create(randomUUID())}`, { keepBody: true });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe('share_link_not_found');
    // A link the store would know, under an id this server never signed.
    const forged = 'a'.repeat(44);
    bed.shares.set(forged, { userId: OWNER, fileId: (await bed.postFile(10)).fileId, status: 'active' });
    const refused = await bed.request(`/s/${forged}`, { keepBody: true });
    expect(refused.status).toBe(404);
    expect(errorOf(refused).code).toBe('share_link_not_found');
    expect((await bed.request('/s/not*an*id', { keepBody: true })).status).toBe(400);

    for (const status of ['expired', 'revoked'] as const) {
      const { shareId } = await share(status);
      const response = await bed.request(`/s/${shareId}/download`, { keepBody: true });
      expect(response.status).toBe(410);
      expect(errorOf(response).code).toBe(`share_link_${status}`);
    }

    const { shareId, fileId, file } = await share('active');
    bed.files.set(fileId, { ...file, trashed: true });
    const trashed = await bed.request(`/s/${shareId}`, { keepBody: true });
    expect(trashed.status).toBe(410);
    expect(errorOf(trashed).code).toBe('shared_file_gone');
  });
});

describe('GET /metrics', () => {
  it('reports what was streamed, per bot, in the Prometheus text format', async () => {
    const { fileId } = await bed.postFile(4 * MIB);
    await bed.request(await bed.mediaPath(fileId, 'stream'));
    const metrics = await bed.request('/metrics', { keepBody: true });
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = metrics.body.toString();
    const value = (line: RegExp) => Number(text.match(line)?.[1]);
    expect(value(/^teleplay_stream_bytes_total (\d+)$/m)).toBeGreaterThanOrEqual(4 * MIB);
    expect(value(/^teleplay_stream_active (\d+)$/m)).toBe(0);
    expect(value(/^teleplay_stream_time_to_first_byte_seconds_count (\d+)$/m)).toBeGreaterThan(0);
    const botBytes = [...text.matchAll(/^teleplay_stream_bot_bytes_total\{bot="(\d+)"\} (\d+)$/gm)];
    expect(botBytes.length).toBeGreaterThan(1);
    expect(text).toMatch(/^teleplay_stream_bot_in_flight\{bot="\d+"\} 0$/m);
    expect(text).toMatch(/^teleplay_stream_cache_lookups_total\{result="miss"\} \d+$/m);
    expect(text).toContain('# TYPE teleplay_stream_flood_waits_total counter');
  });

  it('asks for the token when one is configured', async () => {
    const app = Fastify();
    await app.register(errorsPlugin);
    await app.register(metricsPlugin, { registry: new Registry(), bearerToken: 'scrape-secret' });
    try {
      const refused = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
      const scraped = await app.inject({
        url: '/metrics',
        headers: { authorization: 'Bearer scrape-secret' },
      });
      expect(scraped.statusCode).toBe(200);
      expect(scraped.body).toContain('teleplay_process_cpu_seconds_total');
    } finally {
      await app.close();
    }
  });
});
