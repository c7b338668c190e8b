import type { Position } from '@teleplay/eventstore';
import { sql, type Transaction } from 'kysely';

export const CHECKPOINT_CHANNEL = 'projection_checkpoints';
export const LIVE_CHANGES_CHANNEL = 'live_changes';

/** Another writer moved the checkpoint (a rebuild swapped tables): start again from the stored one. */
export class StaleCheckpointError extends Error {
  override readonly name = 'StaleCheckpointError';
}

export interface StoredCheckpoint {
  version: number;
  position: Position;
}

/** Compare-and-set: moves the checkpoint only if it still is where this runner left it. */
export async function advanceCheckpoint(
  trx: Transaction<unknown>,
  name: string,
  from: Position,
  to: Position,
): Promise<void> {
  const result = await sql`
    update projection_checkpoints set position = ${to}, updated_at = now()
     where name = ${name} and position = ${from}`.execute(trx);
  if (result.numAffectedRows !== 1n) throw new StaleCheckpointError(`checkpoint of ${name} moved`);
}

export const checkpointPayload = (name: string, position: Position) => `${name}|${position}`;
