import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedPartLength, filePartViolation, MIB, type PlannedPart, planRange } from './plan.ts';

const GIB = 1024 * MIB;

/** A file size and an inclusive range inside it, biased towards block edges and tiny files. */
const sizeAndRange = fc
  .oneof(
    fc.integer({ min: 1, max: 4 * 1024 }),
    fc.integer({ min: 1, max: 3 * MIB + 5 }),
    fc.constantFrom(1, MIB - 1, MIB, MIB + 1, 2 * MIB, 4 * GIB - 1, 8000 * 512 * 1024),
    fc.integer({ min: 1, max: 4 * GIB }),
  )
  .chain((size) => {
    const position = fc.oneof(
      fc.integer({ min: 0, max: size - 1 }),
      fc.constantFrom(0, size - 1),
      fc
        .integer({ min: 0, max: Math.floor((size - 1) / MIB) })
        .chain((block) => fc.constantFrom(-1, 0, 1, 1023, 1024, 4096).map((delta) => block * MIB + delta)),
    );
    const inside = position.map((value) => Math.min(Math.max(value, 0), size - 1));
    // Long ranges are all alike past a few blocks; keeping them short keeps the run fast.
    const length = fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 8 * MIB }));
    return fc.oneof(
      fc
        .tuple(inside, length)
        .map(([start, count]) => ({ size, start, end: Math.min(start + count - 1, size - 1) })),
      fc.tuple(inside, length).map(([end, count]) => ({ size, start: Math.max(end - count + 1, 0), end })),
    );
  });

const headBytes = fc.oneof(
  fc.constant(0),
  fc.constantFrom(1024, 128 * 1024, MIB),
  fc.integer({ min: 1, max: 1024 }).map((k) => k * 1024),
);

/** Replays a plan over a file whose byte at position p is "p": returns the positions it would yield. */
function coveredPositions(parts: readonly PlannedPart[], size: number): Array<[number, number]> {
  return parts.map((part) => {
    const returned = expectedPartLength(part.offset, part.limit, size);
    expect(part.skip + part.take).toBeLessThanOrEqual(returned);
    expect(part.take).toBeGreaterThan(0);
    return [part.offset + part.skip, part.offset + part.skip + part.take - 1];
  });
}

describe('filePartViolation (streaming.md §1.2)', () => {
  it('accepts the canonical calls', () => {
    expect(filePartViolation(0, MIB, false)).toBeUndefined();
    expect(filePartViolation(7 * MIB, MIB, false)).toBeUndefined();
    expect(filePartViolation(4096, 4096, false)).toBeUndefined();
    expect(filePartViolation(512 * 1024, 512 * 1024, false)).toBeUndefined();
    expect(filePartViolation(1024, 3 * 1024, true)).toBeUndefined();
    expect(filePartViolation(MIB - 1024, 1024, true)).toBeUndefined();
    expect(filePartViolation(5 * GIB, MIB, false)).toBeUndefined();
  });

  it('rejects what Telegram rejects', () => {
    expect(filePartViolation(1024, 4096, false)).toBe('OFFSET_INVALID');
    expect(filePartViolation(0, 3 * 4096, false)).toBe('LIMIT_INVALID');
    expect(filePartViolation(0, 50_000, false)).toBe('LIMIT_INVALID');
    expect(filePartViolation(0, 2 * MIB, false)).toBe('LIMIT_INVALID');
    expect(filePartViolation(983_040, 131_072, false)).toBe('LIMIT_INVALID'); // Telethon #4390
    expect(filePartViolation(512, 1024, true)).toBe('OFFSET_INVALID');
    expect(filePartViolation(0, 1000, true)).toBe('LIMIT_INVALID');
    expect(filePartViolation(0, MIB + 1024, true)).toBe('LIMIT_INVALID');
    expect(filePartViolation(MIB - 1024, 2048, true)).toBe('LIMIT_INVALID');
    expect(filePartViolation(0, 0, true)).toBe('LIMIT_INVALID');
    expect(filePartViolation(-1024, 1024, true)).toBe('OFFSET_INVALID');
  });
});

