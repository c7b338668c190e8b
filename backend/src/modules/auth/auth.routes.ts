import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, ErrorResponse } from '../../plugins/errors.plugin.ts';
import { LOGIN_START_PREFIX } from './auth.credentials.ts';
import { currentUser } from './auth.plugin.ts';
import {
  AuthTokens,
  BotInfo,
  CurrentSession,
  GeneratedLoginCode,
  GenerateLoginCodeRequest,
  LoginCodePoll,
  PollLoginCodeRequest,
  RefreshRequest,
  WebLoginRequest,
} from './auth.schemas.ts';
import type { AuthService } from './auth.service.ts';

/** The bot as the Telegram gateway knows it once connected; null until then. */
export type BotInfoProvider = () => Promise<{ username: string; deepLinkBase: string } | null>;

/** Requests per minute per client address on the unauthenticated auth routes. */
export interface AuthRateLimits {
  generate: number;
  verify: number;
  webLogin: number;
  refresh: number;
}

export const defaultAuthRateLimits: AuthRateLimits = {
  generate: 10,
  // A device polls every 2 to 5 seconds while its code is on screen.
  verify: 60,
  webLogin: 10,
  refresh: 30,
};

export interface AuthRoutesOptions {
  auth: AuthService;
  botInfo: BotInfoProvider;
  rateLimits?: Partial<AuthRateLimits>;
}

const DEFAULT_WEB_DEVICE_NAME = 'Web browser';

const errors = <Codes extends number>(...codes: Codes[]) =>
  Object.fromEntries(codes.map((code) => [code, ErrorResponse])) as Record<Codes, typeof ErrorResponse>;

const perMinute = (max: number) => ({ rateLimit: { max, timeWindow: 60_000 } });
const bearer = [{ bearerAuth: [] }];

/**
 * `/api/auth`: device login codes (Jellyfin Quick Connect style), the bot's one-time web login links,
 * refresh-token rotation, logout and the current session. Tokens travel in JSON bodies only (no cookies):
 * one mechanism for browsers, TVs and phones, and no ambient credential for CSRF to ride on.
 */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, options) => {
  const { auth } = options;
  const limits = { ...defaultAuthRateLimits, ...options.rateLimits };

  // Tokens and codes must not be kept by any cache (RFC 6749 §5.1).
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.post(
    '/api/auth/code/generate',
    {
      config: perMinute(limits.generate),
      schema: {
        tags: ['auth'],
        operationId: 'generateLoginCode',
        summary: 'Start a device login: a code to show and a secret to poll with',
        body: GenerateLoginCodeRequest,
        response: { 200: GeneratedLoginCode, ...errors(400, 429, 500, 503) },
      },
    },
    async (request) =>
      auth.generateLoginCode({
        deviceName: request.body.deviceName,
        deviceKind: request.body.deviceKind,
        clientAddress: request.ip,
      }),
  );

  app.post(
    '/api/auth/code/verify',
    {
      config: perMinute(limits.verify),
      schema: {
        tags: ['auth'],
        operationId: 'pollLoginCode',
        summary: 'Poll a login code: pending, approved (tokens, issued once) or expired',
        body: PollLoginCodeRequest,
        response: { 200: LoginCodePoll, ...errors(400, 401, 403, 429, 500) },
      },
    },
    async (request) =>
      auth.pollLoginCode({ code: request.body.code, secret: request.body.secret, clientAddress: request.ip }),
  );

  app.post(
    '/api/auth/web-login',
    {
      config: perMinute(limits.webLogin),
      schema: {
        tags: ['auth'],
        operationId: 'exchangeWebLoginLink',
        summary: "Sign a browser in with the bot's one-time `/web` link",
        body: WebLoginRequest,
        response: { 200: AuthTokens, ...errors(400, 401, 403, 429, 500) },
      },
    },
    async (request) =>
      auth.exchangeWebLoginLink({
        token: request.body.token,
        deviceName: request.body.deviceName ?? DEFAULT_WEB_DEVICE_NAME,
        clientAddress: request.ip,
      }),
  );

  app.post(
    '/api/auth/refresh',
    {
      config: perMinute(limits.refresh),
      schema: {
        tags: ['auth'],
        operationId: 'refreshTokens',
        summary: 'Trade a refresh token for new tokens; a reused one signs the device out',
        body: RefreshRequest,
        response: { 200: AuthTokens, ...errors(400, 401, 403, 429, 500) },
      },
    },
    async (request) => auth.refresh({ refreshToken: request.body.refreshToken }),
  );

  app.post(
    '/api/auth/logout',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['auth'],
        operationId: 'logout',
        summary: 'Sign this device out',
        security: bearer,
        response: { 204: z.undefined().describe('signed out'), ...errors(401, 429, 500) },
      },
    },
    async (request, reply) => {
      await auth.logout(currentUser(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['auth'],
        operationId: 'getCurrentSession',
        summary: 'The signed-in user and this device',
        security: bearer,
        response: { 200: CurrentSession, ...errors(401, 429, 500) },
      },
    },
    async (request) => auth.session(currentUser(request)),
  );

  app.get(
    '/api/auth/bot-info',
    {
      schema: {
        tags: ['auth'],
        operationId: 'getBotInfo',
        summary: 'The Telegram bot to log in with',
        response: { 200: BotInfo, ...errors(429, 500, 503) },
      },
    },
    async () => {
      const bot = await options.botInfo();
      if (!bot) throw new ApiError(503, 'bot_unavailable', 'the Telegram bot is not connected yet');
      return { ...bot, loginStartPrefix: LOGIN_START_PREFIX };
    },
  );
};
