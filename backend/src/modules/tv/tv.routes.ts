import {
  ContinueWatchingList,
  type FileDto,
  TvBrowse,
  TvFileList,
  TvSearchResult,
  type UserId,
} from '@teleplay/contracts';
import {
  getFiles,
  getFolderContents,
  getFolders,
  listContinueWatching,
  listFiles,
  listRecentFiles,
  searchLibrary,
} from '@teleplay/projections';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext, ApiContextProvider } from '../../api/api-context.ts';
import { notFound, readPage } from '../../api/read-models.ts';
import { bearerAuth, errorResponses } from '../../api/route-schemas.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import { readWatchProgress } from '../playback/playback.read.ts';
import { playbackReportRoute } from '../playback/playback.routes.ts';
import { TvBrowseQuery, TvListQuery, TvSearchQuery } from './tv.schemas.ts';

const tags = ['tv'];

/** Files with their playback state, as the TV app's cards show them. */
async function withProgress(context: ApiContext, userId: UserId, files: readonly FileDto[]) {
  const progress = await readWatchProgress(
    context.db,
    userId,
    files.map((file) => file.id),
  );
  return files.map((file) => ({ ...file, progress: progress.get(file.id) ?? null }));
}

/** `/api/tv`: the TV app's screens, one request each. It shows the live library, not the trash. */
export const tvRoutes: FastifyPluginAsyncZod<{ context: ApiContextProvider }> = async (app, { context }) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/api/tv/browse',
    {
      schema: {
        tags,
        operationId: 'tvBrowse',
        summary:
          'A folder (the top level when none is given): its subfolders and files with their playback state',
        security: bearerAuth,
        querystring: TvBrowseQuery,
        response: { 200: TvBrowse, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const api = context();
      const { userId } = currentUser(request);
      const { folderId, cursor, ...fileOptions } = request.query;
      const folder = folderId ?? null;
      const contents = await getFolderContents(api.db, userId, folder, fileOptions);
      if (!contents || contents.folder?.trashed) throw notFound.folder(folderId ?? 'root');
      const files =
        cursor === undefined
          ? contents.files
          : await readPage(() => listFiles(api.db, userId, { ...fileOptions, folderId: folder, cursor }));
      return {
        folder: contents.folder,
        path: contents.path,
        folders: contents.folders,
        files: { items: await withProgress(api, userId, files.items), nextCursor: files.nextCursor },
      };
    },
  );

  app.get(
    '/api/tv/continue',
    {
      schema: {
        tags,
        operationId: 'tvContinueWatching',
        summary: 'What the user can resume, last played first',
        security: bearerAuth,
        querystring: TvListQuery,
        response: { 200: ContinueWatchingList, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => ({
      items: await listContinueWatching(context().db, currentUser(request).userId, request.query),
    }),
  );

  app.get(
    '/api/tv/recent',
    {
      schema: {
        tags,
        operationId: 'tvRecent',
        summary: 'The newest files, with their playback state',
        security: bearerAuth,
        querystring: TvListQuery,
        response: { 200: TvFileList, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => {
      const api = context();
      const { userId } = currentUser(request);
      const files = await listRecentFiles(api.db, userId, request.query);
      return { items: await withProgress(api, userId, files) };
    },
  );

  app.get(
    '/api/tv/search',
    {
      schema: {
        tags,
        operationId: 'tvSearch',
        summary: 'Folders and files whose names match, best first',
        security: bearerAuth,
        querystring: TvSearchQuery,
        response: { 200: TvSearchResult, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => {
      const api = context();
      const { userId } = currentUser(request);
      const { q, limit } = request.query;
      const search = (type: 'file' | 'folder') =>
        searchLibrary(api.db, userId, q, { type, ...(limit === undefined ? {} : { limit }) }).then((hits) =>
          hits.map((hit) => hit.id),
        );
      const [folderIds, fileIds] = await Promise.all([search('folder'), search('file')]);
      const [folders, files] = await Promise.all([
        getFolders(api.db, userId, folderIds).then((found) => inOrder(folderIds, found)),
        getFiles(api.db, userId, fileIds).then((found) => inOrder(fileIds, found)),
      ]);
      return {
        folders: folders.filter((folder) => !folder.trashed),
        files: await withProgress(
          api,
          userId,
          files.filter((file) => !file.trashed),
        ),
      };
    },
  );

  playbackReportRoute(app, context, { url: '/api/tv/progress', operationId: 'tvReportPlayback', tags });
};

/** The items among `found` in the order of `ids` (the ranking); ids not found are left out. */
function inOrder<Item extends { id: string }>(ids: readonly string[], found: readonly Item[]): Item[] {
  const byId = new Map(found.map((item) => [item.id, item]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
