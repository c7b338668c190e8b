import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskBlob, GeneratedBlob, generatedBytes } from './file-blobs.ts';

describe('file blobs', () => {
  it('generate the same bytes for any range as for the whole', () => {
    const whole = generatedBytes('seed', 0, 10_000);
    expect(generatedBytes('seed', 17, 333).equals(whole.subarray(17, 350))).toBe(true);
    expect(generatedBytes('seed', 4096, 16).equals(whole.subarray(4096, 4112))).toBe(true);
    expect(generatedBytes('other', 0, 64).equals(whole.subarray(0, 64))).toBe(false);
  });

  it('read short at the end and nothing past it', async () => {
    const blob = new GeneratedBlob(100, 'seed');
    expect((await blob.read(90, 64)).length).toBe(10);
    expect((await blob.read(100, 64)).length).toBe(0);
  });

  it('read ranges of a file on disk, and reopen it after being closed', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'blob-test-'));
    try {
      const path = join(folder, 'data');
      const data = generatedBytes('disk', 0, 50_000);
      await writeFile(path, data);
      const blob = new DiskBlob(path, data.length);
      expect((await blob.read(1000, 4096)).equals(data.subarray(1000, 5096))).toBe(true);
      expect((await blob.read(49_000, 4096)).equals(data.subarray(49_000))).toBe(true);
      await blob.close();
      expect((await blob.read(0, 10)).equals(data.subarray(0, 10))).toBe(true);
      await blob.close();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
