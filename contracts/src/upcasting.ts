import { DomainEvent } from './events.ts';

/**
 * A stored event as read back: its type and its JSON data. Breaking changes add a `…V2` type;
 * an upcaster turns the old shape into the current one on read, so stored events are never rewritten.
 */
export interface StoredEventShape {
  type: string;
  data: unknown;
}

export type Upcaster = (stored: StoredEventShape) => StoredEventShape;

// Keyed by the old event type. Empty today: no event has changed shape yet.
const upcasters = new Map<string, Upcaster>();

export function registerUpcaster(fromType: string, upcaster: Upcaster): void {
  upcasters.set(fromType, upcaster);
}

/** Validates a stored event against the catalogue, upcasting old shapes first. */
export function parseDomainEvent(stored: StoredEventShape): DomainEvent {
  let current = stored;
  for (let hops = 0; hops < 16; hops++) {
    const upcaster = upcasters.get(current.type);
    if (!upcaster) break;
    current = upcaster(current);
  }
  return DomainEvent.parse({ type: current.type, data: current.data });
}

export function isDomainEventType(type: string): boolean {
  return DomainEvent.options.some((option) => option.shape.type.value === type);
}
