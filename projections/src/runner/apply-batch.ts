import type { RecordedEvent } from '@teleplay/eventstore';
import type { Transaction } from 'kysely';
import type { LiveChange, ProjectedEvent, Projection } from '../projection.ts';
import { toProjectedEvent } from './projected-event.ts';

/**
 * Applies events to a projection's tables in `schema` inside the caller's transaction. Collects the
 * live changes when `changes` is given (live projection), drops them otherwise (rebuilds).
 */
export async function applyBatch(
  trx: Transaction<unknown>,
  projection: Projection,
  schema: string,
  events: readonly RecordedEvent[],
  changes: (LiveChange & { eventPosition: string })[] | null,
): Promise<void> {
  // The subscription filters by type prefix; a projection sees exactly the types it declares.
  const handled = events.filter((event) => (projection.eventTypes as readonly string[]).includes(event.type));
  await applyProjected(trx, projection, schema, handled.map(toProjectedEvent), changes);
}

/** `applyBatch` for events already validated, all of types the projection handles. */
export async function applyProjected(
  trx: Transaction<unknown>,
  projection: Projection,
  schema: string,
  projected: readonly ProjectedEvent[],
  changes: (LiveChange & { eventPosition: string })[] | null,
): Promise<void> {
  if (projected.length === 0) return;
  const db = trx.withSchema(schema);
  if (projection.applyMany && projected.length > 1) {
    await projection.applyMany(projected, {
      db,
      emit: (change) => changes?.push({ ...change, eventPosition: projected.at(-1)!.position }),
    });
    return;
  }
  for (const event of projected) {
    await projection.apply(event, {
      db,
      emit: (change) => changes?.push({ ...change, eventPosition: event.position }),
    });
  }
}
