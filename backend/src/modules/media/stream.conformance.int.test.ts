import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  expectedSha256,
  type MediaTestBed,
  type PostedFile,
  startMediaTestBed,
} from './testing/media-test-bed.ts';

// Every case of streaming.md §4.4, over HTTP, through the stream routes, the stream engine and the real
// Telegram gateway, against files in the sandbox's storage channel.

const MIB = 1024 * 1024;
const SIZE = 3 * MIB + 12_345;

let bed: MediaTestBed;
let film: PostedFile;
let filmPath: string;

beforeAll(async () => {
  bed = await startMediaTestBed();
  film = await bed.postFile(SIZE, { name: 'Film №1.mp4' });
  filmPath = await bed.mediaPath(film.fileId, 'stream');
});

afterAll(async () => {
  await bed?.close();
});

const get = (headers: http.OutgoingHttpHeaders = {}, path = filmPath) => bed.request(path, { headers });
const head = (headers: http.OutgoingHttpHeaders = {}, path = filmPath) =>
  bed.request(path, { headers, method: 'HEAD' });
/** Headers without those that change from one response to the next (the date, the rate-limit count). */
const stable = (headers: object) =>
  Object.fromEntries(
    Object.entries(headers).filter(([name]) => name !== 'date' && !name.startsWith('x-ratelimit-')),
  );
const filmHash = (start: number, end: number) => expectedSha256(film.seed, start, end - start + 1);

