import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BotUpdate } from './telegram.gateway.ts';
import type { UpdateState } from './telegram-session.store.ts';
import { type DifferencePage, UpdateSequencer, type UpdateSequencerPorts } from './update-sequencer.ts';

function message(messageId: number, chatId = '42'): BotUpdate {
  return {
    type: 'message',
    message: {
      chatId,
      messageId,
      date: 1_700_000_000,
      from: { id: chatId, firstName: 'Ann', lastName: null, username: null, isBot: false },
      text: `message ${messageId}`,
      media: null,
      replyToMessageId: null,
      delivery: 'live',
    },
  };
}

const idsOf = (updates: readonly BotUpdate[]) =>
  updates.map((update) => (update.type === 'message' ? update.message.messageId : update.query.queryId));

/**
 * A Telegram account's update sequence: every event takes one pts; getDifference answers what came after
 * a state, `sliceSize` events at a time, as Telegram does.
 */
class FakeAccount implements UpdateSequencerPorts {
  readonly events: { pts: number; update: BotUpdate | undefined }[] = [];
  readonly delivered: BotUpdate[] = [];
  readonly saved: UpdateState[] = [];
  readonly errors: string[] = [];
  readonly differenceCalls: number[] = [];
  sliceSize = 100;
  failHandlerFor = new Set<number>();

  /** Records an event on the server and returns its step, to push live (or not). */
  record(update?: BotUpdate): { pts: number; ptsCount: number; update: BotUpdate | undefined } {
    const pts = this.events.length + 1;
    this.events.push({ pts, update });
    return { pts, ptsCount: 1, update };
  }

  async getDifference(from: UpdateState, _signal: AbortSignal): Promise<DifferencePage> {
    this.differenceCalls.push(from.pts);
    const after = this.events.filter((event) => event.pts > from.pts);
    const slice = after.slice(0, this.sliceSize);
    const pts = slice.at(-1)?.pts ?? from.pts;
    return {
      updates: slice.flatMap((event) => (event.update ? [event.update] : [])),
      state: { ...from, pts, date: from.date + 1 },
      final: slice.length === after.length,
    };
  }

  async deliver(update: BotUpdate): Promise<void> {
    if (update.type === 'message' && this.failHandlerFor.has(update.message.messageId)) {
      throw new Error(`handler failed on ${update.message.messageId}`);
    }
    this.delivered.push(update);
  }

  async saveState(state: UpdateState): Promise<void> {
    this.saved.push(state);
  }

  reportError(error: unknown, context: string): void {
    this.errors.push(`${context}: ${(error as Error).message}`);
  }
}

const START: UpdateState = { pts: 0, qts: 0, date: 1_700_000_000 };

function started(account: FakeAccount, state = START): UpdateSequencer {
  const sequencer = new UpdateSequencer(account, { gapTimeoutMs: 500 });
  sequencer.begin(state);
  return sequencer;
}

/** Resolves once the sequencer has worked through everything queued so far. */
const settled = (sequencer: UpdateSequencer) => sequencer.catchUp();

afterEach(() => {
  vi.useRealTimers();
});

