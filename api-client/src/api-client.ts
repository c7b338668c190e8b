import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import { operationRoutes } from './operations.generated.ts';
import type { components, paths } from './schema.generated.ts';

/** The API's models by name, e.g. `Schemas['File']`. */
export type Schemas = components['schemas'];

type Routes = typeof operationRoutes;
export type OperationId = keyof Routes;
type PathOf<Id extends OperationId> = Routes[Id]['path'];
type MethodOf<Id extends OperationId> = Routes[Id]['method'];
type InitOf<Id extends OperationId> = MaybeOptionalInit<paths[PathOf<Id>], MethodOf<Id>>;
type OperationOf<Id extends OperationId> = NonNullable<paths[PathOf<Id>][MethodOf<Id>]>;
// The options argument may be left out when nothing in it is required.
type InitArgs<Init> = object extends Init ? [init?: Init] : [init: Init];

/**
 * One operation of the API, named by its operationId: `params` (path, query, header) and `body` as
 * the OpenAPI document declares them; resolves with `data` on success or `error` (the API's error
 * shape) otherwise, and the `response`.
 */
export type OperationCall<Id extends OperationId> = <Init extends InitOf<Id>>(
  ...init: InitArgs<Init>
) => Promise<FetchResponse<OperationOf<Id>, Init, `${string}/${string}`>>;

export type ApiClient = { readonly [Id in OperationId]: OperationCall<Id> } & {
  /** The underlying openapi-fetch client, by path: `fetchClient.GET('/api/files/{fileId}', …)`. */
  readonly fetchClient: Client<paths>;
};

export interface ApiClientOptions {
  /** Where the API is, e.g. `https://teleplay.example`; requests go to `{baseUrl}/api/…`. */
  baseUrl: string;
  /** The current access token, sent as `Authorization: Bearer`; none: the request goes without. */
  getAccessToken(): string | null | undefined | Promise<string | null | undefined>;
  /** Called when a request that carried a token is answered 401: refresh the tokens or sign in again. */
  onUnauthorized?(response: Response): void | Promise<void>;
  /** Replaces the global fetch (tests, server-side rendering). */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * The typed client of the Teleplay API, one function per operation:
 * `await api.getFile({ params: { path: { fileId } } })`.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const fetchClient = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const authorized = new WeakSet<Request>();
  fetchClient.use({
    async onRequest({ request }) {
      const token = await options.getAccessToken();
      if (!token) return request;
      request.headers.set('authorization', `Bearer ${token}`);
      authorized.add(request);
      return request;
    },
    async onResponse({ request, response }) {
      if (response.status === 401 && authorized.has(request)) await options.onUnauthorized?.(response);
      return response;
    },
  });
  const calls = Object.fromEntries(
    Object.entries(operationRoutes).map(([operationId, { method, path }]) => [
      operationId,
      (init?: object) => fetchClient.request(method, path as never, init as never),
    ]),
  );
  return { ...calls, fetchClient } as ApiClient;
}

/**
 * Whether a write's answer is the 202 one: recorded, but the read models did not include it in
 * time. Refetch shortly, or let the live channel bring the change.
 */
export function isWriteAccepted<T>(data: T | Schemas['WriteAccepted']): data is Schemas['WriteAccepted'] {
  return typeof data === 'object' && data !== null && 'position' in data && Object.keys(data).length === 1;
}
