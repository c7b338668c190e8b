// Turns a byte range into `upload.getFile` calls that Telegram accepts (streaming.md §1.2).

export const MIB = 1024 * 1024;
const KIB = 1024;

/** One getFile call and the part of its answer that belongs to the range. */
export interface PlannedPart {
  readonly offset: number;
  readonly limit: number;
  readonly precise: boolean;
  /** Index of the 1 MiB block the call reads from. */
  readonly block: number;
  /** True for a whole block (`offset = block·2^20`, `limit = 2^20`), the only parts worth caching. */
  readonly whole: boolean;
  /** Bytes of the answer to drop before the range's bytes begin. */
  readonly skip: number;
  /** Bytes of the answer, after `skip`, that belong to the range. */
  readonly take: number;
}

export interface PlanOptions {
  /**
   * Size of a small first call for a fast first byte, a multiple of 1 KiB up to 1 MiB; 0 plans whole
   * blocks only (used when the first block is already cached or on its way).
   */
  readonly headBytes: number;
}

/** Why Telegram would refuse the call, or undefined when it is legal. */
export function filePartViolation(
  offset: number,
  limit: number,
  precise: boolean,
): 'OFFSET_INVALID' | 'LIMIT_INVALID' | undefined {
  if (!Number.isSafeInteger(offset) || offset < 0) return 'OFFSET_INVALID';
  if (!Number.isSafeInteger(limit) || limit <= 0) return 'LIMIT_INVALID';
  if (precise) {
    if (offset % KIB !== 0) return 'OFFSET_INVALID';
    if (limit % KIB !== 0 || limit > MIB) return 'LIMIT_INVALID';
  } else {
    if (offset % (4 * KIB) !== 0) return 'OFFSET_INVALID';
    if (limit % (4 * KIB) !== 0 || MIB % limit !== 0) return 'LIMIT_INVALID';
  }
  // Both rule sets: a part never crosses a 1 MiB boundary.
  if (Math.floor(offset / MIB) !== Math.floor((offset + limit - 1) / MIB)) return 'LIMIT_INVALID';
  return undefined;
}

/** How many bytes getFile returns for a part: `limit`, or less at the end of the file. */
export function expectedPartLength(offset: number, limit: number, size: number): number {
  return Math.max(0, Math.min(limit, size - offset));
}

/**
 * Plans the inclusive range `[start, end]` of a `size`-byte file: an optional small `precise` head from
 * `floor_1KiB(start)` (never past its MiB, nor much past `end`), then whole 1 MiB blocks, each trimmed by
 * `skip`/`take` so that the kept bytes are exactly the range, in order. The first whole block may overlap
 * the head; fetching it whole keeps it cacheable for the next seek.
 */
export function planRange(size: number, start: number, end: number, options: PlanOptions): PlannedPart[] {
  if (
    !(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start <= end && end < size)
  ) {
    throw new RangeError(`range ${start}-${end} is not inside a file of ${size} bytes`);
  }
  const { headBytes } = options;
  if (!Number.isInteger(headBytes) || headBytes < 0 || headBytes % KIB !== 0 || headBytes > MIB) {
    throw new RangeError(`headBytes must be a multiple of 1 KiB up to 1 MiB, not ${headBytes}`);
  }
  const parts: PlannedPart[] = [];
  let next = start;
  if (headBytes > 0) {
    const offset = start - (start % KIB);
    const block = Math.floor(offset / MIB);
    const headEnd = Math.min(offset + headBytes, (block + 1) * MIB, Math.ceil((end + 1) / KIB) * KIB);
    const take = Math.min(headEnd, end + 1) - start;
    parts.push({
      offset,
      limit: headEnd - offset,
      precise: true,
      block,
      whole: false,
      skip: start - offset,
      take,
    });
    next += take;
  }
  while (next <= end) {
    const block = Math.floor(next / MIB);
    const offset = block * MIB;
    const take = Math.min(end + 1, offset + MIB) - next;
    parts.push({ offset, limit: MIB, precise: false, block, whole: true, skip: next - offset, take });
    next += take;
  }
  return parts;
}
