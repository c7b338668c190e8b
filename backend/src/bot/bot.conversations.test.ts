import { describe, expect, it } from 'vitest';
import { FakeClock } from '../modules/auth/auth.testing.ts';
import { createSelectionStore } from './bot.batch.ts';
import { type Conversation, createConversationStore } from './bot.conversations.ts';

const rename = (promptMessageId: number): Conversation => ({
  kind: 'rename',
  target: { type: 'file', id: 'f', name: 'a.mkv' },
  promptMessageId,
  shown: null,
});

describe('the conversation store', () => {
  it('keeps one conversation per user and hands back the one a new one replaces', () => {
    const store = createConversationStore(new FakeClock(), { ttlMs: 1000 });
    expect(store.begin('1', rename(10))).toBeNull();
    expect(store.begin('2', rename(20))).toBeNull();
    expect(store.begin('1', rename(11))).toEqual(rename(10));
    expect(store.current('1')).toEqual({ conversation: rename(11), expired: false });
  });

  it('does not call an update of the same conversation a replacement', () => {
    const store = createConversationStore(new FakeClock(), { ttlMs: 1000 });
    store.begin('1', rename(10));
    const updated: Conversation = {
      kind: 'rename',
      target: { type: 'file', id: 'f', name: 'a.mkv' },
      promptMessageId: 10,
      shown: { messageId: 3, view: { type: 'recent', page: 0 } },
    };
    expect(store.begin('1', updated)).toBeNull();
  });

  it('reports a lapsed conversation once, then forgets it', () => {
    const clock = new FakeClock();
    const store = createConversationStore(clock, { ttlMs: 1000 });
    store.begin('1', rename(10));
    clock.advance(999);
    expect(store.current('1')?.expired).toBe(false);
    clock.advance(1);
    expect(store.current('1')).toEqual({ conversation: rename(10), expired: true });
    expect(store.current('1')).toBeNull();
  });

  it('ends', () => {
    const store = createConversationStore(new FakeClock(), { ttlMs: 1000 });
    store.begin('1', rename(10));
    store.end('1');
    expect(store.current('1')).toBeNull();
  });
});

describe('the selection store', () => {
  it('keeps a selection per message until it lapses; a change resets the timeout', () => {
    const clock = new FakeClock();
    const store = createSelectionStore(clock, { ttlMs: 1000 });
    const selection = store.start('1', 5, { type: 'recent' }, 0);
    expect(store.get('1', 6)).toBeNull();
    clock.advance(900);
    store.set('1', 5, { ...selection, selected: new Set(['a']) });
    clock.advance(900);
    expect(store.get('1', 5)?.selected).toEqual(new Set(['a']));
    clock.advance(100);
    expect(store.get('1', 5)).toBeNull();
  });
});
