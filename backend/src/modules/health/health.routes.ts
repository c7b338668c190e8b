import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export interface Readiness {
  /** Resolves when the backend can serve requests; throws with the reason otherwise. */
  check(): Promise<void>;
}

const HealthResponse = z.object({ status: z.literal('ok') });
const NotReadyResponse = z.object({ status: z.literal('unavailable'), reason: z.string() });

/** Liveness (the process answers) and readiness (PostgreSQL and the event store are usable). */
export const healthRoutes: FastifyPluginAsyncZod<{ readiness: Readiness }> = async (app, { readiness }) => {
  app.get('/healthz', { schema: { hide: true, response: { 200: HealthResponse } } }, async () => ({
    status: 'ok' as const,
  }));
  app.get(
    '/readyz',
    { schema: { hide: true, response: { 200: HealthResponse, 503: NotReadyResponse } } },
    async (_request, reply) => {
      try {
        await readiness.check();
        return { status: 'ok' as const };
      } catch (error) {
        return reply.code(503).send({ status: 'unavailable', reason: (error as Error).message });
      }
    },
  );
};
