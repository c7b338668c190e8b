import Fastify, { type FastifyInstance } from 'fastify';
import type { Sandbox } from '../sandbox.ts';
import { sandboxControlRoutes } from './control.routes.ts';

/** Where the control API is served, standalone and inside the backend alike. */
export const CONTROL_API_PREFIX = '/sandbox/api';

/** A standalone HTTP listener for the control API (`npm run sandbox`). */
export async function listenControlApi(
  sandbox: Sandbox,
  options: { host: string; port: number },
): Promise<{ server: FastifyInstance; url: string }> {
  const server = Fastify({ logger: false });
  await server.register(sandboxControlRoutes, { sandbox, prefix: CONTROL_API_PREFIX });
  await server.listen({ host: options.host, port: options.port });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('control API has no TCP address');
  return { server, url: `http://${options.host}:${address.port}${CONTROL_API_PREFIX}` };
}
