// RFC 9110 range requests (§14) and conditional requests (§13), as pure functions. Go's `serveContent`
// is the reference, with two deliberate differences: a malformed Range is ignored (200) instead of
// answered with 416, and several ranges are coalesced or ignored instead of sent as multipart/byteranges,
// which no real player asks for and VLC rejects (streaming.md §4.3–4.4).

/** An inclusive byte range, as in `Content-Range`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export type ParsedRange =
  | { readonly kind: 'satisfiable'; readonly ranges: readonly ByteRange[] }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'malformed' };

/**
 * Ranges closer than this are merged: a multipart part header costs about as much (RFC 9110 §14.2 allows
 * coalescing such ranges).
 */
const COALESCE_GAP_BYTES = 80;

const RANGE_SPEC = /^(\d*)-(\d*)$/;

/** Decimal digits to a number; values past 2^53 become Infinity, which every size comparison handles. */
function parsePosition(digits: string): number {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : Number.POSITIVE_INFINITY;
}

/**
 * Parses a `Range` header against a representation of `size` bytes. Satisfiable ranges come back clamped
 * to the representation, in request order.
 */
export function parseRange(header: string, size: number): ParsedRange {
  const equals = header.indexOf('=');
  if (equals < 0 || header.slice(0, equals).toLowerCase() !== 'bytes') return { kind: 'malformed' };
  const ranges: ByteRange[] = [];
  let specs = 0;
  for (const element of header.slice(equals + 1).split(',')) {
    const spec = element.trim();
    if (spec === '') continue; // empty list elements are allowed (RFC 9110 §5.6.1)
    specs += 1;
    const match = RANGE_SPEC.exec(spec);
    if (!match) return { kind: 'malformed' };
    const [, first = '', last = ''] = match;
    if (first === '') {
      if (last === '') return { kind: 'malformed' };
      // Suffix range: the last n bytes. A zero length selects nothing, so it is unsatisfiable.
      const length = Math.min(parsePosition(last), size);
      if (length > 0) ranges.push({ start: size - length, end: size - 1 });
      continue;
    }
    const start = parsePosition(first);
    const end = last === '' ? Number.POSITIVE_INFINITY : parsePosition(last);
    if (end < start) return { kind: 'malformed' };
    if (start < size) ranges.push({ start, end: Math.min(end, size - 1) });
  }
  if (specs === 0) return { kind: 'malformed' };
  return ranges.length > 0 ? { kind: 'satisfiable', ranges } : { kind: 'unsatisfiable' };
}

/**
 * Reduces satisfiable ranges to the one range to send, or undefined when they stay disjoint after merging
 * overlapping and nearly adjacent ones; the caller then sends the whole representation.
 */
