import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MIB } from './plan.ts';
import { contentDisposition, entityTagOf, type ServedFile, serveFile } from './stream.http.ts';
import { createStreamMetrics } from './stream.metrics.ts';
import { StreamEngine, type StreamEngineOptionsInput } from './stream-engine.ts';
import { FakeFilePartSource, fakeFileBytes, fakeLocation } from './testing/fake-file-part-source.ts';

const LAST_MODIFIED = new Date('2024-03-05T10:20:30Z');
const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function setup(
  size: number,
  options: StreamEngineOptionsInput = {},
  routeMethods: 'GET' | 'GET+HEAD' = 'GET',
) {
  const source = new FakeFilePartSource(['a', 'b']);
  const registry = new Registry();
  const engine = new StreamEngine(source, options, createStreamMetrics(registry));
  const file: ServedFile = {
    location: source.addFile(fakeLocation(size, 1)),
    mimeType: 'video/mp4',
    fileName: 'Été 2024 "final".mp4',
    lastModified: LAST_MODIFIED,
    disposition: 'inline',
  };
  const app = Fastify();
  apps.push(app);
  app.route({
    method: routeMethods === 'GET' ? 'GET' : ['GET', 'HEAD'],
    url: '/file',
    handler: (request, reply) => serveFile(engine, request, reply, file),
  });
  const bytes = (start: number, end: number) => Buffer.from(fakeFileBytes(file.location, start, end + 1));
  return { source, engine, registry, file, app, bytes };
}

