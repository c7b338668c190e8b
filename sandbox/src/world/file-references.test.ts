import { describe, expect, it } from 'vitest';
import { FileReferences } from './file-references.ts';
import type { FileReferenceChange } from './model.ts';

describe('file references', () => {
  it('are stable per account and file, and valid only for that account', () => {
    const references = new FileReferences(60_000);
    const first = references.issue(1, 10n);
    expect(references.issue(1, 10n).equals(first)).toBe(true);
    expect(references.isValid(1, 10n, first)).toBe(true);
    expect(references.isValid(2, 10n, first)).toBe(false);
    expect(references.isValid(1, 11n, first)).toBe(false);
  });

  it('expire on demand, for one account or all, and are replaced on the next issue', () => {
    const references = new FileReferences(60_000);
    const mine = references.issue(1, 10n);
    const theirs = references.issue(2, 10n);
    expect(references.expire(1)).toBe(1);
    expect(references.isValid(1, 10n, mine)).toBe(false);
    expect(references.isValid(2, 10n, theirs)).toBe(true);
    expect(references.issue(1, 10n).equals(mine)).toBe(false);
  });

  it('expire by age', () => {
    let now = 0;
    const references = new FileReferences(1000, () => now);
    const reference = references.issue(1, 10n);
    now = 999;
    expect(references.isValid(1, 10n, reference)).toBe(true);
    now = 1000;
    expect(references.isValid(1, 10n, reference)).toBe(false);
  });

  it('report what they mint and expire, and take back a restored reference as it was', () => {
    let now = 5000;
    const changes: FileReferenceChange[] = [];
    const references = new FileReferences(
      1000,
      () => now,
      (change) => changes.push(change),
    );
    const reference = references.issue(1, 10n);
    references.issue(1, 10n);
    expect(references.expire(2)).toBe(0);
    expect(references.expire(1)).toBe(1);
    expect(changes).toEqual([
      { type: 'file_reference_issued', accountId: 1, fileId: 10n, bytes: reference, issuedAt: 5000 },
      { type: 'file_references_expired', accountId: 1 },
    ]);

    const restored = new FileReferences(1000, () => now);
    restored.restore(1, 10n, reference, 5000);
    now = 5999;
    expect(restored.isValid(1, 10n, reference)).toBe(true);
    expect(restored.issue(1, 10n).equals(reference)).toBe(true);
    now = 6000;
    expect(restored.isValid(1, 10n, reference)).toBe(false);
  });
});
