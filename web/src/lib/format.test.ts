import { describe, expect, it } from 'vitest';
import { extensionOf, formatDuration, formatRelative, formatSize, groupDigits } from './format.ts';

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1536, '1.5 KB'],
    [734_003_200, '734 MB'],
    [2_500_000_000, '2.5 GB'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it('writes nothing for impossible sizes', () => {
    expect(formatSize(-1)).toBe('');
    expect(formatSize(Number.NaN)).toBe('');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [67, '1:07'],
    [2467.9, '41:07'],
    [3725, '1:02:05'],
  ])('%d s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it('says "just now" for the last few seconds', () => {
    expect(formatRelative('2026-11-25T11:59:55Z', now)).toBe('just now');
  });
  it('counts minutes and days', () => {
    expect(formatRelative('2026-11-25T11:57:00Z', now)).toBe('3 minutes ago');
    expect(formatRelative('2026-11-22T12:00:00Z', now)).toBe('3 days ago');
  });
  it('rounds up to the next unit near its end', () => {
    expect(formatRelative('2026-11-26T11:59:59Z', now)).toBe('tomorrow');
    expect(formatRelative('2026-11-25T12:50:00Z', now)).toBe('in 1 hour');
  });
});

describe('extensionOf', () => {
  it('lower-cases the last extension', () => {
    expect(extensionOf('Episode 1.MKV')).toBe('mkv');
    expect(extensionOf('archive.tar.gz')).toBe('gz');
  });
  it('is empty without one', () => {
    expect(extensionOf('README')).toBe('');
    expect(extensionOf('.hidden')).toBe('');
    expect(extensionOf('dot.')).toBe('');
  });
});

describe('groupDigits', () => {
  it('splits a six-digit code in two', () => {
    expect(groupDigits('123456')).toBe('123 456');
  });
});
