import { EventMetadata, parseDomainEvent } from '@teleplay/contracts';
import { describe, expect, it } from 'vitest';
import { generateHistory } from './library-history.ts';

describe('generateHistory', () => {
  const streams = generateHistory(3, 500, 7);

  it('produces valid events with metadata, per user library and playback streams', () => {
    const events = streams.flatMap((stream) => stream.events);
    expect(events.length).toBeGreaterThanOrEqual(1500);
    for (const event of events) {
      expect(() => parseDomainEvent({ type: event.type, data: event.data })).not.toThrow();
      expect(() => EventMetadata.parse(event.metadata)).not.toThrow();
    }
    expect(streams.map((s) => s.streamName.split('-')[0])).toEqual([
      'library',
      'playback',
      'library',
      'playback',
      'library',
      'playback',
    ]);
  });

  it('mixes uploads, renames, moves and progress ticks', () => {
    const types = new Set(streams.flatMap((stream) => stream.events.map((event) => event.type)));
    for (const type of ['FolderCreated', 'FileUploaded', 'FileRenamed', 'FileMoved', 'PlaybackProgressed']) {
      expect(types).toContain(type);
    }
  });

  it('is reproducible from its seed', () => {
    expect(generateHistory(3, 500, 7)).toEqual(streams);
  });
});
