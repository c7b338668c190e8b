import { describe, expect, it } from 'vitest';
import { checkGetFileRange } from './get-file-rules.ts';

const KIB = 1024;
const MIB = 1024 * KIB;

describe('upload.getFile offset and limit rules', () => {
  it.each([
    [0, MIB],
    [MIB, MIB],
    [4 * KIB, 4 * KIB],
    [512 * KIB, 512 * KIB],
    [960 * KIB, 64 * KIB],
    [3 * MIB + 4 * KIB, 8 * KIB],
  ])('accepts offset %i limit %i without precise', (offset, limit) => {
    expect(checkGetFileRange(offset, limit, false)).toBeUndefined();
  });

  it.each([
    [KIB, 4 * KIB, 'OFFSET_INVALID'],
    [-4 * KIB, 4 * KIB, 'OFFSET_INVALID'],
    [0, 3 * KIB, 'LIMIT_INVALID'],
    [0, 12 * KIB, 'LIMIT_INVALID'],
    [0, 0, 'LIMIT_INVALID'],
    [0, 2 * MIB, 'LIMIT_INVALID'],
    [960 * KIB, 128 * KIB, 'LIMIT_INVALID'],
  ])('refuses offset %i limit %i without precise: %s', (offset, limit, error) => {
    expect(checkGetFileRange(offset, limit, false)).toBe(error);
  });

  it.each([
    [KIB, MIB - KIB],
    [5 * KIB, 3 * KIB],
    [MIB + 7 * KIB, 100 * KIB],
  ])('accepts offset %i limit %i with precise', (offset, limit) => {
    expect(checkGetFileRange(offset, limit, true)).toBeUndefined();
  });

  it.each([
    [512, KIB, 'OFFSET_INVALID'],
    [0, 1000, 'LIMIT_INVALID'],
    [0, MIB + KIB, 'LIMIT_INVALID'],
    [MIB - KIB, 2 * KIB, 'LIMIT_INVALID'],
  ])('refuses offset %i limit %i with precise: %s', (offset, limit, error) => {
    expect(checkGetFileRange(offset, limit, true)).toBe(error);
  });
});