describe('serveFile', () => {
  describe('with inject', () => {
    it('sends the whole file with 200 when there is no Range (how Media3 opens)', async () => {
      const { app, bytes, file } = setup(3 * MIB + 17);
      const response = await app.inject({ url: '/file' });
      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject({
        'accept-ranges': 'bytes',
        'content-type': 'video/mp4',
        'content-length': String(3 * MIB + 17),
        etag: entityTagOf(file.location),
        'last-modified': 'Tue, 05 Mar 2024 10:20:30 GMT',
        'content-disposition': `inline; filename="_t_ 2024 _final_.mp4"; filename*=UTF-8''%C3%89t%C3%A9%202024%20%22final%22.mp4`,
      });
      expect(response.headers['content-range']).toBeUndefined();
      expect(Buffer.compare(response.rawPayload, bytes(0, 3 * MIB + 16))).toBe(0);
    });

    it.each([
      ['bytes=0-1', 0, 1], // Safari's probe
      ['bytes=0-', 0, 3 * MIB - 1], // Chrome, VLC
      ['bytes=1048576-', MIB, 3 * MIB - 1],
      ['bytes=1048575-1048576', MIB - 1, MIB],
      ['bytes=-100', 3 * MIB - 100, 3 * MIB - 1],
      ['bytes=3000000-99999999', 3_000_000, 3 * MIB - 1],
      ['bytes=0-99,50-199', 0, 199],
    ])('answers %s with 206 and exactly those bytes', async (range, start, end) => {
      const { app, bytes } = setup(3 * MIB);
      const response = await app.inject({ url: '/file', headers: { range } });
      expect(response.statusCode).toBe(206);
      expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/${3 * MIB}`);
      expect(response.headers['content-length']).toBe(String(end - start + 1));
      expect(response.headers['accept-ranges']).toBe('bytes');
      expect(Buffer.compare(response.rawPayload, bytes(start, end))).toBe(0);
    });

    it('answers an unsatisfiable range with 416 and the size, without asking Telegram', async () => {
      const { app, source } = setup(1000);
      const response = await app.inject({ url: '/file', headers: { range: 'bytes=1000-' } });
      expect(response.statusCode).toBe(416);
      expect(response.headers['content-range']).toBe('bytes */1000');
      expect(response.body).toBe('');
      expect(source.calls).toEqual([]);
    });

    it.each(['bytes=5-1', 'lines=1-2', 'bytes=0-0,-1'])(
      'ignores the Range %s and sends everything',
      async (range) => {
        const { app, bytes } = setup(1000);
        const response = await app.inject({ url: '/file', headers: { range } });
        expect(response.statusCode).toBe(200);
        expect(Buffer.compare(response.rawPayload, bytes(0, 999))).toBe(0);
      },
    );

    it('sends an empty file with 200, Range or not', async () => {
      const { app, source } = setup(0);
      for (const headers of [{}, { range: 'bytes=0-' }]) {
        const response = await app.inject({ url: '/file', headers });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-length']).toBe('0');
        expect(response.rawPayload).toHaveLength(0);
      }
      expect(source.calls).toEqual([]);
    });

    it.each(['GET', 'GET+HEAD'] as const)(
      'answers HEAD like GET without a body or a getFile (route: %s)',
      async (methods) => {
        const { app, source } = setup(5 * MIB, {}, methods);
        for (const range of [undefined, 'bytes=10-19']) {
          const headers = range ? { range } : {};
          const head = await app.inject({ method: 'HEAD', url: '/file', headers });
          const get = await app.inject({ method: 'GET', url: '/file', headers });
          expect(head.statusCode).toBe(get.statusCode);
          const { date: _headDate, ...headHeaders } = head.headers;
          const { date: _getDate, ...getHeaders } = get.headers;
          expect(headHeaders).toEqual(getHeaders);
          expect(head.rawPayload).toHaveLength(0);
        }
        const getCalls = source.calls.length;
        await app.inject({ method: 'HEAD', url: '/file' });
        expect(source.calls).toHaveLength(getCalls);
      },
    );

    it('follows VLC: the ETag of the first answer passes If-Match on the next request', async () => {
      const { app, bytes } = setup(2 * MIB);
      const first = await app.inject({ url: '/file', headers: { range: 'bytes=0-' } });
      const etag = String(first.headers.etag);
      const lastModified = String(first.headers['last-modified']);
      const seek = await app.inject({ url: '/file', headers: { range: 'bytes=1500000-', 'if-match': etag } });
      expect(seek.statusCode).toBe(206);
      expect(Buffer.compare(seek.rawPayload, bytes(1_500_000, 2 * MIB - 1))).toBe(0);
      const byDate = await app.inject({
        url: '/file',
        headers: { range: 'bytes=10-', 'if-unmodified-since': lastModified },
      });
      expect(byDate.statusCode).toBe(206);
    });

    it('answers 412 when If-Match or If-Unmodified-Since fails', async () => {
      const { app, source } = setup(1000);
      expect((await app.inject({ url: '/file', headers: { 'if-match': '"stale"' } })).statusCode).toBe(412);
      const old = 'Mon, 04 Mar 2024 00:00:00 GMT';
      expect((await app.inject({ url: '/file', headers: { 'if-unmodified-since': old } })).statusCode).toBe(
        412,
      );
      expect(source.calls).toEqual([]);
    });

    it('answers 304 to If-None-Match and If-Modified-Since without a body', async () => {
      const { app, source, file } = setup(1000);
      const etag = entityTagOf(file.location);
      const byTag = await app.inject({ url: '/file', headers: { 'if-none-match': etag } });
      expect(byTag.statusCode).toBe(304);
      expect(byTag.headers.etag).toBe(etag);
      expect(byTag.rawPayload).toHaveLength(0);
      const byDate = await app.inject({
        url: '/file',
        headers: { 'if-modified-since': 'Tue, 05 Mar 2024 10:20:30 GMT' },
      });
      expect(byDate.statusCode).toBe(304);
      expect(source.calls).toEqual([]);
    });

    it('honours If-Range: the range when the ETag matches, everything when it does not', async () => {
      const { app, file } = setup(1000);
      const etag = entityTagOf(file.location);
      const match = await app.inject({ url: '/file', headers: { range: 'bytes=0-9', 'if-range': etag } });
      expect(match.statusCode).toBe(206);
      const stale = await app.inject({ url: '/file', headers: { range: 'bytes=0-9', 'if-range': '"old"' } });
      expect(stale.statusCode).toBe(200);
      expect(stale.rawPayload).toHaveLength(1000);
    });

    it('fails with the engine’s status code when nothing can be read', async () => {
      const { app, source } = setup(2 * MIB, { maxAttemptsPerPart: 2 });
      source.injectFault('a', { kind: 'error' }, { times: 10 });
      source.injectFault('b', { kind: 'error' }, { times: 10 });
      const response = await app.inject({ url: '/file' });
      expect(response.statusCode).toBe(502);
      expect(response.headers['content-range']).toBeUndefined();
    });

    it('counts streamed bytes and time to first byte', async () => {
      const { app, registry } = setup(MIB);
      await app.inject({ url: '/file', headers: { range: 'bytes=0-999' } });
      const text = await registry.metrics();
      expect(text).toContain('teleplay_stream_bytes_total 1000');
      expect(text).toContain('teleplay_stream_time_to_first_byte_seconds_count 1');
      expect(text).toContain('teleplay_stream_active 0');
    });
  });

  describe('over a real connection', () => {
    interface ClientResult {
      status: number;
      headers: http.IncomingHttpHeaders;
      received: number;
      complete: boolean;
      hash: string;
    }

    async function listen(app: FastifyInstance): Promise<number> {
      await app.listen({ host: '127.0.0.1', port: 0 });
      return (app.server.address() as AddressInfo).port;
    }

    /** GETs the file, optionally giving up after `stopAfter` bytes, and reports what arrived. */
    function get(port: number, headers: http.OutgoingHttpHeaders = {}, stopAfter = Number.POSITIVE_INFINITY) {
      return new Promise<ClientResult>((resolve, reject) => {
        const request = http.get({ host: '127.0.0.1', port, path: '/file', headers }, (response) => {
          const hash = createHash('sha256');
          let received = 0;
          let finished = false;
          const finish = (complete: boolean) => {
            if (finished) return;
            finished = true;
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              received,
              complete,
              hash: hash.digest('hex'),
            });
          };
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            hash.update(chunk);
            if (received >= stopAfter) {
              request.destroy();
              finish(false);
            }
          });
          response.on('end', () => finish(true));
          response.on('error', () => finish(false));
        });
        request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
      });
    }

    it('streams a large file intact', async () => {
      const { app, bytes } = setup(20 * MIB + 3);
      const port = await listen(app);
      const result = await get(port, { range: 'bytes=100-' });
      expect(result).toMatchObject({ status: 206, complete: true, received: 20 * MIB + 3 - 100 });
      expect(result.hash).toBe(
        createHash('sha256')
          .update(bytes(100, 20 * MIB + 2))
          .digest('hex'),
      );
    });

    it('destroys the connection when Telegram fails after the headers went out', async () => {
      const { app, source } = setup(8 * MIB, { maxAttemptsPerPart: 1, windowBytes: MIB });
      const failAt = (request: { offset: number }) => request.offset >= 3 * MIB;
      source.injectFault('a', { kind: 'error' }, { times: 10, when: failAt });
      source.injectFault('b', { kind: 'error' }, { times: 10, when: failAt });
      const port = await listen(app);
      const result = await get(port);
      expect(result.status).toBe(200);
      expect(result.headers['content-length']).toBe(String(8 * MIB));
      expect(result.complete).toBe(false);
      expect(result.received).toBeLessThan(8 * MIB);
    });

    it('cancels every getFile when the client goes away mid-stream', async () => {
      const { app, source, registry } = setup(64 * MIB);
      // Blocks past the third never come back on their own: only a cancel ends them.
      const stalled = (request: { offset: number }) => request.offset >= 3 * MIB;
      source.injectFault('a', { kind: 'hang' }, { times: 64, when: stalled });
      source.injectFault('b', { kind: 'hang' }, { times: 64, when: stalled });
      const port = await listen(app);
      const result = await get(port, {}, 2 * MIB);
      expect(result.complete).toBe(false);
      expect(source.inFlight()).toBeGreaterThan(0);
      await vi.waitFor(async () => {
        expect(source.inFlight()).toBe(0);
        expect(await registry.metrics()).toContain('teleplay_stream_active 0');
      });
      const calls = source.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(source.calls).toHaveLength(calls);
    });

    it('cancels the fetch when the client goes away before the first byte', async () => {
      const { app, source } = setup(8 * MIB);
      source.setBehaviour('a', { latencyMs: 60_000 });
      source.setBehaviour('b', { latencyMs: 60_000 });
      const port = await listen(app);
      const request = http.get({ host: '127.0.0.1', port, path: '/file' });
      request.on('error', () => {});
      await vi.waitFor(() => expect(source.inFlight()).toBeGreaterThan(0));
      request.destroy();
      await vi.waitFor(() => expect(source.inFlight()).toBe(0));
    });

    it('stops asking Telegram while the client does not read', async () => {
      const { app, source } = setup(256 * MIB, { windowBytes: 4 * MIB });
      const port = await listen(app);
      const response = await new Promise<http.IncomingMessage>((resolve) =>
        http.get({ host: '127.0.0.1', port, path: '/file' }, resolve),
      );
      response.pause();
      try {
        // The socket buffers fill first, each drain letting the engine ask for a little more; then it
        // goes quiet for good.
        await vi.waitFor(
          async () => {
            const calls = source.calls.length;
            await new Promise((resolve) => setTimeout(resolve, 100));
            expect(source.inFlight()).toBe(0);
            expect(source.calls.length).toBe(calls);
          },
          { timeout: 5000, interval: 0 },
        );
        // The window plus what the socket buffers hold: nowhere near the 256 blocks of the file.
        expect(source.calls.length).toBeGreaterThan(0);
        expect(source.calls.length).toBeLessThan(64);
      } finally {
        response.destroy();
      }
    });
  });
});

describe('contentDisposition', () => {
  it('quotes an ASCII name and encodes the exact one', () => {
    expect(contentDisposition('attachment', 'movie.mkv')).toBe(
      `attachment; filename="movie.mkv"; filename*=UTF-8''movie.mkv`,
    );
    expect(contentDisposition('inline', "it's (1) *.mp4")).toBe(
      `inline; filename="it's (1) *.mp4"; filename*=UTF-8''it%27s%20%281%29%20%2A.mp4`,
    );
    expect(contentDisposition('inline', 'a\\b%c\u{1F3AC}\uD800')).toBe(
      `inline; filename="a_b_c__"; filename*=UTF-8''a%5Cb%25c%F0%9F%8E%AC%EF%BF%BD`,
    );
  });
});