export function coalesceRanges(ranges: readonly ByteRange[]): ByteRange | undefined {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const [first, ...rest] = sorted;
  if (!first) return undefined;
  let merged = first;
  for (const range of rest) {
    if (range.start > merged.end + 1 + COALESCE_GAP_BYTES) return undefined;
    merged = { start: merged.start, end: Math.max(merged.end, range.end) };
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Validators
// ---------------------------------------------------------------------------------------------

interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/**
 * Parses `#entity-tag` (RFC 9110 §8.8.3). Returns undefined for a malformed list, which then matches
 * nothing, as in Go.
 */
function parseEntityTags(value: string): EntityTag[] | undefined {
  const tags: EntityTag[] = [];
  let at = 0;
  while (at < value.length) {
    const char = value[at];
    if (char === ' ' || char === '\t' || char === ',') {
      at += 1;
      continue;
    }
    const weak = value.startsWith('W/', at);
    const open = weak ? at + 2 : at;
    if (value[open] !== '"') return undefined;
    const close = value.indexOf('"', open + 1);
    if (close < 0) return undefined;
    tags.push({ weak, opaque: value.slice(open + 1, close) });
    at = close + 1;
  }
  return tags;
}

function parseEntityTag(value: string): EntityTag | undefined {
  const tags = parseEntityTags(value.trim());
  return tags?.length === 1 ? tags[0] : undefined;
}

/** True when the header is `*` or lists a tag equal to `etag`, compared strongly or weakly. */
function listMatches(header: string, etag: EntityTag, strong: boolean): boolean {
  if (header.trim() === '*') return true;
  const tags = parseEntityTags(header) ?? [];
  return tags.some((tag) => tag.opaque === etag.opaque && (!strong || (!tag.weak && !etag.weak)));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

function utcSeconds(
  year: number,
  month: string,
  day: string,
  hour: string,
  minute: string,
  second: string,
): number | undefined {
  const monthIndex = MONTHS.indexOf(month);
  if (monthIndex < 0) return undefined;
  const [d, h, m, s] = [day, hour, minute, second].map((part) => Number(part.trim())) as [
    number,
    number,
    number,
    number,
  ];
  if (d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return undefined;
  return Date.UTC(year, monthIndex, d, h, m, Math.min(s, 59)) / 1000;
}

/**
 * Parses an HTTP-date in any of the three forms of RFC 9110 §5.6.7, to whole seconds since the epoch.
 * Anything else is undefined: `Date.parse` is far too lenient for validators.
 */
export function parseHttpDate(value: string, now: Date = new Date()): number | undefined {
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    const [, day = '', month = '', year = '', hour = '', minute = '', second = ''] = match;
    return utcSeconds(Number(year), month, day, hour, minute, second);
  }
  match = RFC850_DATE.exec(text);
  if (match) {
    const [, day = '', month = '', shortYear = '', hour = '', minute = '', second = ''] = match;
    // A two-digit year more than 50 years ahead is the most recent past year with those digits.
    const currentYear = now.getUTCFullYear();
    let year = currentYear - (currentYear % 100) + Number(shortYear);
    if (year > currentYear + 50) year -= 100;
    return utcSeconds(year, month, day, hour, minute, second);
  }
  match = ASCTIME_DATE.exec(text);
  if (match) {
    const [, month = '', day = '', hour = '', minute = '', second = '', year = ''] = match;
    return utcSeconds(Number(year), month, day, hour, minute, second);
  }
  return undefined;
}

/** `Last-Modified` value: IMF-fixdate, which is what `toUTCString` produces. */
export function formatHttpDate(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toUTCString();
}

// ---------------------------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------------------------

/** The request headers that decide the status; absent headers are undefined. */
export interface ConditionalRequest {
  readonly method: string;
  readonly range?: string | undefined;
  readonly ifRange?: string | undefined;
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
  readonly ifModifiedSince?: string | undefined;
  readonly ifUnmodifiedSince?: string | undefined;
}

export interface Representation {
  readonly size: number;
  /** A strong entity tag, quoted: `"…"`. */
  readonly etag: string;
  readonly lastModified: Date;
}

export type ResponseDecision =
  | { readonly status: 200 }
  | { readonly status: 206; readonly range: ByteRange }
  | { readonly status: 304 }
  | { readonly status: 412 }
  | { readonly status: 416 };

/**
 * Evaluates preconditions in the order of RFC 9110 §13.2.2, then the Range header. HEAD is answered as
 * GET would be, range included, as Go does, so a HEAD probe shows what the GET will return.
 */
export function decideResponse(
  request: ConditionalRequest,
  representation: Representation,
): ResponseDecision {
  const etag = parseEntityTag(representation.etag);
  if (!etag) throw new TypeError(`not an entity tag: ${representation.etag}`);
  const modifiedSeconds = Math.floor(representation.lastModified.getTime() / 1000);
  const safe = request.method === 'GET' || request.method === 'HEAD';

  if (request.ifMatch !== undefined) {
    if (!listMatches(request.ifMatch, etag, true)) return { status: 412 };
  } else if (request.ifUnmodifiedSince !== undefined) {
    const since = parseHttpDate(request.ifUnmodifiedSince);
    if (since !== undefined && modifiedSeconds > since) return { status: 412 };
  }

  if (request.ifNoneMatch !== undefined) {
    if (listMatches(request.ifNoneMatch, etag, false)) return safe ? { status: 304 } : { status: 412 };
  } else if (safe && request.ifModifiedSince !== undefined) {
    const since = parseHttpDate(request.ifModifiedSince);
    if (since !== undefined && modifiedSeconds <= since) return { status: 304 };
  }

  if (!safe || request.range === undefined) return { status: 200 };
  if (request.ifRange !== undefined && !ifRangeHolds(request.ifRange, etag, modifiedSeconds)) {
    return { status: 200 };
  }
  const parsed = parseRange(request.range, representation.size);
  switch (parsed.kind) {
    case 'malformed':
      return { status: 200 };
    case 'unsatisfiable':
      // Some clients put a Range on every request; an empty file answers them with its empty body.
      return representation.size === 0 ? { status: 200 } : { status: 416 };
    case 'satisfiable': {
      const range = coalesceRanges(parsed.ranges);
      return range ? { status: 206, range } : { status: 200 };
    }
  }
}

/** If-Range holds for an equal strong entity tag, or for exactly the Last-Modified date (§13.1.5). */
function ifRangeHolds(value: string, etag: EntityTag, modifiedSeconds: number): boolean {
  const text = value.trim();
  if (text.startsWith('"') || text.startsWith('W/')) {
    const tag = parseEntityTag(text);
    return tag !== undefined && !tag.weak && !etag.weak && tag.opaque === etag.opaque;
  }
  return parseHttpDate(text) === modifiedSeconds;
}

/** `Content-Range` for a 206. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

/** `Content-Range` for a 416. */
export function unsatisfiedContentRange(size: number): string {
  return `bytes */${size}`;
}
