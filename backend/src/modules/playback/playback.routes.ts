import { ContinueWatchingList, PlaybackReportRequest, PlaybackState } from '@teleplay/contracts';
import { getFile, listContinueWatching } from '@teleplay/projections';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContextProvider } from '../../api/api-context.ts';
import { notFound } from '../../api/read-models.ts';
import { bearerAuth, errorResponses, WriteHeaders, writeAccepted } from '../../api/route-schemas.ts';
import type { App } from '../../app.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import { FileParams } from '../library/library.schemas.ts';
import { readWatchProgress } from './playback.read.ts';
import { reportPlayback } from './playback.report.ts';
import { ContinueWatchingQuery } from './playback.schemas.ts';

/**
 * A route that takes a player's start/progress/stop reports. The web and mobile apps use
 * `/api/playback/progress`, the TV app its own path among its screens; both behave the same.
 */
export function playbackReportRoute(
  app: App,
  context: ApiContextProvider,
  route: { url: string; operationId: string; tags: string[] },
): void {
  app.post(
    route.url,
    {
      schema: {
        tags: route.tags,
        operationId: route.operationId,
        summary:
          'Report playback of a file on this device: start, progress (every few seconds, on pause) or stop',
        security: bearerAuth,
        headers: WriteHeaders,
        body: PlaybackReportRequest,
        response: {
          200: PlaybackState,
          ...writeAccepted,
          ...errorResponses(400, 401, 404, 422, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const outcome = await reportPlayback(context(), request, request.body);
      return 'pending' in outcome ? reply.code(202).send(outcome.pending) : outcome.state;
    },
  );
}

const tags = ['playback'];

/** Playback reports, resume points and "continue watching" for the web and mobile apps. */
export const playbackRoutes: FastifyPluginAsyncZod<{ context: ApiContextProvider }> = async (
  app,
  { context },
) => {
  app.addHook('onRequest', app.authenticate);

  playbackReportRoute(app, context, { url: '/api/playback/progress', operationId: 'reportPlayback', tags });

  app.get(
    '/api/continue-watching',
    {
      schema: {
        tags,
        operationId: 'listContinueWatching',
        summary: 'What the user can resume, last played first',
        security: bearerAuth,
        querystring: ContinueWatchingQuery,
        response: { 200: ContinueWatchingList, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => ({
      items: await listContinueWatching(context().db, currentUser(request).userId, request.query),
    }),
  );

  app.get(
    '/api/files/:fileId/progress',
    {
      schema: {
        tags,
        operationId: 'getPlaybackState',
        summary: 'Where the user is in a file, on whichever device played it last',
        security: bearerAuth,
        params: FileParams,
        response: { 200: PlaybackState, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const { db } = context();
      const { userId } = currentUser(request);
      const { fileId } = request.params;
      if (!(await getFile(db, userId, fileId))) throw notFound.file(fileId);
      const progress = await readWatchProgress(db, userId, [fileId]);
      return { progress: progress.get(fileId) ?? null };
    },
  );
};
