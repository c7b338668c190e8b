import { TrashPage } from '@teleplay/contracts';
import { listTrash } from '@teleplay/projections';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContextProvider } from '../../api/api-context.ts';
import { readPage } from '../../api/read-models.ts';
import { bearerAuth, errorResponses, WriteHeaders, writeAccepted } from '../../api/route-schemas.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import { FileParams, FolderParams, PageQuery } from './library.schemas.ts';
import { writeLibrary } from './library.write.ts';

const tags = ['trash'];
const deleted = { 204: z.undefined().describe('deleted forever') };

/** `/api/trash`: what was trashed on its own, and deleting it forever. */
export const trashRoutes: FastifyPluginAsyncZod<{ context: ApiContextProvider }> = async (
  app,
  { context },
) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/api/trash',
    {
      schema: {
        tags,
        operationId: 'listTrash',
        summary:
          'Files and folders in the trash, newest first (browse a trashed folder with getFolderContents)',
        security: bearerAuth,
        querystring: PageQuery,
        response: { 200: TrashPage, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => readPage(() => listTrash(context().db, currentUser(request).userId, request.query)),
  );

  app.delete(
    '/api/trash/files/:fileId',
    {
      schema: {
        tags,
        operationId: 'deleteFileForever',
        summary: 'Delete a trashed file forever, with its bytes in Telegram',
        security: bearerAuth,
        params: FileParams,
        headers: WriteHeaders,
        response: { ...deleted, ...writeAccepted, ...errorResponses(400, 401, 404, 409, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const { fileId } = request.params;
      const pending = await writeLibrary(context(), request, {
        commands: [{ type: 'DeleteFile', data: { fileId } }],
      });
      return pending ? reply.code(202).send(pending) : reply.code(204).send(undefined);
    },
  );

  app.delete(
    '/api/trash/folders/:folderId',
    {
      schema: {
        tags,
        operationId: 'deleteFolderForever',
        summary: 'Delete a trashed folder forever, with everything in it',
        security: bearerAuth,
        params: FolderParams,
        headers: WriteHeaders,
        response: { ...deleted, ...writeAccepted, ...errorResponses(400, 401, 404, 409, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const { folderId } = request.params;
      const pending = await writeLibrary(context(), request, {
        commands: [{ type: 'DeleteFolder', data: { folderId } }],
      });
      return pending ? reply.code(202).send(pending) : reply.code(204).send(undefined);
    },
  );
};
