import {
  accountStream,
  CreateShareLinkRequest,
  libraryStream,
  ShareLink,
  ShareLinkList,
} from '@teleplay/contracts';
import { getShareLink, listShareLinks, type ShareLink as ShareLinkRow } from '@teleplay/projections';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext, ApiContextProvider } from '../../api/api-context.ts';
import { notFound, READ_MODELS_OF } from '../../api/read-models.ts';
import { bearerAuth, errorResponses, WriteHeaders, writeAccepted } from '../../api/route-schemas.ts';
import { type AccountCommand, accountDecider } from '../account/account.decide.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import { libraryDecider } from '../library/library.decide.ts';
import { ListShareLinksQuery, ShareLinkParams } from './shares.schemas.ts';

const tags = ['shares'];

/** Where the web app opens a share link. */
export const SHARE_LINK_PATH = '/s/';

function toShareLink(context: ApiContext, request: FastifyRequest, link: ShareLinkRow): ShareLink {
  const { shareId, fileId, createdAt, expiresAt, revokedAt, status } = link;
  const url = `${context.publicOrigin(request)}${SHARE_LINK_PATH}${shareId}`;
  return { id: shareId, fileId, createdAt, expiresAt, revokedAt, status, url };
}

/** `/api/shares`: signed, expiring, revocable public links to files. */
export const sharesRoutes: FastifyPluginAsyncZod<{ context: ApiContextProvider }> = async (
  app,
  { context },
) => {
  app.addHook('onRequest', app.authenticate);

  app.post(
    '/api/shares',
    {
      schema: {
        tags,
        operationId: 'createShareLink',
        summary: 'Create a public link to a file, valid until it expires or is revoked',
        security: bearerAuth,
        headers: WriteHeaders,
        body: CreateShareLinkRequest,
        response: {
          201: ShareLink,
          ...writeAccepted,
          ...errorResponses(400, 401, 404, 409, 422, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const api = context();
      const { userId } = currentUser(request);
      const { fileId, expiresInSeconds } = request.body;
      const library = await api.cache.load(api.store, libraryStream(userId), libraryDecider);
      const file = library.state.files.get(fileId);
      const commandId = api.commands.commandId(request);
      const now = api.clock.now();
      const shareId = api.shareIds.create(api.commands.newEntityId(request, commandId));
      const pending = await write(request, {
        command: {
          type: 'CreateShareLink',
          data: {
            shareId,
            fileId,
            expiresAt: new Date(now.getTime() + expiresInSeconds * 1000).toISOString(),
            now: now.toISOString(),
            file: file ? { inTrash: file.trash !== null } : null,
          },
        },
        commandId,
      });
      return pending
        ? reply.code(202).send(pending)
        : reply.code(201).send(await readShareLink(request, shareId));
    },
  );

  app.get(
    '/api/shares',
    {
      schema: {
        tags,
        operationId: 'listShareLinks',
        summary: "The user's share links, newest first",
        security: bearerAuth,
        querystring: ListShareLinksQuery,
        response: { 200: ShareLinkList, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => {
      const api = context();
      const links = await listShareLinks(api.db, currentUser(request).userId, api.clock.now(), request.query);
      return { items: links.map((link) => toShareLink(api, request, link)) };
    },
  );

  app.delete(
    '/api/shares/:shareId',
    {
      schema: {
        tags,
        operationId: 'revokeShareLink',
        summary: 'Revoke a share link: it stops working at once',
        security: bearerAuth,
        params: ShareLinkParams,
        headers: WriteHeaders,
        response: { 200: ShareLink, ...writeAccepted, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const { shareId } = request.params;
      const pending = await write(request, {
        command: { type: 'RevokeShareLink', data: { shareId } },
        commandId: context().commands.commandId(request),
      });
      return pending ? reply.code(202).send(pending) : readShareLink(request, shareId);
    },
  );

  async function write(request: FastifyRequest, step: { command: AccountCommand; commandId: string }) {
    const { commands } = context();
    const { position } = await commands.run(request, {
      streamName: accountStream(currentUser(request).userId),
      decider: accountDecider,
      steps: [step],
    });
    return commands.awaitReadModels(READ_MODELS_OF.shareLinks, position);
  }

  async function readShareLink(request: FastifyRequest, shareId: string): Promise<ShareLink> {
    const api = context();
    const link = await getShareLink(api.db, shareId, api.clock.now());
    if (!link || link.userId !== currentUser(request).userId) throw notFound.shareLink(shareId);
    return toShareLink(api, request, link);
  }
};
