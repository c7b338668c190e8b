import { MediaUrls } from '@teleplay/contracts';
import { getFile } from '@teleplay/projections';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContextProvider } from '../../api/api-context.ts';
import { notFound } from '../../api/read-models.ts';
import { bearerAuth, errorResponses } from '../../api/route-schemas.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import type { MediaPurpose } from '../auth/auth.tokens.ts';
import { FileParams } from '../library/library.schemas.ts';

export const DEFAULT_MEDIA_URL_TTL_SECONDS = 4 * 60 * 60;

/** Where the stream module serves a file for a purpose; the signed token rides in the query. */
export const mediaPath = (fileId: string, purpose: MediaPurpose) => `/api/media/${fileId}/${purpose}`;

/** `/api/files/{fileId}/stream-url`: signed URLs for players, downloads and thumbnails. */
export const mediaRoutes: FastifyPluginAsyncZod<{ context: ApiContextProvider }> = async (
  app,
  { context },
) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/api/files/:fileId/stream-url',
    {
      schema: {
        tags: ['media'],
        operationId: 'getMediaUrls',
        summary: 'Short-lived signed URLs to stream, download and show a file',
        security: bearerAuth,
        params: FileParams,
        response: { 200: MediaUrls, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const api = context();
      const { userId } = currentUser(request);
      const { fileId } = request.params;
      const file = await getFile(api.db, userId, fileId);
      if (!file) throw notFound.file(fileId);
      const ttlSeconds = api.mediaUrlTtlSeconds ?? DEFAULT_MEDIA_URL_TTL_SECONDS;
      const origin = api.publicOrigin(request);
      const signed = async (purpose: MediaPurpose) => {
        const { token, expiresAt } = await api.auth.signMediaToken({ userId, fileId, purpose, ttlSeconds });
        const url = `${origin}${mediaPath(fileId, purpose)}?token=${encodeURIComponent(token)}`;
        return { url, expiresAt: expiresAt.toISOString() };
      };
      // The URLs carry credentials: no cache may keep them.
      reply.header('cache-control', 'no-store');
      return {
        stream: await signed('stream'),
        download: await signed('download'),
        thumbnail: file.thumbnail ? await signed('thumbnail') : null,
      };
    },
  );
};
