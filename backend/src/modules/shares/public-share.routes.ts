import { ShareId, type UserId } from '@teleplay/contracts';
import type { ShareLinkStatus } from '@teleplay/projections';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../api/read-models.ts';
import { ApiError } from '../../plugins/errors.plugin.ts';
import {
  addMediaResponseHeaders,
  type MediaFile,
  type MediaServingOptions,
  serveMediaFile,
} from '../media/stream.routes.ts';
import type { ShareIds } from './share-ids.ts';
import { SHARE_LINK_PATH } from './shares.routes.ts';

/** A share link as the public route sees it; `getShareLink` of `@teleplay/projections` returns one. */
export interface PublicShare {
  readonly userId: UserId;
  readonly fileId: string;
  readonly status: ShareLinkStatus;
}

export interface PublicShareRoutesOptions extends MediaServingOptions {
  /** Turns a guessed or altered id away before any lookup. */
  shareIds: Pick<ShareIds, 'verify'>;
  /** The share link, or null when there is none. */
  loadShare(shareId: string): Promise<PublicShare | null>;
}

const ShareParams = z.object({ shareId: ShareId });

const shareErrors = {
  expired: (shareId: string) => new ApiError(410, 'share_link_expired', `share link ${shareId} has expired`),
  revoked: (shareId: string) =>
    new ApiError(410, 'share_link_revoked', `share link ${shareId} was revoked by its owner`),
  fileGone: (shareId: string) =>
    new ApiError(
      410,
      'shared_file_gone',
      `the file behind share link ${shareId} is no longer in the library`,
    ),
};

/**
 * The public side of share links, no sign-in: `/s/{shareId}` streams the file inline (media types only)
 * and `/s/{shareId}/download` saves it, both with ranges, HEAD and validators like the signed media
 * URLs. An expired or revoked link, or one whose file left the library (or went to the trash), is 410.
 */
export const publicShareRoutes: FastifyPluginAsyncZod<PublicShareRoutesOptions> = async (app, options) => {
  const { engine, loadFile, loadShare, shareIds } = options;
  addMediaResponseHeaders(app, options.corsOrigin);

  async function sharedFile(shareId: string): Promise<MediaFile> {
    const share = shareIds.verify(shareId) ? await loadShare(shareId) : null;
    if (!share) throw notFound.shareLink(shareId);
    if (share.status === 'expired') throw shareErrors.expired(shareId);
    if (share.status === 'revoked') throw shareErrors.revoked(shareId);
    const file = await loadFile(share.userId, share.fileId);
    if (!file || file.trashed) throw shareErrors.fileGone(shareId);
    return file;
  }

  // Browser URLs, not part of the JSON API: left out of the OpenAPI document.
  const route = { config: { cors: false }, schema: { hide: true, params: ShareParams } } as const;

  app.get(`${SHARE_LINK_PATH}:shareId`, route, async (request, reply) =>
    serveMediaFile(engine, request, reply, await sharedFile(request.params.shareId), 'stream'),
  );
  app.get(`${SHARE_LINK_PATH}:shareId/download`, route, async (request, reply) =>
    serveMediaFile(engine, request, reply, await sharedFile(request.params.shareId), 'download'),
  );
};
