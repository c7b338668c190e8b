import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface WebAppOptions {
  /** The web app's static build (`web/build`). */
  root: string;
}

/** Paths that belong to the server: never answered with the web app. */
const SERVER_PATHS = /^\/(api|sandbox|s)(\/|$)|^\/(healthz|readyz|metrics)$/;

/**
 * Serves the web app's static build on the API's port. The app is a single-page app: any other GET
 * (a deep link such as /folders/123 or /login) answers with its index.html. Hashed assets are
 * immutable; index.html is revalidated so a new release is picked up at once.
 */
export const webAppPlugin: FastifyPluginAsync<WebAppOptions> = async (app, { root }) => {
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    setHeaders(response, path) {
      const immutable = path.includes('/_app/immutable/');
      response.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (SERVER_PATHS.test(request.url.split('?')[0] ?? '')) return reply.callNotFound();
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  });
};
