import {
  AccountEvent,
  accountStream,
  type DeviceId,
  type DomainEventType,
  type EventOfType,
  type EventSource,
  LibraryEvent,
  libraryStream,
  parseDomainEvent,
  playbackStream,
  type UserId,
} from '@teleplay/contracts';
import { makePosition } from '@teleplay/eventstore';
import type { ProjectedEvent } from '../projection.ts';

export const USER_A: UserId = '1001';
export const USER_B: UserId = '2002';

/** A valid, readable UUID for fixtures: `id(7)` → `00000000-0000-4000-8000-000000000007`. */
export function id(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export interface EventOptions {
  userId?: UserId;
  source?: EventSource;
  deviceId?: DeviceId | null;
  /** ISO timestamp; by default one second after the previous event's. */
  occurredAt?: string;
}

const libraryTypes = new Set<string>(LibraryEvent.options.map((option) => option.shape.type.value));
const accountTypes = new Set<string>(AccountEvent.options.map((option) => option.shape.type.value));
const BASE_TIME = Date.UTC(2025, 0, 1);

// Positions and stream revisions grow across the whole test file, as in a real store.
let sequence = 0;
const revisions = new Map<string, number>();

/** A ProjectedEvent as the runner would deliver it, validated against the catalogue. */
export function makeEvent<T extends DomainEventType>(
  type: T,
  data: EventOfType<T>['data'],
  options: EventOptions = {},
): Extract<ProjectedEvent, { type: T }> {
  sequence += 1;
  const userId = options.userId ?? USER_A;
  const streamName = libraryTypes.has(type)
    ? libraryStream(userId)
    : accountTypes.has(type)
      ? accountStream(userId)
      : playbackStream(userId);
  const revision = (revisions.get(streamName) ?? -1) + 1;
  revisions.set(streamName, revision);
  const occurredAt = options.occurredAt ?? new Date(BASE_TIME + sequence * 1000).toISOString();
  return {
    ...parseDomainEvent({ type, data }),
    metadata: {
      actorId: userId,
      deviceId: options.deviceId ?? null,
      source: options.source ?? 'web',
      correlationId: `correlation-${sequence}`,
      causationId: `causation-${sequence}`,
      occurredAt,
    },
    userId,
    streamName,
    revision,
    position: makePosition(BigInt(sequence), BigInt(sequence)),
    recordedAt: new Date(occurredAt),
  } as Extract<ProjectedEvent, { type: T }>;
}
