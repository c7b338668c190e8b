import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, ensureDatabase, startEmbeddedPostgres, withDatabase } from '@teleplay/postgres';

/**
 * A throwaway PostgreSQL for a benchmark: BENCH_DATABASE_URL when set, otherwise an embedded
 * cluster in a temp dir with the same durability settings `make run` uses.
 */
export async function benchPostgres(name: string) {
  const external = process.env.BENCH_DATABASE_URL;
  if (external) {
    const url = withDatabase(external, `bench_${name}_${Date.now()}`);
    await ensureDatabase(url);
    return { url, pool: createPool(url, { max: 40 }), stop: async () => {} };
  }
  const dataDir = mkdtempSync(join(tmpdir(), `teleplay-bench-${name}-`));
  const server = await startEmbeddedPostgres({ dataDir });
  const url = withDatabase(server.url, 'bench');
  await ensureDatabase(url);
  const pool = createPool(url, { max: 40 });
  return {
    url,
    pool,
    stop: async () => {
      await pool.end();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Benchmarks print progress on stderr and one JSON object as the last line of stdout. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
