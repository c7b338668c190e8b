import { FileId } from '@teleplay/contracts';
import { describe, expect, it } from 'vitest';
import { commandEventId, uuidV5 } from './event-id.ts';

describe('uuidV5', () => {
  it('matches the version 5 UUID of www.example.com in the DNS namespace', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('commandEventId', () => {
  it('is the same for the same stream, command and index', () => {
    expect(commandEventId('library-1', 'command-1', 0)).toBe(commandEventId('library-1', 'command-1', 0));
  });

  it('differs by stream, command and index', () => {
    const ids = new Set([
      commandEventId('library-1', 'command-1', 0),
      commandEventId('library-1', 'command-1', 1),
      commandEventId('library-1', 'command-2', 0),
      commandEventId('library-2', 'command-1', 0),
    ]);
    expect(ids.size).toBe(4);
  });

  it('is a valid UUID', () => {
    expect(FileId.safeParse(commandEventId('library-1', 'command-1', 0)).success).toBe(true);
  });
});
