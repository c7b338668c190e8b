import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fileKeyOf, type StoredFileLocation } from './file-part-source.ts';
import { contentRange, decideResponse, formatHttpDate, unsatisfiedContentRange } from './range.ts';
import type { FileByteStream, StreamEngine } from './stream-engine.ts';

/** What the HTTP side needs to know about a file to serve it. */
export interface ServedFile {
  readonly location: StoredFileLocation;
  readonly mimeType: string;
  readonly fileName: string;
  /** The storage message's date: Last-Modified. */
  readonly lastModified: Date;
  readonly disposition: 'inline' | 'attachment';
}

/**
 * A strong ETag from identifiers that never change for these bytes, so it is the same on every instance
 * and after restarts: VLC sends it back in If-Match and fails on a mismatch (streaming.md §4.3).
 */
export function entityTagOf(location: StoredFileLocation): string {
  const digest = createHash('sha256')
    .update(`${fileKeyOf(location)}:${location.size}`)
    .digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

/** `Content-Disposition` with an ASCII fallback and the exact name in `filename*` (RFC 6266, RFC 8187). */
export function contentDisposition(disposition: 'inline' | 'attachment', fileName: string): string {
  const name = fileName.toWellFormed();
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/gu, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Serves one file for a GET or HEAD: 200, 206, 304, 412 or 416 with the headers of RFC 9110, the body
 * from the stream engine. HEAD never touches Telegram. The status and headers wait for the first bytes, so
 * a file that cannot be read at all fails with a proper error (the engine's errors carry `statusCode`);
 * a failure after that destroys the connection, so a client never takes a short body for a whole one.
 * CORS headers, caching policy and authorisation are the route's business.
 */
export async function serveFile(
  engine: StreamEngine,
  request: FastifyRequest,
  reply: FastifyReply,
  file: ServedFile,
): Promise<FastifyReply> {
  const { size } = file.location;
  const etag = entityTagOf(file.location);
  const decision = decideResponse(
    {
      method: request.method,
      range: header(request, 'range'),
      ifRange: header(request, 'if-range'),
      ifMatch: header(request, 'if-match'),
      ifNoneMatch: header(request, 'if-none-match'),
      ifModifiedSince: header(request, 'if-modified-since'),
      ifUnmodifiedSince: header(request, 'if-unmodified-since'),
    },
    { size, etag, lastModified: file.lastModified },
  );
  const validators = { etag, 'last-modified': formatHttpDate(file.lastModified) };

  switch (decision.status) {
    case 304:
      return reply.code(304).headers(validators).send();
    case 412:
      return reply.code(412).send();
    case 416:
      return reply
        .code(416)
        .headers({ 'accept-ranges': 'bytes', 'content-range': unsatisfiedContentRange(size) })
        .send();
  }

  const range = decision.status === 206 ? decision.range : undefined;
  const length = range ? range.end - range.start + 1 : size;
  const headers = {
    ...validators,
    'accept-ranges': 'bytes',
    'content-type': file.mimeType || 'application/octet-stream',
    'content-length': String(length),
    'content-disposition': contentDisposition(file.disposition, file.fileName),
    ...(range ? { 'content-range': contentRange(range, size) } : {}),
  };

  if (request.method === 'HEAD') {
    // An empty stream, not an empty body: fastify's automatic HEAD route would reset Content-Length to 0.
    return reply.code(decision.status).headers(headers).send(Readable.from([]));
  }
  if (length === 0) return reply.code(200).headers(headers).send(Buffer.alloc(0));

  const client = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) client.abort(new Error('the client closed the connection'));
  });
  const stream = engine.open(file.location, range, { signal: client.signal });
  let first: IteratorResult<Uint8Array>;
  try {
    first = await stream.next();
  } catch (error) {
    if (!client.signal.aborted) throw error;
    // Nobody is left to answer.
    reply.hijack();
    return reply;
  }
  return reply
    .code(decision.status)
    .headers(headers)
    .send(new ByteStreamReadable(first.done ? undefined : first.value, stream));
}

/** Node stream over the engine's iterator; destroying it (the socket went away) cancels the fetches. */
class ByteStreamReadable extends Readable {
  #first: Uint8Array | undefined;
  readonly #stream: FileByteStream;

  constructor(first: Uint8Array | undefined, stream: FileByteStream) {
    super();
    this.#first = first;
    this.#stream = stream;
  }

  override _read(): void {
    const first = this.#first;
    if (first) {
      this.#first = undefined;
      this.push(first);
      return;
    }
    this.#stream.next().then(
      (result) => this.push(result.done ? null : result.value),
      (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#stream.return().then(
      () => callback(error),
      (returnError: unknown) => callback(returnError as Error),
    );
  }
}
