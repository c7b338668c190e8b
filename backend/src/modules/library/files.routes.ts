import {
  BatchTrashFilesRequest,
  BatchTrashFilesResult,
  FileDto,
  FilePage,
  HistoryPage,
  libraryStream,
  UpdateFileRequest,
} from '@teleplay/contracts';
import type { Position } from '@teleplay/eventstore';
import { getFile, getFiles, listFileHistory, listFiles } from '@teleplay/projections';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContextProvider } from '../../api/api-context.ts';
import { notFound, READ_MODELS_OF, readPage } from '../../api/read-models.ts';
import { bearerAuth, errorResponses, WriteHeaders, writeAccepted } from '../../api/route-schemas.ts';
import { DomainError } from '../../commands/domain-error.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import { type LibraryCommand, libraryDecider } from './library.decide.ts';
import { FileParams, ListFilesQuery, PageQuery } from './library.schemas.ts';
import { searchFiles } from './library.search.ts';
import { writeLibrary } from './library.write.ts';

const tags = ['files'];

/** `/api/files`: list, search, read, rename, move and trash the user's files. */
export const filesRoutes: FastifyPluginAsyncZod<{ context: ApiContextProvider }> = async (
  app,
  { context },
) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/api/files',
    {
      schema: {
        tags,
        operationId: 'listFiles',
        summary: 'List or search files, by folder and kind, sorted, a page at a time',
        security: bearerAuth,
        querystring: ListFilesQuery,
        response: { 200: FilePage, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => {
      const { db } = context();
      const { userId } = currentUser(request);
      const { folderId, q, ...query } = request.query;
      const folder = folderId === 'root' ? null : folderId;
      if (q !== undefined) return readPage(() => searchFiles(db, userId, { ...query, q, folderId: folder }));
      return readPage(() => listFiles(db, userId, { ...query, folderId: folder }));
    },
  );

  app.get(
    '/api/files/:fileId',
    {
      schema: {
        tags,
        operationId: 'getFile',
        summary: 'A file',
        security: bearerAuth,
        params: FileParams,
        response: { 200: FileDto, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => readFile(request, request.params.fileId),
  );

  app.patch(
    '/api/files/:fileId',
    {
      schema: {
        tags,
        operationId: 'updateFile',
        summary: 'Rename a file, move it to another folder, or both',
        security: bearerAuth,
        params: FileParams,
        headers: WriteHeaders,
        body: UpdateFileRequest,
        response: {
          200: FileDto,
          ...writeAccepted,
          ...errorResponses(400, 401, 404, 409, 422, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { fileId } = request.params;
      const { name, folderId } = request.body;
      const pending = await write(request, [
        ...(name === undefined ? [] : [{ type: 'RenameFile', data: { fileId, name } } as const]),
        ...(folderId === undefined ? [] : [{ type: 'MoveFile', data: { fileId, folderId } } as const]),
      ]);
      return pending ? reply.code(202).send(pending) : readFile(request, fileId);
    },
  );

  // Trash and restore: one command on one file, answered with the file as it is afterwards.
  for (const { method, url, operationId, summary, command } of [
    {
      method: 'DELETE',
      url: '/api/files/:fileId',
      operationId: 'trashFile',
      summary: 'Move a file to the trash',
      command: 'TrashFile',
    },
    {
      method: 'POST',
      url: '/api/files/:fileId/restore',
      operationId: 'restoreFile',
      summary: 'Bring a file back from the trash, to its folder (or the top level when that is gone)',
      command: 'RestoreFile',
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
        params: FileParams,
        headers: WriteHeaders,
        response: { 200: FileDto, ...writeAccepted, ...errorResponses(400, 401, 404, 409, 429, 500, 503) },
      },
      handler: async (request, reply) => {
        const { fileId } = request.params;
        const pending = await write(request, [{ type: command, data: { fileId } }]);
        return pending ? reply.code(202).send(pending) : readFile(request, fileId);
      },
    });
  }

  app.post(
    '/api/files/batch-delete',
    {
      schema: {
        tags,
        operationId: 'trashFiles',
        summary: 'Move several files to the trash; each succeeds or fails on its own',
        security: bearerAuth,
        headers: WriteHeaders,
        body: BatchTrashFilesRequest,
        response: {
          200: BatchTrashFilesResult,
          ...writeAccepted,
          ...errorResponses(400, 401, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { db, commands } = context();
      const { userId } = currentUser(request);
      const trashed: string[] = [];
      const failed: BatchTrashFilesResult['failed'] = [];
      let last: Position | null = null;
      for (const fileId of request.body.fileIds) {
        try {
          const { position } = await commands.run(request, {
            streamName: libraryStream(userId),
            decider: libraryDecider,
            steps: [
              {
                command: { type: 'TrashFile', data: { fileId } },
                commandId: commands.commandId(request, fileId),
              },
            ],
          });
          last = position ?? last;
          trashed.push(fileId);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          failed.push({ fileId, error: { code: error.refusal.code, message: error.refusal.message } });
        }
      }
      const pending = await commands.awaitReadModels(READ_MODELS_OF.library, last);
      if (pending) return reply.code(202).send(pending);
      const files = new Map((await getFiles(db, userId, trashed)).map((file) => [file.id, file]));
      return { trashed: trashed.flatMap((fileId) => files.get(fileId) ?? []), failed };
    },
  );

  app.get(
    '/api/files/:fileId/history',
    {
      schema: {
        tags,
        operationId: 'getFileHistory',
        summary: "A file's timeline, newest first, including the folder moves that took it along",
        security: bearerAuth,
        params: FileParams,
        querystring: PageQuery,
        response: { 200: HistoryPage, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const { db } = context();
      const { userId } = currentUser(request);
      const { fileId } = request.params;
      const page = await readPage(() => listFileHistory(db, userId, fileId, request.query));
      // A file deleted forever keeps its history; an unknown one has none.
      if (
        page.items.length === 0 &&
        request.query.cursor === undefined &&
        !(await getFile(db, userId, fileId))
      )
        throw notFound.file(fileId);
      return page;
    },
  );

  const write = (request: FastifyRequest, commands: readonly LibraryCommand[]) =>
    writeLibrary(context(), request, { commands });

  async function readFile(request: FastifyRequest, fileId: string) {
    const file = await getFile(context().db, currentUser(request).userId, fileId);
    if (!file) throw notFound.file(fileId);
    return file;
  }
};