describe('UpdateSequencer', () => {
  it('delivers steps that continue the sequence, in order, saving the state after each', async () => {
    const account = new FakeAccount();
    const sequencer = started(account);
    for (const id of [1, 2, 3]) {
      const { update, ...step } = account.record(message(id));
      sequencer.step(step, update);
    }
    await settled(sequencer);
    expect(idsOf(account.delivered)).toEqual([1, 2, 3]);
    expect(account.saved.map((state) => state.pts)).toEqual([1, 2, 3, 3]);
    expect(sequencer.state?.pts).toBe(3);
  });

  it('drops a step it already has', async () => {
    const account = new FakeAccount();
    const sequencer = started(account);
    const { update, ...step } = account.record(message(1));
    sequencer.step(step, update);
    sequencer.step(step, update);
    await settled(sequencer);
    expect(idsOf(account.delivered)).toEqual([1]);
  });

  it('advances over steps with nothing to deliver (its own sends) without delivering them', async () => {
    const account = new FakeAccount();
    const sequencer = started(account);
    const own = account.record();
    const { update, ...step } = account.record(message(2));
    sequencer.step(own);
    sequencer.step(step, update);
    await settled(sequencer);
    expect(idsOf(account.delivered)).toEqual([2]);
    expect(account.differenceCalls).toEqual([2]);
  });

  it('holds a step after a gap until the missing one arrives, without asking for the difference', async () => {
    vi.useFakeTimers();
    const account = new FakeAccount();
    const sequencer = started(account);
    const first = account.record(message(1));
    const second = account.record(message(2));
    sequencer.step({ pts: second.pts, ptsCount: 1 }, second.update);
    sequencer.step({ pts: first.pts, ptsCount: 1 }, first.update);
    await vi.advanceTimersByTimeAsync(0);
    expect(idsOf(account.delivered)).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(account.differenceCalls).toEqual([]);
  });

  it('fills a gap that stays open with getDifference, delivering each missed update once', async () => {
    vi.useFakeTimers();
    const account = new FakeAccount();
    const sequencer = started(account);
    account.record(message(1));
    account.record(message(2));
    const third = account.record(message(3));
    sequencer.step({ pts: third.pts, ptsCount: 1 }, third.update);
    await vi.advanceTimersByTimeAsync(499);
    expect(account.delivered).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(account.differenceCalls).toEqual([0]);
    expect(idsOf(account.delivered)).toEqual([1, 2, 3]);
    expect(sequencer.state?.pts).toBe(3);
  });

  it('catches up over difference slices, saving the state reached by each', async () => {
    const account = new FakeAccount();
    account.sliceSize = 2;
    for (const id of [1, 2, 3, 4, 5]) account.record(message(id));
    const sequencer = started(account);
    await sequencer.catchUp();
    expect(idsOf(account.delivered)).toEqual([1, 2, 3, 4, 5]);
    expect(account.differenceCalls).toEqual([0, 2, 4]);
    expect(account.saved.map((state) => state.pts)).toEqual([2, 4, 5]);
  });

  it('resumes from a saved state: only what came after it is delivered', async () => {
    const account = new FakeAccount();
    for (const id of [1, 2, 3]) account.record(message(id));
    const sequencer = started(account, { ...START, pts: 2 });
    await sequencer.catchUp();
    expect(idsOf(account.delivered)).toEqual([3]);
  });

  it('handles a message that arrives twice once, even under a different pts', async () => {
    const account = new FakeAccount();
    const sequencer = started(account);
    const first = account.record(message(7));
    sequencer.step({ pts: first.pts, ptsCount: 1 }, first.update);
    sequencer.step({ pts: 2, ptsCount: 1 }, message(7));
    await settled(sequencer);
    expect(idsOf(account.delivered)).toEqual([7]);
  });

  it('reports a failing handler and goes on with the next update', async () => {
    const account = new FakeAccount();
    account.failHandlerFor.add(1);
    const sequencer = started(account);
    for (const id of [1, 2]) {
      const { update, ...step } = account.record(message(id));
      sequencer.step(step, update);
    }
    await settled(sequencer);
    expect(idsOf(account.delivered)).toEqual([2]);
    expect(account.errors).toEqual(['the update handler failed: handler failed on 1']);
    expect(sequencer.state?.pts).toBe(2);
  });

  it('delivers callback queries in arrival order', async () => {
    const account = new FakeAccount();
    const sequencer = started(account);
    const query: BotUpdate = {
      type: 'callback_query',
      query: {
        queryId: '99',
        chatId: '42',
        messageId: 3,
        from: { id: '42', firstName: 'Ann', lastName: null, username: null, isBot: false },
        data: 'ok',
      },
    };
    const { update, ...step } = account.record(message(1));
    sequencer.step(step, update);
    sequencer.unsequenced(query);
    await settled(sequencer);
    expect(idsOf(account.delivered)).toEqual([1, '99']);
  });

  it('keeps updates that arrive before the saved state is known until begin()', async () => {
    const account = new FakeAccount();
    const sequencer = new UpdateSequencer(account);
    const { update, ...step } = account.record(message(1));
    sequencer.step(step, update);
    expect(account.delivered).toEqual([]);
    sequencer.begin(START);
    await settled(sequencer);
    expect(idsOf(account.delivered)).toEqual([1]);
  });

  it('cancels a getDifference in progress when closed', async () => {
    const account = new FakeAccount();
    account.getDifference = (_from, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const sequencer = started(account);
    void sequencer.catchUp();
    await sequencer.close();
    expect(account.errors).toEqual([]);
    sequencer.step({ pts: 1, ptsCount: 1 }, message(1));
    await settled(sequencer);
    expect(account.delivered).toEqual([]);
  });
});
