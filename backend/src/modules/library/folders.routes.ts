import {
  CreateFolderRequest,
  FolderContents,
  FolderDto,
  FolderList,
  UpdateFolderRequest,
} from '@teleplay/contracts';
import { getFolder, getFolderContents, listFolders } from '@teleplay/projections';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContextProvider } from '../../api/api-context.ts';
import { notFound } from '../../api/read-models.ts';
import { bearerAuth, errorResponses, WriteHeaders, writeAccepted } from '../../api/route-schemas.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import type { LibraryCommand } from './library.decide.ts';
import { FolderContentsQuery, FolderParams, FolderRefParams, ListFoldersQuery } from './library.schemas.ts';
import { writeLibrary } from './library.write.ts';

const tags = ['folders'];

/** `/api/folders`: the folder tree with counts, a folder's contents, and folder changes. */
export const foldersRoutes: FastifyPluginAsyncZod<{ context: ApiContextProvider }> = async (
  app,
  { context },
) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/api/folders',
    {
      schema: {
        tags,
        operationId: 'listFolders',
        summary: 'Folders not in the trash, by name, with their counts and sizes',
        security: bearerAuth,
        querystring: ListFoldersQuery,
        response: { 200: FolderList, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => {
      const { parentId } = request.query;
      const items = await listFolders(context().db, currentUser(request).userId, {
        ...(parentId === undefined ? {} : { parentId: parentId === 'root' ? null : parentId }),
      });
      return { items };
    },
  );

  app.post(
    '/api/folders',
    {
      schema: {
        tags,
        operationId: 'createFolder',
        summary: 'Create a folder; names are unique among siblings, ignoring case',
        security: bearerAuth,
        headers: WriteHeaders,
        body: CreateFolderRequest,
        response: {
          201: FolderDto,
          ...writeAccepted,
          ...errorResponses(400, 401, 404, 409, 422, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { commands } = context();
      const commandId = commands.commandId(request);
      const folderId = commands.newEntityId(request, commandId);
      const { name, parentId } = request.body;
      const pending = await write(
        request,
        [{ type: 'CreateFolder', data: { folderId, parentId, name } }],
        commandId,
      );
      return pending
        ? reply.code(202).send(pending)
        : reply.code(201).send(await readFolder(request, folderId));
    },
  );

  app.get(
    '/api/folders/:folderId',
    {
      schema: {
        tags,
        operationId: 'getFolderContents',
        summary: 'A folder (or `root`) with its breadcrumb, subfolders and first page of files',
        security: bearerAuth,
        params: FolderRefParams,
        querystring: FolderContentsQuery,
        response: { 200: FolderContents, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const { folderId } = request.params;
      const folder = folderId === 'root' ? null : folderId;
      const contents = await getFolderContents(
        context().db,
        currentUser(request).userId,
        folder,
        request.query,
      );
      if (!contents) throw notFound.folder(folderId);
      return contents;
    },
  );

  app.patch(
    '/api/folders/:folderId',
    {
      schema: {
        tags,
        operationId: 'updateFolder',
        summary: 'Rename a folder, move it into another one, or both',
        security: bearerAuth,
        params: FolderParams,
        headers: WriteHeaders,
        body: UpdateFolderRequest,
        response: {
          200: FolderDto,
          ...writeAccepted,
          ...errorResponses(400, 401, 404, 409, 422, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { folderId } = request.params;
      const { name, parentId } = request.body;
      const pending = await write(request, [
        ...(name === undefined ? [] : [{ type: 'RenameFolder', data: { folderId, name } } as const]),
        ...(parentId === undefined ? [] : [{ type: 'MoveFolder', data: { folderId, parentId } } as const]),
      ]);
      return pending ? reply.code(202).send(pending) : readFolder(request, folderId);
    },
  );

  // Trash and restore: one command on one folder, answered with the folder as it is afterwards.
  for (const { method, url, operationId, summary, command } of [
    {
      method: 'DELETE',
      url: '/api/folders/:folderId',
      operationId: 'trashFolder',
      summary: 'Move a folder to the trash, with everything in it',
      command: 'TrashFolder',
    },
    {
      method: 'POST',
      url: '/api/folders/:folderId/restore',
      operationId: 'restoreFolder',
      summary: 'Bring a folder back from the trash with what went there with it',
      command: 'RestoreFolder',
    },
  ] as const) {
    app.route({
      method,
      url,
      schema: {
        tags,
        operationId,
        summary,
        security: bearerAuth,
        params: FolderParams,
        headers: WriteHeaders,
        response: { 200: FolderDto, ...writeAccepted, ...errorResponses(400, 401, 404, 409, 429, 500, 503) },
      },
      handler: async (request, reply) => {
        const { folderId } = request.params;
        const pending = await write(request, [{ type: command, data: { folderId } }]);
        return pending ? reply.code(202).send(pending) : readFolder(request, folderId);
      },
    });
  }

  const write = (request: FastifyRequest, commands: readonly LibraryCommand[], commandId?: string) =>
    writeLibrary(context(), request, { commands, commandId });

  async function readFolder(request: FastifyRequest, folderId: string) {
    const folder = await getFolder(context().db, currentUser(request).userId, folderId);
    if (!folder) throw notFound.folder(folderId);
    return folder;
  }
};
