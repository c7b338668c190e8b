import cors from '@fastify/cors';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from './errors.plugin.ts';

export interface SecurityOptions {
  /** CORS_ORIGINS: browser origins allowed to call the API; empty means same-origin only. */
  corsOrigins: readonly string[];
  /** The global limit per client address; routes may set a stricter one (`config.rateLimit`). */
  rateLimit?: { max: number; timeWindowMs: number };
  /** Overrides of helmet's defaults (the web app may need its own Content-Security-Policy). */
  helmet?: FastifyHelmetOptions;
}

export const defaultRateLimit = { max: 600, timeWindowMs: 60_000 };

/**
 * Security headers (helmet), CORS restricted to configured origins, and rate limiting per client address
 * (`request.ip`: set fastify's `trustProxy` when running behind a reverse proxy). Register it after the
 * errors plugin, before any route.
 */
export const securityPlugin = fp(
  async (app: FastifyInstance, options: SecurityOptions) => {
    const crossOrigin = options.corsOrigins.length > 0;
    await app.register(helmet, {
      // Media is embedded by <video>/<img> of the web app: allow that when it runs on another origin.
      crossOriginResourcePolicy: { policy: crossOrigin ? 'cross-origin' : 'same-origin' },
      // Self-hosted instances are often reached over plain HTTP on the LAN (http://192.168.1.10:8080):
      // `upgrade-insecure-requests` would send every script and image of the page to https:// there, and
      // the page would stay blank. Behind TLS everything is same-origin https already.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
      ...options.helmet,
    });
    await app.register(cors, {
      origin: crossOrigin ? [...options.corsOrigins] : false,
      // Credentials travel in the Authorization header, never in cookies.
      credentials: false,
      allowedHeaders: [
        'authorization',
        'content-type',
        'idempotency-key',
        'range',
        'if-range',
        'if-none-match',
      ],
      exposedHeaders: ['content-range', 'accept-ranges', 'content-length', 'etag', 'retry-after'],
      maxAge: 600,
    });
    const { max, timeWindowMs } = options.rateLimit ?? defaultRateLimit;
    await app.register(rateLimit, {
      global: true,
      max,
      timeWindow: timeWindowMs,
      errorResponseBuilder: (_request, context) =>
        new ApiError(context.statusCode, 'rate_limited', `too many requests: retry in ${context.after}`, {
          details: { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
        }),
    });
  },
  { name: 'teleplay-security', fastify: '5.x', dependencies: ['teleplay-errors'] },
);
