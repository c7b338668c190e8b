import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { healthRoutes, type Readiness } from './modules/health/health.routes.ts';

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
}

/** The HTTP application: infrastructure comes in, nothing here starts or owns it. */
export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({ loggerInstance: options.logger }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(healthRoutes, { readiness: options.readiness });
  return app;
}
