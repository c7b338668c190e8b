import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Sandbox, sandboxControlRoutes } from '@teleplay/sandbox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { type ApiServices, createApiContextProvider } from './api/api-context.ts';
import { registerOpenApi } from './api/openapi.ts';
import { routeContractProblems } from './api/route-contract.ts';
import { lateBound } from './late-bound.ts';
import { authPlugin } from './modules/auth/auth.plugin.ts';
import { type AuthRateLimits, authRoutes, type BotInfoProvider } from './modules/auth/auth.routes.ts';
import type { AuthService } from './modules/auth/auth.service.ts';
import { devicesRoutes } from './modules/devices/devices.routes.ts';
import { healthRoutes, type Readiness } from './modules/health/health.routes.ts';
import { filesRoutes } from './modules/library/files.routes.ts';
import { foldersRoutes } from './modules/library/folders.routes.ts';
import { historyRoutes } from './modules/library/history.routes.ts';
import { trashRoutes } from './modules/library/trash.routes.ts';
import { mediaRoutes } from './modules/media/media.routes.ts';
import { type StreamRoutesOptions, streamRoutes } from './modules/media/stream.routes.ts';
import { playbackRoutes } from './modules/playback/playback.routes.ts';
import { type PublicShareRoutesOptions, publicShareRoutes } from './modules/shares/public-share.routes.ts';
import { sharesRoutes } from './modules/shares/shares.routes.ts';
import { tvRoutes } from './modules/tv/tv.routes.ts';
import { errorsPlugin, toErrorReply } from './plugins/errors.plugin.ts';
import { type MetricsPluginOptions, metricsPlugin } from './plugins/metrics.plugin.ts';
import { type SecurityOptions, securityPlugin } from './plugins/security.plugin.ts';
import { webAppPlugin } from './plugins/web-app.plugin.ts';
import { type RealtimeRoutesOptions, realtimeRoutes } from './realtime/realtime.routes.ts';

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface AppOptions {
  logger: FastifyBaseLogger;
  readiness: Readiness;
  /**
   * What the API's handlers use, once the infrastructure is up; undefined before (requests then
   * get 503). Building the app touches none of it: it can listen, and document itself, first.
   */
  services: () => ApiServices | undefined;
  /** The bot as the Telegram gateway knows it, for the login screens. */
  botInfo: BotInfoProvider;
  security: SecurityOptions;
  authRateLimits?: Partial<AuthRateLimits>;
  /** The live channel (`/api/ws`); absent: not served. */
  realtime?: RealtimeRoutesOptions;
  /** The in-process sandbox Telegram DC: its control API is served under `/sandbox/api` (sandbox mode only). */
  sandbox?: Sandbox | null;
  /** Signed media URLs and public share links (served by the stream engine). */
  media?: { stream: StreamRoutesOptions; share: PublicShareRoutesOptions };
  /** `GET /metrics` in the Prometheus format. */
  metrics?: MetricsPluginOptions;
  /** The web app's static build, served on the same port; absent: API only. */
  webRoot?: string;
  /** Largest request body in bytes. Default 64 KiB: the API takes small JSON documents only. */
  bodyLimit?: number;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** The HTTP application: infrastructure comes in, nothing here starts or owns it. */
export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRoute', (route) => {
    const problems = routeContractProblems(route);
    if (problems.length > 0) throw new Error(`${route.method} ${route.url}: ${problems.join('; ')}`);
  });

  const context = createApiContextProvider(options.services);
  // The auth routes are registered now and served later: they reach the service through the context.
  const auth = lateBound<AuthService>(() => context().auth);

  await app.register(errorsPlugin);
  await app.register(securityPlugin, options.security);
  await registerOpenApi(app);
  await app.register(authPlugin, { authenticator: auth });
  await app.register(healthRoutes, { readiness: options.readiness });
  await app.register(authRoutes, { auth, botInfo: options.botInfo, rateLimits: options.authRateLimits });
  for (const routes of [
    filesRoutes,
    foldersRoutes,
    trashRoutes,
    historyRoutes,
    playbackRoutes,
    tvRoutes,
    devicesRoutes,
    sharesRoutes,
    mediaRoutes,
  ]) {
    await app.register(routes, { context });
  }
  if (options.realtime) await app.register(realtimeRoutes, options.realtime);
  if (options.media) {
    await app.register(streamRoutes, options.media.stream);
    await app.register(publicShareRoutes, options.media.share);
  }
  if (options.metrics) await app.register(metricsPlugin, options.metrics);
  if (options.webRoot) await app.register(webAppPlugin, { root: options.webRoot });
  const { sandbox } = options;
  if (sandbox) {
    await app.register(
      async (scope) => {
        // Not part of the API contract: kept out of the OpenAPI document.
        scope.addHook('onRoute', (route) => {
          route.schema = { ...route.schema, hide: true };
        });
        await scope.register(sandboxControlRoutes, { sandbox });
      },
      { prefix: '/sandbox/api' },
    );
  }
  return app;
}

/** URLs the router cannot even match (bad encoding, an overlong parameter) get the one error shape too. */
function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const { statusCode, headers, body } = toErrorReply(error);
  void reply.code(statusCode).headers(headers).send(body);
}
