import { describe, expect, it } from 'vitest';
import { nameSortKey } from './name-sort-key.ts';

const sortByKey = (names: string[]) =>
  [...names].sort((a, b) => (nameSortKey(a) < nameSortKey(b) ? -1 : nameSortKey(a) > nameSortKey(b) ? 1 : 0));

describe('nameSortKey', () => {
  it('orders numbers by value, not by digits', () => {
    expect(sortByKey(['Episode 10.mkv', 'Episode 2.mkv', 'Episode 1.mkv', 'Episode 100.mkv'])).toEqual([
      'Episode 1.mkv',
      'Episode 2.mkv',
      'Episode 10.mkv',
      'Episode 100.mkv',
    ]);
  });

  it('ignores case and leading zeros', () => {
    expect(nameSortKey('S01E02')).toBe(nameSortKey('s1e2'));
    expect(sortByKey(['b', 'A', 'C'])).toEqual(['A', 'b', 'C']);
  });

  it('puts a name before its longer continuations', () => {
    expect(sortByKey(['movie 2', 'movie', 'movie 2 extended'])).toEqual([
      'movie',
      'movie 2',
      'movie 2 extended',
    ]);
  });

  it('compares very long numbers by value', () => {
    expect(sortByKey(['id 100000000000', 'id 9999999999'])).toEqual(['id 9999999999', 'id 100000000000']);
  });

  it('folds full-width digits to ASCII', () => {
    expect(nameSortKey('Ｐａｒｔ ２')).toBe(nameSortKey('part 2'));
  });
});
