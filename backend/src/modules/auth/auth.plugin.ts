import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authErrors } from './auth.errors.ts';
import type { AuthenticatedUser, AuthService } from './auth.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `app.authenticate` on protected routes; null everywhere else. */
    user: AuthenticatedUser | null;
  }
  interface FastifyInstance {
    /**
     * An `onRequest` hook for protected routes: accepts only `Authorization: Bearer <access token>` (never a
     * query string) and sets `request.user`; anything else is a 401 `unauthorized`.
     */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

export interface AuthPluginOptions {
  authenticator: Pick<AuthService, 'authenticate'>;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;

/** The token of an `Authorization: Bearer` header: undefined when absent, null when malformed. */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined || header === '') return undefined;
  return BEARER.exec(header)?.[1] ?? null;
}

/** The authenticated user of a protected route; fails closed (401) if the route forgot the hook. */
export function currentUser(request: FastifyRequest): AuthenticatedUser {
  if (!request.user) throw authErrors.unauthorized('missing_token');
  return request.user;
}

export const authPlugin = fp(
  async (app: FastifyInstance, options: AuthPluginOptions) => {
    app.decorateRequest('user', null);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = bearerToken(request.headers.authorization);
      if (token === null) throw authErrors.unauthorized('invalid_token');
      request.user = await options.authenticator.authenticate(token);
    });
  },
  { name: 'teleplay-auth', fastify: '5.x' },
);
