import { EventMetadata, parseDomainEvent, parseStreamName, UserId } from '@teleplay/contracts';
import type { RecordedEvent } from '@teleplay/eventstore';
import type { ProjectedEvent } from '../projection.ts';

/** Validates a recorded event against the catalogue (upcasting old shapes) for the projections. */
export function toProjectedEvent(recorded: RecordedEvent): ProjectedEvent {
  const event = parseDomainEvent({ type: recorded.type, data: recorded.data });
  return {
    ...event,
    metadata: EventMetadata.parse(recorded.metadata),
    userId: UserId.parse(parseStreamName(recorded.streamName).id),
    streamName: recorded.streamName,
    revision: recorded.revision,
    position: recorded.position,
    recordedAt: recorded.recordedAt,
  } as ProjectedEvent;
}
