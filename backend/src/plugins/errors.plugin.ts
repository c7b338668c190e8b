import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, type RefusalKind } from '../commands/domain-error.ts';

/** The one shape of every error response: a stable machine-readable code, a message, optional details. */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('stable, machine-readable: clients branch on it'),
      message: z.string().describe('for humans; may change'),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ErrorResponse' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** An error meant for the client: its status, code, message and details are sent as they are. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  readonly statusCode: number;
  readonly code: string;
  readonly details: unknown;
  /** Extra response headers, such as `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

const refusalStatus: Record<RefusalKind, number> = { not_found: 404, conflict: 409, invalid: 422 };

// Codes for the 4xx errors that fastify and its plugins raise themselves (bad JSON, wrong media type...).
const statusCodes: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export interface ErrorReply {
  statusCode: number;
  headers: Readonly<Record<string, string>>;
  body: ErrorResponse;
}

const reply = (
  statusCode: number,
  code: string,
  message: string,
  details?: unknown,
  headers: Readonly<Record<string, string>> = {},
): ErrorReply => ({
  statusCode,
  headers,
  body: { error: details === undefined ? { code, message } : { code, message, details } },
});

/** Maps anything thrown while handling a request onto the error shape; 5xx never reveal internals. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof ApiError)
    return reply(error.statusCode, error.code, error.message, error.details, error.headers);
  if (error instanceof DomainError)
    return reply(refusalStatus[error.refusal.kind], error.refusal.code, error.refusal.message);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location = (error as FastifyError).validationContext ?? 'request';
    return reply(400, 'invalid_request', `the ${location} is not valid`, {
      in: location,
      issues: error.validation.map((issue) => ({
        path: issue.instancePath,
        code: issue.keyword,
        message: issue.message ?? issue.keyword,
      })),
    });
  }
  if (error instanceof Error && !isResponseSerializationError(error)) {
    const { statusCode } = error as { statusCode?: unknown };
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500)
      return reply(statusCode, statusCodes[statusCode] ?? 'bad_request', error.message);
  }
  return reply(500, 'internal_error', 'internal server error');
}

/**
 * One error shape for the whole API: validation errors → 400 with the zod issues, domain refusals by kind,
 * `ApiError`s as they are, fastify's own 4xx by status, and everything else → 500 without a stack (logged).
 */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, response) => {
      const { statusCode, headers, body } = toErrorReply(error);
      if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
      return response.code(statusCode).headers(headers).send(body);
    });
    app.setNotFoundHandler((request, response) =>
      response
        .code(404)
        .send(reply(404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`).body),
    );
  },
  { name: 'teleplay-errors', fastify: '5.x' },
);