describe('planRange', () => {
  it('covers exactly the requested bytes with legal calls', () => {
    fc.assert(
      fc.property(sizeAndRange, headBytes, ({ size, start, end }, head) => {
        const parts = planRange(size, start, end, { headBytes: head });
        for (const part of parts) {
          expect(filePartViolation(part.offset, part.limit, part.precise)).toBeUndefined();
          expect(part.block).toBe(Math.floor(part.offset / MIB));
          expect(part.offset).toBeLessThan(size);
          if (part.whole)
            expect(part).toMatchObject({ offset: part.block * MIB, limit: MIB, precise: false });
        }
        const covered = coveredPositions(parts, size);
        expect(covered[0]?.[0]).toBe(start);
        expect(covered.at(-1)?.[1]).toBe(end);
        for (let i = 1; i < covered.length; i += 1)
          expect(covered[i]?.[0]).toBe((covered[i - 1]?.[1] ?? 0) + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('starts with one small precise call, then whole blocks only', () => {
    fc.assert(
      fc.property(sizeAndRange, headBytes, ({ size, start, end }, head) => {
        const [first, ...rest] = planRange(size, start, end, { headBytes: head });
        if (head > 0) {
          expect(first).toMatchObject({ precise: true, whole: false, offset: start - (start % 1024) });
          expect(first?.limit).toBeLessThanOrEqual(head);
          expect(first?.skip).toBeLessThan(1024);
        } else {
          expect(first?.whole).toBe(true);
        }
        for (const part of rest) expect(part.whole).toBe(true);
        // Whole blocks are fetched once each, in order.
        const blocks = rest.map((part) => part.block);
        expect(blocks).toEqual([...new Set(blocks)].sort((a, b) => a - b));
      }),
      { numRuns: 1000 },
    );
  });

  it('fetches a 1-byte probe with a single 1 KiB call', () => {
    expect(planRange(10 * MIB, 0, 1, { headBytes: 128 * 1024 })).toEqual([
      { offset: 0, limit: 1024, precise: true, block: 0, whole: false, skip: 0, take: 2 },
    ]);
  });

  it('reads the rest of the first block whole after the head', () => {
    expect(planRange(3 * MIB, 1500, 3 * MIB - 1, { headBytes: 128 * 1024 })).toEqual([
      {
        offset: 1024,
        limit: 128 * 1024,
        precise: true,
        block: 0,
        whole: false,
        skip: 476,
        take: 128 * 1024 - 476,
      },
      {
        offset: 0,
        limit: MIB,
        precise: false,
        block: 0,
        whole: true,
        skip: 129 * 1024,
        take: MIB - 129 * 1024,
      },
      { offset: MIB, limit: MIB, precise: false, block: 1, whole: true, skip: 0, take: MIB },
      { offset: 2 * MIB, limit: MIB, precise: false, block: 2, whole: true, skip: 0, take: MIB },
    ]);
  });

  it('asks for a whole last block and keeps the short answer at EOF', () => {
    expect(planRange(MIB + 1, MIB, MIB, { headBytes: 0 })).toEqual([
      { offset: MIB, limit: MIB, precise: false, block: 1, whole: true, skip: 0, take: 1 },
    ]);
  });

  it('handles the first byte of 1 MiB block boundaries (the TG-FileStreamBot off-by-one)', () => {
    const parts = planRange(4 * MIB, 0, MIB, { headBytes: 0 });
    expect(parts.map((part) => [part.block, part.take])).toEqual([
      [0, MIB],
      [1, 1],
    ]);
  });

  it('rejects ranges outside the file and bad head sizes', () => {
    expect(() => planRange(10, 0, 10, { headBytes: 0 })).toThrow(RangeError);
    expect(() => planRange(10, 5, 4, { headBytes: 0 })).toThrow(RangeError);
    expect(() => planRange(0, 0, 0, { headBytes: 0 })).toThrow(RangeError);
    expect(() => planRange(10, 0, 9, { headBytes: 1000 })).toThrow(RangeError);
    expect(() => planRange(10, 0, 9, { headBytes: 2 * MIB })).toThrow(RangeError);
  });
});
