import { describe, expect, it } from 'vitest';
import { classifyPosition } from './playback.resume.ts';

describe('classifyPosition', () => {
  const movie = 6000;

  it.each([
    [0, { kind: 'not_started' }],
    [299.9, { kind: 'not_started' }],
    [300, { kind: 'resumable', atSeconds: 300 }],
    [2467, { kind: 'resumable', atSeconds: 2467 }],
    [5400, { kind: 'resumable', atSeconds: 5400 }],
    [5400.1, { kind: 'played' }],
    [6000, { kind: 'played' }],
  ])('a 100-minute movie at %ss is %o', (position, expected) => {
    expect(classifyPosition(position, movie)).toEqual(expected);
  });

  it.each([
    [5, { kind: 'not_started' }],
    [15, { kind: 'played' }],
    [150, { kind: 'played' }],
  ])('a 299-second clip never resumes: at %ss it is %o', (position, expected) => {
    expect(classifyPosition(position, 299)).toEqual(expected);
  });

  it('resumes an item of exactly five minutes', () => {
    expect(classifyPosition(150, 300)).toEqual({ kind: 'resumable', atSeconds: 150 });
  });
});
