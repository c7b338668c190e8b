import { describe, expect, it } from 'vitest';
import { FaultBook } from './fault-book.ts';

describe('armed faults', () => {
  it('apply to matching calls only, as many times as armed', () => {
    const book = new FaultBook();
    book.arm({ kind: 'flood_wait', seconds: 3, accountId: 7, method: 'upload.getFile', remaining: 2 });
    expect(book.takeFloodWait(8, 'upload.GetFile')).toBeUndefined();
    expect(book.takeFloodWait(7, 'messages.SendMessage')).toBeUndefined();
    expect(book.takeFloodWait(7, 'upload.GetFile')).toBe(3);
    expect(book.takeFloodWait(7, 'upload.GetFile')).toBe(3);
    expect(book.takeFloodWait(7, 'upload.GetFile')).toBeUndefined();
    expect(book.list()).toEqual([]);
  });

  it("match every method with '*' and every account without one", () => {
    const book = new FaultBook();
    book.arm({ kind: 'slow', delayMs: 40, method: '*', remaining: 1 });
    book.arm({ kind: 'slow', delayMs: 60, method: 'messages.sendMessage', remaining: 1 });
    expect(book.takeSlowDelay(1, 'messages.SendMessage')).toBe(100);
    expect(book.takeSlowDelay(1, 'messages.SendMessage')).toBe(0);
  });

  it('redirect getFile only from DCs other than the target', () => {
    const book = new FaultBook();
    book.arm({ kind: 'file_migrate', dcId: 3, remaining: 1 });
    expect(book.takeFileMigrate(1, 3)).toBeUndefined();
    expect(book.takeFileMigrate(1, 2)).toBe(3);
    expect(book.takeFileMigrate(1, 2)).toBeUndefined();
  });

  it('clear() disarms everything', () => {
    const book = new FaultBook();
    book.arm({ kind: 'file_migrate', dcId: 3, remaining: 5 });
    expect(book.clear()).toBe(1);
    expect(book.takeFileMigrate(1, 2)).toBeUndefined();
  });
});
