import type { RouteOptions } from 'fastify';

/** Routes under /api that are not part of the documented HTTP API: the docs themselves. */
const UNDOCUMENTED = [/^\/api\/docs(\/|$)/, /^\/api\/openapi\.json$/];

interface RouteSchema {
  hide?: boolean;
  operationId?: unknown;
  tags?: unknown;
  summary?: unknown;
  security?: unknown;
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
  headers?: unknown;
  response?: Record<string, unknown>;
}

/**
 * What every route of the HTTP API must declare, so that the OpenAPI document (and the client made
 * from it) is complete: an operationId and tag, a summary, a schema for each input, and every
 * response it can give: a success, 400 when it takes input, 401 when it needs a token, 429 (the
 * global rate limit) and 500. Returns the problems; none for a route outside the API.
 */
export function routeContractProblems(
  route: Pick<RouteOptions, 'url' | 'schema'> & { websocket?: boolean },
): string[] {
  const { url } = route;
  if (!url.startsWith('/api/') || route.websocket || UNDOCUMENTED.some((pattern) => pattern.test(url)))
    return [];
  const schema = (route.schema ?? {}) as RouteSchema;
  const problems: string[] = [];
  const require = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  require(schema.hide !== true, 'an API route must be documented (no `hide`)');
  require(typeof schema.operationId === 'string', 'no operationId');
  require(Array.isArray(schema.tags) && schema.tags.length > 0, 'no tags');
  require(typeof schema.summary === 'string', 'no summary');
  require(!url.includes(':') || schema.params !== undefined, 'path parameters without a params schema');
  const codes = Object.keys(schema.response ?? {});
  require(codes.some((code) => code.startsWith('2')), 'no success response');
  const takesInput = [schema.params, schema.querystring, schema.body, schema.headers].some(
    (part) => part !== undefined,
  );
  const expected = ['429', '500', ...(takesInput ? ['400'] : []), ...(schema.security ? ['401'] : [])];
  for (const code of expected) require(codes.includes(code), `no ${code} response`);
  return problems;
}
