import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import { bearerToken } from '../modules/auth/auth.plugin.ts';
import { ApiError } from './errors.plugin.ts';

export const METRICS_PATH = '/metrics';

export interface MetricsPluginOptions {
  /** The registry the stream metrics (`createStreamMetrics`) and any others live on. */
  registry: Registry;
  /** METRICS_TOKEN: when set, a scrape must send `Authorization: Bearer <token>`; otherwise it is open. */
  bearerToken?: string;
  /** Also collect Node's process metrics (CPU, memory, event loop lag, GC), prefixed `teleplay_`. Default true. */
  processMetrics?: boolean;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `GET /metrics` in the Prometheus text format: bytes streamed, active streams, per-bot getFile in flight,
 * bytes, errors and FLOOD_WAITs, block cache lookups, time to first byte, and the process's own figures.
 */
export async function metricsPlugin(app: FastifyInstance, options: MetricsPluginOptions): Promise<void> {
  const { registry } = options;
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'teleplay_' });
  const expected = options.bearerToken === undefined ? undefined : digest(options.bearerToken);

  app.get(METRICS_PATH, { schema: { hide: true } }, async (request, reply) => {
    if (expected) {
      const token = bearerToken(request.headers.authorization);
      // Compared as digests: equal lengths for timingSafeEqual, and no hint of the token's length.
      if (!token || !timingSafeEqual(digest(token), expected)) {
        throw new ApiError(401, 'unauthorized', 'send the metrics token as "Authorization: Bearer <token>"', {
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        });
      }
    }
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
}
