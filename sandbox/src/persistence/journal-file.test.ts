import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalFile } from './journal-file.ts';
import { SandboxDataError } from './sandbox-data-error.ts';

describe('the journal file', () => {
  let folder: string;
  let path: string;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'journal-test-'));
    path = join(folder, 'journal.jsonl');
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  const options = {
    syncIntervalMs: 10,
    onSyncError: (error: unknown) => {
      throw error;
    },
  };

  async function reopen(): Promise<{ values: unknown[]; journal: JournalFile }> {
    const values: unknown[] = [];
    const journal = await JournalFile.open(path, (value) => values.push(value), options);
    return { values, journal };
  }

  it('starts empty, and reads back what was appended, in order', async () => {
    const first = await reopen();
    expect(first.values).toEqual([]);
    await first.journal.append({ n: 1 });
    await first.journal.append({ n: 2, text: 'line\nbreak' });
    await first.journal.close();
    const second = await reopen();
    expect(second.values).toEqual([{ n: 1 }, { n: 2, text: 'line\nbreak' }]);
    await second.journal.close();
  });

  it('keeps the order of appends made while earlier ones are still being written', async () => {
    const first = await reopen();
    const written = Array.from({ length: 1000 }, (_, n) => first.journal.append({ n }));
    await Promise.all(written);
    await first.journal.close();
    const second = await reopen();
    expect(second.values).toEqual(Array.from({ length: 1000 }, (_, n) => ({ n })));
    await second.journal.close();
  });

  it('drops a last line cut short by a crash, and appends after the last whole line', async () => {
    await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3,"te');
    const first = await reopen();
    expect(first.values).toEqual([{ n: 1 }, { n: 2 }]);
    await first.journal.append({ n: 4 });
    await first.journal.close();
    expect(await readFile(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":4}\n');
  });

  it('drops a garbled last line', async () => {
    await writeFile(path, '{"n":1}\n\0\0\0\0\n');
    const { values, journal } = await reopen();
    expect(values).toEqual([{ n: 1 }]);
    await journal.append({ n: 2 });
    await journal.close();
    expect(await readFile(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('refuses a damaged line in the middle: that is not a crash', async () => {
    await writeFile(path, '{"n":1}\n{"n":2\n{"n":3}\n');
    await expect(reopen()).rejects.toThrow(SandboxDataError);
    await expect(reopen()).rejects.toThrow(/line 2 is not valid JSON/);
  });

  it('reads lines longer than its read buffer and across buffer boundaries', async () => {
    const long = 'x'.repeat(1024 * 1024 + 17);
    await writeFile(path, `${JSON.stringify({ long })}\n${JSON.stringify({ n: 2 })}\n`);
    const { values, journal } = await reopen();
    expect(values).toEqual([{ long }, { n: 2 }]);
    await journal.close();
  });

  it('passes on an error thrown while reading, with the file left as it was', async () => {
    await writeFile(path, '{"n":1}\n');
    const failing = JournalFile.open(
      path,
      () => {
        throw new SandboxDataError('does not fit');
      },
      options,
    );
    await expect(failing).rejects.toThrow('does not fit');
    await appendFile(path, '{"n":2}\n');
    expect(await readFile(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('refuses appends once closed', async () => {
    const { journal } = await reopen();
    await journal.close();
    await expect(journal.append({ n: 1 })).rejects.toThrow(/closed/);
  });
});
