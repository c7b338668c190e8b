import { z } from 'zod';

/** Which bot a fault is for; all bots when neither is given. */
const target = {
  botId: z.number().int().positive().optional(),
  botToken: z.string().min(1).optional(),
};

/** Telegram schema method name ('upload.getFile', 'messages.sendMessage') or '*' for every call. */
const method = z.string().min(1).default('upload.getFile');
const count = z.number().int().positive().default(1);

/** A fault to inject through POST faults (or Sandbox.injectFault). */
export const FaultInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('flood_wait'),
    seconds: z.number().int().min(0).max(86400),
    method,
    count,
    ...target,
  }),
  z.object({
    kind: z.literal('slow'),
    delayMs: z.number().int().min(0).max(600_000),
    method,
    count,
    ...target,
  }),
  z.object({ kind: z.literal('file_migrate'), dcId: z.number().int().positive(), count, ...target }),
  z.object({ kind: z.literal('file_reference_expired'), ...target }),
  z.object({ kind: z.literal('drop_connections'), dcId: z.number().int().positive().optional(), ...target }),
  z.object({ kind: z.literal('bad_server_salt'), ...target }),
]);

export type FaultInput = z.input<typeof FaultInputSchema>;
export type Fault = z.output<typeof FaultInputSchema>;

/** What injecting did: an armed fault waiting for calls, or how many things an immediate one touched. */
export type FaultResult =
  | { kind: Fault['kind']; status: 'armed'; id: number; remaining: number }
  | { kind: Fault['kind']; status: 'applied'; affected: number };
