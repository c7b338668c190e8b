import { describe, expect, it } from 'vitest';
import { fileOrder, type LibraryFile, placeItem } from './library-order.ts';

const file = (id: string, name: string, size = 1, uploadedAt = '2026-11-25T10:00:00.000Z') =>
  ({ id, name, size, uploadedAt }) as LibraryFile;

describe('fileOrder', () => {
  it('sorts names naturally and without regard to case', () => {
    const files = [file('1', 'episode 10.mkv'), file('2', 'Episode 2.mkv'), file('3', 'apple.mp4')];
    expect(files.sort(fileOrder('name', 'asc')).map((f) => f.name)).toEqual([
      'apple.mp4',
      'Episode 2.mkv',
      'episode 10.mkv',
    ]);
  });

  it('sorts by size or upload time, either way, ties by id', () => {
    const files = [
      file('b', 'x', 5, '2026-11-25T10:00:02.000Z'),
      file('a', 'y', 5, '2026-11-25T10:00:01.000Z'),
      file('c', 'z', 9, '2026-11-25T10:00:03.000Z'),
    ];
    expect([...files].sort(fileOrder('size', 'asc')).map((f) => f.id)).toEqual(['a', 'b', 'c']);
    expect([...files].sort(fileOrder('size', 'desc')).map((f) => f.id)).toEqual(['c', 'b', 'a']);
    expect([...files].sort(fileOrder('uploadedAt', 'desc')).map((f) => f.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('placeItem', () => {
  const byName = fileOrder('name', 'asc');
  const list = [file('1', 'b'), file('2', 'd'), file('3', 'f')];

  it('inserts a new item in its place', () => {
    expect(placeItem(list, file('4', 'e'), byName).map((f) => f.name)).toEqual(['b', 'd', 'e', 'f']);
    expect(placeItem(list, file('5', 'a'), byName).map((f) => f.name)).toEqual(['a', 'b', 'd', 'f']);
  });

  it('moves a renamed item', () => {
    expect(placeItem(list, file('1', 'z'), byName).map((f) => f.id)).toEqual(['2', '3', '1']);
  });

  it('leaves out an item that belongs to a page not loaded yet', () => {
    expect(placeItem(list, file('9', 'z'), byName, false).map((f) => f.id)).toEqual(['1', '2', '3']);
    expect(placeItem(list, file('9', 'c'), byName, false).map((f) => f.name)).toEqual(['b', 'c', 'd', 'f']);
  });
});
