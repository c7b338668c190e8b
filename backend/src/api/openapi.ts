import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';
export const API_VERSION = '0.1.0';

/** The parts of an OpenAPI document that `tidyComponents` reads. */
interface Document {
  paths?: unknown;
  components?: { schemas?: Record<string, unknown> };
}

const TAGS = [
  { name: 'auth', description: 'Signing devices in and out' },
  { name: 'files', description: 'The files of the library' },
  { name: 'folders', description: 'Folders, with their counts and sizes' },
  { name: 'trash', description: 'What was deleted, until it is restored or deleted forever' },
  { name: 'history', description: 'The audit timeline of the library and the account' },
  { name: 'playback', description: 'Playback progress and what to resume' },
  { name: 'tv', description: 'The screens of the TV app' },
  { name: 'devices', description: 'Devices signed in to the account' },
  { name: 'shares', description: 'Public links to files' },
  { name: 'media', description: 'Signed URLs to stream, download and show files' },
];

/**
 * The OpenAPI document, generated from the routes' zod schemas (shared models become named
 * components), served at `/api/openapi.json`, with Swagger UI at `/api/docs`. Register it before
 * the routes: it collects them as they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Teleplay API',
        version: API_VERSION,
        description:
          'The HTTP API of Teleplay, a self-hosted media library whose files live in Telegram. ' +
          'Errors always have the shape `{ error: { code, message, details } }`. Writes accept an ' +
          '`Idempotency-Key` header and answer once their read models include them, or 202 with the ' +
          'position of the write when that takes too long.',
      },
      tags: TAGS,
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'an access token from `/api/auth/code/verify`, `/api/auth/web-login` or `/api/auth/refresh`',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) =>
      describeResponses(tidyComponents(jsonSchemaTransformObject(document) as Document)) as never,
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PATH, staticCSP: true });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}

/** What each status means across the API, for responses whose schema does not say. */
const STATUS_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Recorded, but the read models did not catch up in time: it shows in lists shortly',
  204: 'Done',
  400: 'The request is not valid: `error.details` says what is wrong where',
  401: 'No valid access token: sign in, or refresh the token',
  403: 'Not allowed',
  404: "Not found: it does not exist, or it is another user's",
  409: 'Conflicts with the current state (`error.code` says how)',
  410: 'Gone',
  422: 'Refused by a rule of the library (`error.code` says which)',
  429: 'Too many requests: retry later',
  500: 'Internal error (logged; never with details)',
  503: 'Not available right now (the server is starting, or a dependency is down)',
};
const FASTIFY_DEFAULT_DESCRIPTION = 'Default Response';

/** Replaces @fastify/swagger's placeholder description of each response with what the status means. */
export function describeResponses<D extends Document>(document: D): D {
  const paths = (document.paths ?? {}) as Record<
    string,
    Record<string, { responses?: Record<string, { description?: string }> }>
  >;
  for (const item of Object.values(paths))
    for (const operation of Object.values(item))
      for (const [status, response] of Object.entries(operation.responses ?? {}))
        if (response.description === FASTIFY_DEFAULT_DESCRIPTION)
          response.description = STATUS_DESCRIPTIONS[status] ?? FASTIFY_DEFAULT_DESCRIPTION;
  return document;
}

const REF_PREFIX = '#/components/schemas/';
const INPUT_SUFFIX = 'Input';

/**
 * The zod transform documents each named schema twice, as read (`X`) and as written (`XInput`).
 * Keeps the components the paths use, names an input-only one without the suffix, and sorts them,
 * so that the document (and the client types made from it) holds each model once under its name.
 */
export function tidyComponents<D extends Document>(document: D): D {
  const schemas: Record<string, unknown> = { ...document.components?.schemas };
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(REF_PREFIX)) {
        const name = child.slice(REF_PREFIX.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else visit(child);
    }
  };
  visit(document.paths);

  // An input-only model takes the plain name; one read and written alike is documented once.
  const renamed = new Map<string, string>();
  for (const name of used) {
    const bare = name.slice(0, -INPUT_SUFFIX.length);
    if (!name.endsWith(INPUT_SUFFIX)) continue;
    if (!used.has(bare) || JSON.stringify(schemas[name]) === JSON.stringify(schemas[bare]))
      renamed.set(name, bare);
  }
  const rename = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (key, child: unknown) =>
      key === '$ref' && typeof child === 'string' && renamed.has(child.slice(REF_PREFIX.length))
        ? `${REF_PREFIX}${renamed.get(child.slice(REF_PREFIX.length))}`
        : child,
    );
  const kept = [...used]
    .filter((name) => !renamed.has(name) || !used.has(renamed.get(name) ?? ''))
    .map((name) => [renamed.get(name) ?? name, rename(schemas[name])] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    ...document,
    paths: rename(document.paths),
    components: { ...document.components, schemas: Object.fromEntries(kept) },
  };
}