describe('streaming.md §4.4 against a file in the sandbox', () => {
  it('answers a request without Range with 200 and the whole file (how Media3 opens)', async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(String(SIZE));
    expect(response.headers['content-range']).toBeUndefined();
    expect(response.complete).toBe(true);
    expect(response.sha256).toBe(filmHash(0, SIZE - 1));
  });

  it('sends Accept-Ranges: bytes on 200, 206 and HEAD', async () => {
    for (const response of [await get(), await get({ range: 'bytes=0-1' }), await head()]) {
      expect(response.headers['accept-ranges']).toBe('bytes');
    }
  });

  it.each([
    ['a-b', 'bytes=100-199', 100, 199],
    ['a- (Chrome, VLC)', 'bytes=2000000-', 2_000_000, SIZE - 1],
    ['a- from byte 0', 'bytes=0-', 0, SIZE - 1],
    ['suffix -n', 'bytes=-500', SIZE - 500, SIZE - 1],
    ['suffix longer than the file', `bytes=-${SIZE + 10}`, 0, SIZE - 1],
    ['b clamped to size-1', 'bytes=3145000-99999999999', 3_145_000, SIZE - 1],
    ['Safari’s probe 0-1', 'bytes=0-1', 0, 1],
    ['one byte on a block boundary', `bytes=${MIB}-${MIB}`, MIB, MIB],
    ['across a block boundary', `bytes=${MIB - 3}-${2 * MIB + 2}`, MIB - 3, 2 * MIB + 2],
    ['the last byte', `bytes=${SIZE - 1}-`, SIZE - 1, SIZE - 1],
  ])('answers a single range %s with 206 and exactly its bytes', async (_case, range, start, end) => {
    const response = await get({ range });
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(response.headers['content-length']).toBe(String(end - start + 1));
    expect(response.bytes).toBe(end - start + 1);
    expect(response.complete).toBe(true);
    expect(response.sha256).toBe(filmHash(start, end));
  });

  it('answers an unsatisfiable range with 416 and Content-Range: bytes */size, without a getFile', async () => {
    const calls = bed.getFileCalls();
    for (const range of [`bytes=${SIZE}-`, `bytes=${SIZE + 100}-${SIZE + 200}`, 'bytes=-0']) {
      const response = await get({ range });
      expect(response.status, range).toBe(416);
      expect(response.headers['content-range']).toBe(`bytes */${SIZE}`);
      expect(response.bytes).toBe(0);
    }
    expect(bed.getFileCalls()).toBe(calls);
  });

  it('answers an empty file with 200 and no body, Range or not', async () => {
    const empty = await bed.postFile(0);
    const path = await bed.mediaPath(empty.fileId, 'stream');
    for (const headers of [{}, { range: 'bytes=0-' }, { range: 'bytes=-1' }]) {
      const response = await get(headers, path);
      expect(response.status).toBe(200);
      expect(response.headers['content-length']).toBe('0');
      expect(response.bytes).toBe(0);
    }
  });

  it.each(['bytes=5-1', 'bytes=abc', 'items=0-1', 'bytes=', 'bytes=1-2-3', 'bytes=--5'])(
    'ignores the malformed Range %j and sends the whole file with 200',
    async (range) => {
      const response = await get({ range });
      expect(response.status).toBe(200);
      expect(response.headers['content-range']).toBeUndefined();
      expect(response.sha256).toBe(filmHash(0, SIZE - 1));
    },
  );

  it('merges overlapping or adjacent ranges into one 206, and answers far-apart ranges with 200', async () => {
    const merged = await get({ range: 'bytes=0-99,50-199,200-299' });
    expect(merged.status).toBe(206);
    expect(merged.headers['content-range']).toBe(`bytes 0-299/${SIZE}`);
    expect(merged.sha256).toBe(filmHash(0, 299));

    const apart = await get({ range: `bytes=0-0,${2 * MIB}-${2 * MIB}` });
    expect(apart.status).toBe(200);
    expect(apart.headers['content-type']).toBe('video/mp4');
    expect(apart.sha256).toBe(filmHash(0, SIZE - 1));
  });

  it('answers HEAD with the headers of the same GET, no body and no getFile', async () => {
    for (const range of [undefined, 'bytes=10-19', `bytes=${SIZE}-`]) {
      const headers = range ? { range } : {};
      const calls = bed.getFileCalls();
      const probe = await head(headers);
      expect(bed.getFileCalls()).toBe(calls);
      const full = await get(headers);
      expect(probe.status).toBe(full.status);
      expect(probe.bytes).toBe(0);
      expect(stable(probe.headers)).toEqual(stable(full.headers));
    }
  });

  it('sends a strong ETag from immutable identifiers and Last-Modified from the message date', async () => {
    const first = await head();
    const again = await get({ range: 'bytes=5-6' });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(again.headers.etag).toBe(etag);
    expect(first.headers['last-modified']).toBe(new Date(film.file.uploadedAt).toUTCString());
    // Another file of the same size and name is another entity.
    const twin = await bed.postFile(SIZE, { name: 'Film №1.mp4' });
    expect((await head({}, await bed.mediaPath(twin.fileId, 'stream'))).headers.etag).not.toBe(etag);
  });

  it('honours If-Range: the range when the validator matches, the whole file when it does not', async () => {
    const { etag, 'last-modified': lastModified } = (await head()).headers;
    const range = 'bytes=1000-1999';
    expect((await get({ range, 'if-range': String(etag) })).status).toBe(206);
    expect((await get({ range, 'if-range': String(lastModified) })).status).toBe(206);
    for (const stale of ['"another"', `W/${etag}`, 'Mon, 01 Jan 2001 00:00:00 GMT']) {
      const response = await get({ range, 'if-range': stale });
      expect(response.status, stale).toBe(200);
      expect(response.sha256).toBe(filmHash(0, SIZE - 1));
    }
  });

  it('follows VLC: If-Match with the ETag (or If-Unmodified-Since) seeks; a stale one is 412', async () => {
    const opening = await get({ range: 'bytes=0-' });
    const { etag, 'last-modified': lastModified } = opening.headers;
    const seek = await get({ range: 'bytes=2500000-', 'if-match': String(etag) });
    expect(seek.status).toBe(206);
    expect(seek.sha256).toBe(filmHash(2_500_000, SIZE - 1));
    expect((await get({ range: 'bytes=10-', 'if-unmodified-since': String(lastModified) })).status).toBe(206);
    expect((await get({ range: 'bytes=10-', 'if-match': '"stale"' })).status).toBe(412);
    const before = new Date(new Date(film.file.uploadedAt).getTime() - 60_000).toUTCString();
    expect((await get({ 'if-unmodified-since': before })).status).toBe(412);
  });

  it('answers If-None-Match and If-Modified-Since with 304 and no body', async () => {
    const { etag, 'last-modified': lastModified } = (await head()).headers;
    for (const headers of [
      { 'if-none-match': String(etag) },
      { 'if-modified-since': String(lastModified) },
    ]) {
      const response = await get(headers);
      expect(response.status).toBe(304);
      expect(response.bytes).toBe(0);
      expect(response.headers.etag).toBe(etag);
    }
  });

  it('sends the document’s type, an inline disposition with filename*, and CORS for cross-origin players', async () => {
    const response = await head({ origin: 'https://player.example' });
    expect(response.headers).toMatchObject({
      'content-type': 'video/mp4',
      'content-disposition': `inline; filename="Film _1.mp4"; filename*=UTF-8''Film%20%E2%84%961.mp4`,
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'Content-Range, Content-Length, Accept-Ranges, ETag',
    });
  });

  it('aborts the connection, never ends it short, when Telegram fails after the headers went out', async () => {
    const doomed = await bed.postFile(48 * MIB);
    const response = await bed.request(await bed.mediaPath(doomed.fileId, 'stream'), {
      // The reader waits while the message disappears: every bot then fails on the blocks not yet fetched.
      onProgress: {
        bytes: MIB,
        run: () => bed.gateway.deleteStorageMessages([doomed.file.telegram.messageId]),
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(String(48 * MIB));
    expect(response.complete).toBe(false);
    expect(response.bytes).toBeLessThan(48 * MIB);
  });

  it('stops asking Telegram while the client does not read (back-pressure)', async () => {
    const big = await bed.postFile(200 * MIB);
    const callsBefore = bed.getFileCalls();
    let fetchedWhilePaused = Number.POSITIVE_INFINITY;
    const response = await bed.request(await bed.mediaPath(big.fileId, 'stream'), {
      onProgress: {
        bytes: MIB,
        run: async () => {
          // The buffers between the engine and the paused reader fill first; then the engine goes quiet.
          await vi.waitFor(
            async () => {
              const calls = bed.getFileCalls();
              await sleep(250);
              expect(bed.getFileInFlight()).toBe(0);
              expect(bed.getFileCalls()).toBe(calls);
            },
            { timeout: 10_000, interval: 0 },
          );
          fetchedWhilePaused = bed.getFileCalls() - callsBefore;
        },
      },
      stopAfter: 4 * MIB,
    });
    expect(response.bytes).toBeGreaterThanOrEqual(4 * MIB);
    // One MiB read, the read-ahead window (16 MiB at most) and socket buffers: nowhere near 200 MiB.
    expect(fetchedWhilePaused).toBeLessThanOrEqual(32);
  });

  it('serves a seek back from the shared block cache, the way a second viewer is served', async () => {
    const range = `bytes=${MIB}-${3 * MIB - 1}`;
    await get({ range });
    const calls = bed.getFileCalls();
    const again = await get({ range });
    expect(again.sha256).toBe(filmHash(MIB, 3 * MIB - 1));
    expect(bed.getFileCalls()).toBe(calls);
  });
});

describe('byte-exact ranges through the gateway and HTTP', () => {
  const RANGES = 1000;
  const CONCURRENCY = 8;
  const LARGE = 300 * MIB;

  /** The ranges of one file worth checking: edges, block boundaries, single bytes, suffixes, spans. */
  function rangeOf(size: number) {
    const position = fc.integer({ min: 0, max: size - 1 });
    const boundary = fc
      .integer({ min: 1, max: Math.max(1, Math.floor((size - 1) / MIB)) })
      .map((block) => block * MIB);
    const length = fc.integer({ min: 0, max: 22 }).chain((bits) => fc.integer({ min: 1, max: 2 ** bits }));
    const span = (start: number, count: number) => ({ start, end: Math.min(size - 1, start + count - 1) });
    return fc.oneof(
      fc.constant({ header: 'bytes=0-0', start: 0, end: 0 }),
      fc.constant({ header: `bytes=${size - 1}-${size - 1}`, start: size - 1, end: size - 1 }),
      position.map((at) => ({ header: `bytes=${at}-${at}`, start: at, end: at })),
      fc.tuple(boundary, fc.integer({ min: -2, max: 1 }), length).map(([at, shift, count]) => {
        const { start, end } = span(Math.min(size - 1, Math.max(0, at + shift)), count);
        return { header: `bytes=${start}-${end}`, start, end };
      }),
      length.map((count) => ({ header: `bytes=-${count}`, start: Math.max(0, size - count), end: size - 1 })),
      // Open ranges near the end only: one from the start of a 300 MiB file would dwarf the rest.
      fc.integer({ min: Math.max(0, size - 6 * MIB), max: size - 1 }).map((start) => ({
        header: `bytes=${start}-`,
        start,
        end: size - 1,
      })),
      fc.tuple(position, length).map(([at, count]) => {
        const { start, end } = span(at, count);
        return { header: `bytes=${start}-${end}`, start, end };
      }),
    );
  }

  it(`returns the source bytes for ${RANGES} random ranges of files of 0 B, 1 B, 1 MiB, 1 MiB + 1 and 300 MiB`, async () => {
    const files = await Promise.all(
      [0, 1, MIB, MIB + 1, LARGE].map(async (size) => {
        const posted = await bed.postFile(size);
        return { ...posted, size, path: await bed.mediaPath(posted.fileId, 'stream') };
      }),
    );
    const cases = fc.sample(
      fc
        .constantFrom(...files)
        .chain((file) =>
          file.size === 0
            ? fc.constantFrom(
                { file, header: 'bytes=0-', start: 0, end: -1 },
                { file, header: 'bytes=-1', start: 0, end: -1 },
              )
            : rangeOf(file.size).map((range) => ({ file, ...range })),
        ),
      { numRuns: RANGES, seed: 4404 },
    );

    const mismatches: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const { file, header, start, end } = cases[next++]!;
          const response = await bed.request(file.path, { headers: { range: header } });
          const status = file.size === 0 ? 200 : 206;
          const length = end - start + 1;
          if (
            response.status !== status ||
            !response.complete ||
            response.bytes !== length ||
            response.sha256 !== expectedSha256(file.seed, start, length)
          ) {
            mismatches.push(`${file.size} B ${header}: ${response.status}, ${response.bytes} bytes`);
          }
        }
      }),
    );
    expect(mismatches).toEqual([]);
  }, 120_000);
});
