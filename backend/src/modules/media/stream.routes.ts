import { FileId, type TelegramLocation, type UserId } from '@teleplay/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../api/read-models.ts';
import { errorResponses } from '../../api/route-schemas.ts';
import { ApiError, ErrorResponse } from '../../plugins/errors.plugin.ts';
import { PartFetchError, type ServedFile, type StreamEngine, serveFile } from '../../stream/index.ts';
import { authErrors } from '../auth/auth.errors.ts';
import { MediaPurpose, type TokenSigner } from '../auth/auth.tokens.ts';

/** What serving a file needs from the read model; `FileDto` of `@teleplay/projections` is one. */
export interface MediaFile {
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
  readonly telegram: TelegramLocation;
  /** The largest preview Telegram made, if any: its byte size is what the thumbnail URL serves. */
  readonly thumbnail: { readonly size: number } | null;
  /** When the storage message was posted (ISO 8601): `Last-Modified`. */
  readonly uploadedAt: string;
  readonly trashed: boolean;
}

/** What the media routes and the public share routes share. */
export interface MediaServingOptions {
  engine: StreamEngine;
  /** The user's file, or null when it does not exist (or is not theirs). */
  loadFile(userId: UserId, fileId: string): Promise<MediaFile | null>;
  /**
   * `Access-Control-Allow-Origin` of media responses. Default `*`: players run on any origin (a TV app's
   * webview, a cast receiver), and the credential is the URL itself, never a cookie.
   */
  corsOrigin?: string;
}

export interface StreamRoutesOptions extends MediaServingOptions {
  verifyMediaToken: TokenSigner['verifyMediaToken'];
}

/** Headers a cross-origin player (fetch, MSE, hls.js) must be able to read. */
const EXPOSED_HEADERS = 'Content-Range, Content-Length, Accept-Ranges, ETag';

/** A Content-Type we may echo back: `type/subtype` with no parameters, nothing a header could choke on. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** The file's type for `Content-Type`: its own when well-formed, else opaque bytes. */
function servedContentType(mimeType: string): string {
  const type = mimeType.split(';')[0]!.trim().toLowerCase();
  return MIME_TYPE.test(type) ? type : 'application/octet-stream';
}

/**
 * Whether a browser may show the file in place. Only media and plain text: a document type (HTML, SVG,
 * XML, anything scriptable) opened inline from our origin could run script there, so it is downloaded.
 */
function isSafeInline(contentType: string): boolean {
  if (contentType === 'image/svg+xml') return false;
  return /^(?:video|audio|image)\//.test(contentType) || contentType === 'text/plain';
}

export const mediaErrors = {
  telegramUnavailable: (cause: PartFetchError) =>
    new ApiError(
      502,
      'telegram_unavailable',
      'Telegram could not deliver the file right now: try again shortly',
      {
        details: { reason: cause.reason },
      },
    ),
  thumbnailNotFound: () =>
    new ApiError(404, 'thumbnail_not_found', 'this file has no preview image: Telegram made none for it'),
};

/**
 * Response headers of every media route, errors included: readable by players on other origins,
 * embeddable by them (overriding helmet's same-origin resource policy), cacheable only by the browser that
 * holds the signed URL, and never sniffed into a type that could run script. The global CORS plugin
 * is turned off for these routes (`config.cors: false`), so it cannot override the origin.
 */
export function addMediaResponseHeaders(app: FastifyInstance, corsOrigin = '*'): void {
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers({
      'access-control-allow-origin': corsOrigin,
      'access-control-expose-headers': EXPOSED_HEADERS,
      'cache-control': 'private',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'cross-origin',
    });
  });
}

/**
 * What one purpose of a media URL serves: the file inline (downgraded to `attachment` for types a
 * browser would render as a document), the file as a download, or its preview, a JPEG.
 */
