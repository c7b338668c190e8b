import { describe, expect, it } from 'vitest';
import { playerSource } from './player-source.ts';

describe('playerSource', () => {
  it('passes types vidstack knows', () => {
    expect(playerSource('/s', 'video/webm', 'video')).toEqual({ src: '/s', type: 'video/webm' });
    expect(playerSource('/s', 'audio/flac', 'audio')).toEqual({ src: '/s', type: 'audio/flac' });
  });

  it('declares a known type of the same kind for the others', () => {
    expect(playerSource('/s', 'video/x-matroska', 'video')).toEqual({ src: '/s', type: 'video/mp4' });
    expect(playerSource('/s', 'audio/wav', 'audio')).toEqual({ src: '/s', type: 'audio/mpeg' });
  });
});
