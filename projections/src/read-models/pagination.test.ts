import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  MAX_PAGE_SIZE,
  pageSize,
  toPage,
} from './pagination.ts';

describe('cursors', () => {
  it('round-trips a key under its tag', () => {
    const cursor = encodeCursor('files:name:asc', ['episode 002', 'f-1']);
    expect(decodeCursor(cursor, 'files:name:asc', ['string', 'string'])).toEqual(['episode 002', 'f-1']);
  });

  it('refuses a cursor of another sort order', () => {
    const cursor = encodeCursor('files:size:asc', [10, 'f-1']);
    expect(() => decodeCursor(cursor, 'files:size:desc', ['number', 'string'])).toThrow(InvalidCursorError);
  });

  it.each([
    ['garbage', 'not base64 json'],
    ['wrong shape', Buffer.from('[1,2]').toString('base64url')],
    ['wrong key types', encodeCursor('t', ['10', 'f-1'])],
    ['wrong key length', encodeCursor('t', [10])],
  ])('refuses %s', (_, cursor) => {
    expect(() => decodeCursor(cursor, 't', ['number', 'string'])).toThrow(InvalidCursorError);
  });
});

describe('pageSize', () => {
  it('defaults, clamps and rounds down', () => {
    expect(pageSize(undefined, 20)).toBe(20);
    expect(pageSize(0)).toBe(1);
    expect(pageSize(10_000)).toBe(MAX_PAGE_SIZE);
    expect(pageSize(7.9)).toBe(7);
    expect(pageSize(Number.NaN, 5)).toBe(5);
  });
});

describe('toPage', () => {
  const cursorOf = (n: number) => `after-${n}`;
  it('gives a cursor only when a row beyond the page was fetched', () => {
    expect(toPage([1, 2, 3], 2, String, cursorOf)).toEqual({ items: ['1', '2'], nextCursor: 'after-2' });
    expect(toPage([1, 2], 2, String, cursorOf)).toEqual({ items: ['1', '2'], nextCursor: null });
  });
});