function servedFileOf(file: MediaFile, purpose: MediaPurpose): ServedFile {
  const lastModified = new Date(file.uploadedAt);
  if (purpose === 'thumbnail') {
    if (!file.thumbnail) throw mediaErrors.thumbnailNotFound();
    return {
      location: { ...file.telegram, size: file.thumbnail.size, thumbnail: true },
      mimeType: 'image/jpeg',
      fileName: `${file.name.replace(/\.[^.]*$/, '')}.jpg`,
      lastModified,
      disposition: 'inline',
    };
  }
  const contentType = servedContentType(file.mimeType);
  return {
    location: { ...file.telegram, size: file.size },
    mimeType: contentType,
    fileName: file.name,
    lastModified,
    disposition: purpose === 'stream' && isSafeInline(contentType) ? 'inline' : 'attachment',
  };
}

/** Sends the file for GET or HEAD with the full HTTP range semantics of {@link serveFile}. */
export async function serveMediaFile(
  engine: StreamEngine,
  request: FastifyRequest,
  reply: FastifyReply,
  file: MediaFile,
  purpose: MediaPurpose,
): Promise<FastifyReply> {
  const served = servedFileOf(file, purpose);
  try {
    return await serveFile(engine, request, reply, served);
  } catch (error) {
    if (error instanceof PartFetchError) throw mediaErrors.telegramUnavailable(error);
    throw error;
  }
}

/** An error in the one error shape, described for this route. */
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorResponse } },
});

/** The body of a 200 or 206: the file's bytes, in its own type. */
const fileBytesResponse = (description: string) => ({
  description,
  content: { '*/*': { schema: z.string().meta({ format: 'binary' }) } },
});

const MediaParams = z.object({ fileId: FileId, purpose: MediaPurpose });
const MediaQuery = z.object({
  token: z.string().max(4096).optional().describe('the signed token of the URL from `getMediaUrls`'),
});

/**
 * `/api/media/{fileId}/{purpose}?token=…`: the signed, short-lived URLs of `getMediaUrls`. `stream` plays
 * inline, `download` saves with the file's name (RFC 6266 `filename*`), `thumbnail` is the largest
 * preview Telegram made (404 `thumbnail_not_found` when it made none); all with ranges (200 without a
 * Range header, 206, 416), HEAD, validators and If-Range.
 */
export const streamRoutes: FastifyPluginAsyncZod<StreamRoutesOptions> = async (app, options) => {
  const { engine, loadFile, verifyMediaToken } = options;
  addMediaResponseHeaders(app, options.corsOrigin);

  app.get(
    '/api/media/:fileId/:purpose',
    {
      config: { cors: false },
      schema: {
        tags: ['media'],
        operationId: 'getMedia',
        summary: 'A file’s bytes from a signed URL: streamed inline, downloaded, or its thumbnail',
        description:
          'Honours `Range` (one range; several are merged or answered whole), `If-Range`, `If-Match`, ' +
          '`If-None-Match` and their date forms. HEAD answers with the same headers and no body.',
        params: MediaParams,
        querystring: MediaQuery,
        response: {
          200: fileBytesResponse('The whole file'),
          206: fileBytesResponse('The requested range (`Content-Range`)'),
          401: errorResponse(
            'The token is missing, altered, expired, or for another file or purpose: get new URLs from `getMediaUrls`',
          ),
          404: errorResponse(
            'No such file in the library (`file_not_found`), or it has no preview image (`thumbnail_not_found`)',
          ),
          502: errorResponse('Telegram could not deliver the file (`telegram_unavailable`)'),
          ...errorResponses(400, 429, 500),
        },
      },
    },
    async (request, reply) => {
      const { fileId, purpose } = request.params;
      const { token } = request.query;
      if (token === undefined) throw authErrors.invalidMediaToken();
      const { userId } = await verifyMediaToken(token, { fileId, purpose });
      const file = await loadFile(userId, fileId);
      if (!file) throw notFound.file(fileId);
      return serveMediaFile(engine, request, reply, file, purpose);
    },
  );
};
