import { HistoryPage } from '@teleplay/contracts';
import { listHistory } from '@teleplay/projections';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContextProvider } from '../../api/api-context.ts';
import { readPage } from '../../api/read-models.ts';
import { bearerAuth, errorResponses } from '../../api/route-schemas.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import { HistoryQuery } from './library.schemas.ts';

/** `/api/history`: the user's audit timeline (a file's own is `/api/files/{fileId}/history`). */
export const historyRoutes: FastifyPluginAsyncZod<{ context: ApiContextProvider }> = async (
  app,
  { context },
) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/api/history',
    {
      schema: {
        tags: ['history'],
        operationId: 'listHistory',
        summary: 'What happened to the library and the account, newest first, by kind and time',
        security: bearerAuth,
        querystring: HistoryQuery,
        response: { 200: HistoryPage, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => {
      const { type, ...query } = request.query;
      return readPage(() =>
        listHistory(context().db, currentUser(request).userId, {
          ...query,
          ...(type ? { types: type } : {}),
        }),
      );
    },
  );
};
