const KIB = 1024;
const MIB = 1024 * 1024;

export type GetFileRangeError = 'OFFSET_INVALID' | 'LIMIT_INVALID';

/**
 * Telegram's upload.getFile restrictions (core.telegram.org/api/files). Without `precise`: offset
 * and limit multiples of 4 KiB, limit dividing 1 MiB. With `precise`: multiples of 1 KiB and limit up
 * to 1 MiB. Always: the part stays inside one 1 MiB block.
 */
export function checkGetFileRange(
  offset: number,
  limit: number,
  precise: boolean,
): GetFileRangeError | undefined {
  const unit = precise ? KIB : 4 * KIB;
  if (offset < 0 || offset % unit !== 0) return 'OFFSET_INVALID';
  if (limit <= 0 || limit % unit !== 0 || limit > MIB) return 'LIMIT_INVALID';
  if (!precise && MIB % limit !== 0) return 'LIMIT_INVALID';
  if (Math.floor(offset / MIB) !== Math.floor((offset + limit - 1) / MIB)) return 'LIMIT_INVALID';
  return undefined;
}
