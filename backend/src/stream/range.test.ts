import { describe, expect, it } from 'vitest';
import {
  type ConditionalRequest,
  coalesceRanges,
  contentRange,
  decideResponse,
  formatHttpDate,
  parseHttpDate,
  parseRange,
  unsatisfiedContentRange,
} from './range.ts';

const ETAG = '"v1-abc"';
const MODIFIED = new Date('2024-03-05T10:20:30.750Z');
const MODIFIED_HTTP = 'Tue, 05 Mar 2024 10:20:30 GMT';
const SIZE = 10_000;

const decide = (request: Partial<ConditionalRequest>, size = SIZE) =>
  decideResponse({ method: 'GET', ...request }, { size, etag: ETAG, lastModified: MODIFIED });

describe('parseRange', () => {
  it.each([
    ['bytes=0-499', [{ start: 0, end: 499 }]],
    ['bytes=500-999', [{ start: 500, end: 999 }]],
    ['bytes=9500-', [{ start: 9500, end: 9999 }]],
    ['bytes=0-', [{ start: 0, end: 9999 }]],
    ['bytes=-500', [{ start: 9500, end: 9999 }]],
    ['bytes=-20000', [{ start: 0, end: 9999 }]],
    ['bytes=9999-9999', [{ start: 9999, end: 9999 }]],
    ['bytes=0-0', [{ start: 0, end: 0 }]],
    ['bytes=0-1', [{ start: 0, end: 1 }]],
    ['bytes=5000-99999', [{ start: 5000, end: 9999 }]],
    ['bytes=0-99999999999999999999999', [{ start: 0, end: 9999 }]],
    ['bytes=-99999999999999999999999', [{ start: 0, end: 9999 }]],
    ['Bytes=1-2', [{ start: 1, end: 2 }]],
    [
      'bytes= 1-2 , 4-5',
      [
        { start: 1, end: 2 },
        { start: 4, end: 5 },
      ],
    ],
    ['bytes=1-2,,', [{ start: 1, end: 2 }]],
    ['bytes=20000-,1-2', [{ start: 1, end: 2 }]],
  ])('%s is satisfiable', (header, ranges) => {
    expect(parseRange(header, SIZE)).toEqual({ kind: 'satisfiable', ranges });
  });

  it.each([
    'bytes=10000-',
    'bytes=10000-10005',
    'bytes=99999999999999999999999-',
    'bytes=-0',
    'bytes=10000-,-0',
  ])('%s is unsatisfiable', (header) => {
    expect(parseRange(header, SIZE)).toEqual({ kind: 'unsatisfiable' });
  });

  it.each(['bytes=0-', 'bytes=-1', 'bytes=0-0'])('%s is unsatisfiable for an empty file', (header) => {
    expect(parseRange(header, 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it.each([
    '',
    'bytes',
    'bytes=',
    'bytes=,',
    'bytes=-',
    'bytes=5-1',
    'bytes=a-b',
    'bytes=1-2-3',
    'bytes=--1',
    'bytes=+1-2',
    'bytes=0x10-',
    'bytes=1.5-2',
    'items=0-1',
    'bytes =0-1',
    '0-1',
    'bytes=1 -2',
    'bytes=0-1,5-1',
  ])('%j is malformed', (header) => {
    expect(parseRange(header, SIZE)).toEqual({ kind: 'malformed' });
  });
});

describe('coalesceRanges', () => {
  it('merges overlapping, adjacent and nearly adjacent ranges in any order', () => {
    expect(coalesceRanges([{ start: 0, end: 99 }])).toEqual({ start: 0, end: 99 });
    expect(
      coalesceRanges([
        { start: 50, end: 60 },
        { start: 0, end: 99 },
      ]),
    ).toEqual({ start: 0, end: 99 });
    expect(
      coalesceRanges([
        { start: 100, end: 199 },
        { start: 0, end: 99 },
      ]),
    ).toEqual({ start: 0, end: 199 });
    expect(
      coalesceRanges([
        { start: 0, end: 99 },
        { start: 180, end: 199 },
      ]),
    ).toEqual({ start: 0, end: 199 });
  });

  it('gives up on ranges far apart', () => {
    expect(
      coalesceRanges([
        { start: 0, end: 99 },
        { start: 181, end: 199 },
      ]),
    ).toBeUndefined();
    expect(coalesceRanges([])).toBeUndefined();
  });
});

describe('HTTP dates', () => {
  it('reads the three HTTP-date forms', () => {
    const seconds = Date.UTC(1994, 10, 6, 8, 49, 37) / 1000;
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(seconds);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', new Date('2024-01-01'))).toBe(seconds);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(seconds);
  });

  it('puts a two-digit year at most 50 years ahead', () => {
    expect(parseHttpDate('Friday, 01-Jan-60 00:00:00 GMT', new Date('2024-01-01'))).toBe(
      Date.UTC(2060, 0, 1) / 1000,
    );
    expect(parseHttpDate('Friday, 01-Jan-80 00:00:00 GMT', new Date('2024-01-01'))).toBe(
      Date.UTC(1980, 0, 1) / 1000,
    );
  });

  it.each([
    '1',
    'yesterday',
    '2024-03-05T10:20:30Z',
    'Tue, 05 Foo 2024 10:20:30 GMT',
    'Tue, 05 Mar 2024 25:20:30 GMT',
  ])('rejects %j', (value) => {
    expect(parseHttpDate(value)).toBeUndefined();
  });

  it('formats Last-Modified as IMF-fixdate, whole seconds', () => {
    expect(formatHttpDate(MODIFIED)).toBe(MODIFIED_HTTP);
    expect(parseHttpDate(formatHttpDate(MODIFIED))).toBe(Math.floor(MODIFIED.getTime() / 1000));
  });
});

describe('decideResponse', () => {
  describe('Range', () => {
    it('sends the whole body without a Range (Media3 opens this way)', () => {
      expect(decide({})).toEqual({ status: 200 });
    });

    it('answers Safari’s bytes=0-1 probe with 206', () => {
      expect(decide({ range: 'bytes=0-1' })).toEqual({ status: 206, range: { start: 0, end: 1 } });
    });

    it('answers open, closed and suffix ranges with 206', () => {
      expect(decide({ range: 'bytes=0-' })).toEqual({ status: 206, range: { start: 0, end: SIZE - 1 } });
      expect(decide({ range: 'bytes=4096-' })).toEqual({
        status: 206,
        range: { start: 4096, end: SIZE - 1 },
      });
      expect(decide({ range: 'bytes=100-199' })).toEqual({ status: 206, range: { start: 100, end: 199 } });
      expect(decide({ range: 'bytes=-1' })).toEqual({
        status: 206,
        range: { start: SIZE - 1, end: SIZE - 1 },
      });
    });

    it('clamps the end to the last byte', () => {
      expect(decide({ range: 'bytes=9000-20000' })).toEqual({
        status: 206,
        range: { start: 9000, end: SIZE - 1 },
      });
    });

    it('answers 416 when no range overlaps the body', () => {
      expect(decide({ range: `bytes=${SIZE}-` })).toEqual({ status: 416 });
      expect(decide({ range: 'bytes=-0' })).toEqual({ status: 416 });
    });

    it('ignores a malformed Range', () => {
      expect(decide({ range: 'bytes=5-1' })).toEqual({ status: 200 });
      expect(decide({ range: 'pages=1-2' })).toEqual({ status: 200 });
    });

    it('sends an empty file whole even when a Range asks for bytes', () => {
      expect(decide({ range: 'bytes=0-' }, 0)).toEqual({ status: 200 });
      expect(decide({ range: 'bytes=-5' }, 0)).toEqual({ status: 200 });
      expect(decide({}, 0)).toEqual({ status: 200 });
    });

    it('coalesces overlapping ranges into one 206 and sends disjoint ones whole', () => {
      expect(decide({ range: 'bytes=0-99,50-199' })).toEqual({ status: 206, range: { start: 0, end: 199 } });
      expect(decide({ range: 'bytes=0-0,-1' })).toEqual({ status: 200 });
    });

    it('answers HEAD like GET, range included', () => {
      expect(decide({ method: 'HEAD', range: 'bytes=0-1' })).toEqual({
        status: 206,
        range: { start: 0, end: 1 },
      });
      expect(decide({ method: 'HEAD' })).toEqual({ status: 200 });
    });

    it('ignores Range on methods without range semantics', () => {
      expect(decide({ method: 'POST', range: 'bytes=0-1' })).toEqual({ status: 200 });
    });
  });

  describe('If-Range', () => {
    it('sends the range when the strong entity tag matches', () => {
      expect(decide({ range: 'bytes=10-19', ifRange: ETAG })).toEqual({
        status: 206,
        range: { start: 10, end: 19 },
      });
    });

    it('sends the whole body when the entity tag differs or is weak', () => {
      expect(decide({ range: 'bytes=10-19', ifRange: '"other"' })).toEqual({ status: 200 });
      expect(decide({ range: 'bytes=10-19', ifRange: `W/${ETAG}` })).toEqual({ status: 200 });
    });

    it('sends the range only when the date equals Last-Modified', () => {
      expect(decide({ range: 'bytes=10-19', ifRange: MODIFIED_HTTP })).toEqual({
        status: 206,
        range: { start: 10, end: 19 },
      });
      expect(decide({ range: 'bytes=10-19', ifRange: 'Tue, 05 Mar 2024 10:20:31 GMT' })).toEqual({
        status: 200,
      });
      expect(decide({ range: 'bytes=10-19', ifRange: 'Tue, 05 Mar 2024 10:20:29 GMT' })).toEqual({
        status: 200,
      });
      expect(decide({ range: 'bytes=10-19', ifRange: 'not a date' })).toEqual({ status: 200 });
    });

    it('is ignored without a Range', () => {
      expect(decide({ ifRange: '"other"' })).toEqual({ status: 200 });
    });

    it('does not rescue an unsatisfiable range when it fails', () => {
      expect(decide({ range: `bytes=${SIZE}-`, ifRange: '"other"' })).toEqual({ status: 200 });
      expect(decide({ range: `bytes=${SIZE}-`, ifRange: ETAG })).toEqual({ status: 416 });
    });
  });

  describe('If-Match and If-Unmodified-Since (VLC sends these on later requests)', () => {
    it('passes when the tag matches, also with the W/ that VLC strips', () => {
      expect(decide({ range: 'bytes=5-', ifMatch: ETAG })).toEqual({
        status: 206,
        range: { start: 5, end: SIZE - 1 },
      });
      expect(decide({ ifMatch: `"x", ${ETAG}` })).toEqual({ status: 200 });
      expect(decide({ ifMatch: '*' })).toEqual({ status: 200 });
    });

    it('fails with 412 when no tag matches strongly', () => {
      expect(decide({ range: 'bytes=5-', ifMatch: '"other"' })).toEqual({ status: 412 });
      expect(decide({ ifMatch: `W/${ETAG}` })).toEqual({ status: 412 });
      expect(decide({ ifMatch: 'garbage' })).toEqual({ status: 412 });
    });

    it('fails with 412 when modified after If-Unmodified-Since', () => {
      expect(decide({ ifUnmodifiedSince: 'Tue, 05 Mar 2024 10:20:29 GMT' })).toEqual({ status: 412 });
      expect(decide({ range: 'bytes=0-0', ifUnmodifiedSince: MODIFIED_HTTP })).toEqual({
        status: 206,
        range: { start: 0, end: 0 },
      });
      expect(decide({ ifUnmodifiedSince: 'Wed, 06 Mar 2024 00:00:00 GMT' })).toEqual({ status: 200 });
    });

    it('ignores an invalid If-Unmodified-Since, and If-Unmodified-Since when If-Match is present', () => {
      expect(decide({ ifUnmodifiedSince: 'soon' })).toEqual({ status: 200 });
      expect(decide({ ifMatch: ETAG, ifUnmodifiedSince: 'Mon, 01 Jan 2024 00:00:00 GMT' })).toEqual({
        status: 200,
      });
    });
  });

  describe('If-None-Match and If-Modified-Since', () => {
    it('answers 304 when a tag matches, weakly', () => {
      expect(decide({ ifNoneMatch: ETAG })).toEqual({ status: 304 });
      expect(decide({ ifNoneMatch: `"a", W/${ETAG}` })).toEqual({ status: 304 });
      expect(decide({ ifNoneMatch: '*', range: 'bytes=0-1' })).toEqual({ status: 304 });
      expect(decide({ method: 'HEAD', ifNoneMatch: ETAG })).toEqual({ status: 304 });
    });

    it('answers 412 instead of 304 for other methods', () => {
      expect(decide({ method: 'POST', ifNoneMatch: ETAG })).toEqual({ status: 412 });
    });

    it('serves normally when no tag matches', () => {
      expect(decide({ ifNoneMatch: '"other"', range: 'bytes=0-1' })).toEqual({
        status: 206,
        range: { start: 0, end: 1 },
      });
    });

    it('answers 304 when not modified since, unless If-None-Match decides', () => {
      expect(decide({ ifModifiedSince: MODIFIED_HTTP })).toEqual({ status: 304 });
      expect(decide({ ifModifiedSince: 'Tue, 05 Mar 2024 10:20:29 GMT' })).toEqual({ status: 200 });
      expect(decide({ ifModifiedSince: MODIFIED_HTTP, ifNoneMatch: '"other"' })).toEqual({ status: 200 });
      expect(decide({ ifModifiedSince: 'garbage' })).toEqual({ status: 200 });
    });

    it('checks If-Match before If-None-Match', () => {
      expect(decide({ ifMatch: '"other"', ifNoneMatch: ETAG })).toEqual({ status: 412 });
    });
  });

  it('rejects a representation whose ETag is not an entity tag', () => {
    expect(() =>
      decideResponse({ method: 'GET' }, { size: 1, etag: 'bare', lastModified: MODIFIED }),
    ).toThrow(TypeError);
  });
});

describe('Content-Range', () => {
  it('formats satisfied and unsatisfied ranges', () => {
    expect(contentRange({ start: 0, end: 1 }, 10)).toBe('bytes 0-1/10');
    expect(unsatisfiedContentRange(10)).toBe('bytes */10');
  });
});
