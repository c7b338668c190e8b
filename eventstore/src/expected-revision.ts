import {
  type AppendResult,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from './event-store.ts';

/** Throws unless the stream's current revision satisfies the expectation. */
export function checkExpectedRevision(
  streamName: string,
  expected: ExpectedRevision,
  actual: number | 'no_stream',
): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 'no_stream') ||
    (expected === 'exists' && actual !== 'no_stream') ||
    (typeof expected === 'number' && expected === actual);
  if (!ok) throw new WrongExpectedRevisionError(streamName, expected, actual);
}

/**
 * KurrentDB's idempotency, for adapters that implement it themselves: when the events were already
 * appended, at the revisions the expectation implies (or anywhere, for `any`/`exists`), the append is
 * answered with the original result and writes nothing. Returns 'partial' when only some of them were.
 */
export function findIdempotentAppend(
  stream: readonly Pick<RecordedEvent, 'id' | 'revision' | 'position'>[],
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): AppendResult | 'partial' | null {
  const first = events[0];
  if (!first) return null;
  const start =
    typeof expected === 'number'
      ? expected + 1
      : expected === 'no_stream'
        ? 0
        : stream.findIndex((event) => event.id === first.id);
  if (start < 0 || start >= stream.length || stream[start]?.id !== first.id) return null;
  let matched = 0;
  while (matched < events.length && stream[start + matched]?.id === events[matched]?.id) matched++;
  if (matched < events.length) return 'partial';
  const last = stream[start + matched - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position };
}
