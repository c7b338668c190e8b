import type { InjectOptions } from 'fastify';

/** The ids (and a name) a request may carry: one user's real ones, or ones that exist nowhere. */
export interface RequestIds {
  fileId: string;
  folderId: string;
  trashedFileId: string;
  trashedFolderId: string;
  shareId: string;
  deviceId: string;
  fileName: string;
}

/** A valid request of one operation, built from the ids it should name. */
export interface OperationCase {
  /** Path parameters other than the same-named id (e.g. a trashed file for a restore). */
  path?: Partial<Record<string, keyof RequestIds>>;
  query?: (ids: RequestIds) => Record<string, string>;
  body?: (ids: RequestIds) => unknown;
  /** It names none of the ids: what it answers must be the caller's own data only. */
  ownData?: true;
  /** It signs the caller's device out: run it with a session that may end. */
  signsOut?: true;
}

/**
 * A valid request for every operation that needs an access token, by operationId. The isolation,
 * 401 and bad-input walks iterate the OpenAPI document and fail on an operation missing here, so a
 * new route cannot be left out of them.
 */
export const protectedOperations: Record<string, OperationCase> = {
  logout: { ownData: true, signsOut: true },
  getCurrentSession: { ownData: true },
  listFiles: { query: (ids) => ({ folderId: ids.folderId, sort: 'size', limit: '10' }) },
  getFile: {},
  updateFile: { body: (ids) => ({ name: 'renamed.mkv', folderId: ids.folderId }) },
  trashFile: {},
  restoreFile: { path: { fileId: 'trashedFileId' } },
  trashFiles: { body: (ids) => ({ fileIds: [ids.fileId, ids.trashedFileId] }) },
  getFileHistory: { query: () => ({ limit: '10' }) },
  listFolders: { query: (ids) => ({ parentId: ids.folderId }) },
  createFolder: { body: (ids) => ({ name: 'Inside', parentId: ids.folderId }) },
  getFolderContents: { query: () => ({ kind: 'video', sort: 'name', limit: '10' }) },
  updateFolder: { body: () => ({ name: 'Renamed folder' }) },
  trashFolder: {},
  restoreFolder: { path: { folderId: 'trashedFolderId' } },
  listTrash: { ownData: true, query: () => ({ limit: '10' }) },
  deleteFileForever: { path: { fileId: 'trashedFileId' } },
  deleteFolderForever: { path: { folderId: 'trashedFolderId' } },
  listHistory: { ownData: true, query: () => ({ type: 'FileUploaded', from: '2000-01-01T00:00:00Z' }) },
  reportPlayback: {
    body: (ids) => ({ fileId: ids.fileId, event: 'progress', positionSeconds: 60, paused: true }),
  },
  listContinueWatching: { ownData: true, query: () => ({ kind: 'video', limit: '5' }) },
  getPlaybackState: {},
  tvBrowse: { query: (ids) => ({ folderId: ids.folderId, limit: '10' }) },
  tvContinueWatching: { ownData: true, query: () => ({ limit: '5' }) },
  tvRecent: { ownData: true, query: () => ({ kind: 'video', limit: '5' }) },
  tvSearch: { query: (ids) => ({ q: ids.fileName, limit: '5' }) },
  tvReportPlayback: { body: (ids) => ({ fileId: ids.fileId, event: 'start', positionSeconds: 0 }) },
  listDevices: { ownData: true, query: () => ({ includeSignedOut: 'true' }) },
  signOutDevice: {},
  createShareLink: { body: (ids) => ({ fileId: ids.fileId, expiresInSeconds: 3600 }) },
  listShareLinks: { query: (ids) => ({ fileId: ids.fileId, activeOnly: 'false' }) },
  revokeShareLink: {},
  getMediaUrls: {},
};

/** Valid requests of the public operations that take a body: the bad-input walk starts from them. */
export const publicOperations: Record<string, OperationCase> = {
  generateLoginCode: { body: () => ({ deviceName: 'Living room TV', deviceKind: 'tv' }) },
  pollLoginCode: { body: () => ({ code: '123456', secret: 'not-a-secret-of-any-code' }) },
  exchangeWebLoginLink: { body: () => ({ token: 'not-a-link-token', deviceName: 'Laptop' }) },
  refreshTokens: { body: () => ({ refreshToken: 'not-a-refresh-token' }) },
  getBotInfo: {},
};

/** An operation of the OpenAPI document. */
export interface DocumentedOperation {
  operationId: string;
  method: string;
  path: string;
  protected: boolean;
  queryParameters: string[];
  pathParameters: string[];
  headerParameters: string[];
  hasBody: boolean;
}

interface OpenApiOperation {
  operationId?: string;
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
}

const parametersIn = (operation: OpenApiOperation, place: string) =>
  (operation.parameters ?? [])
    .filter((parameter) => parameter.in === place)
    .map((parameter) => parameter.name);

/** Every operation of the document, in its order. */
export function documentedOperations(document: { paths?: unknown }): DocumentedOperation[] {
  const paths = (document.paths ?? {}) as Record<string, Record<string, OpenApiOperation>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      operationId: operation.operationId ?? `${method} ${path}`,
      method: method.toUpperCase(),
      path,
      protected: (operation.security?.length ?? 0) > 0,
      queryParameters: parametersIn(operation, 'query'),
      pathParameters: parametersIn(operation, 'path'),
      headerParameters: parametersIn(operation, 'header'),
      hasBody: operation.requestBody !== undefined,
    })),
  );
}

/** The inject options of an operation's valid request, naming `ids`. */
export function requestOf(operation: DocumentedOperation, ids: RequestIds): InjectOptions {
  const known = protectedOperations[operation.operationId] ?? publicOperations[operation.operationId];
  if (!known) throw new Error(`no request for ${operation.operationId}: add it to protectedOperations`);
  const url = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const key = known.path?.[name] ?? (name as keyof RequestIds);
    const value = ids[key];
    if (value === undefined) throw new Error(`no id for {${name}} of ${operation.operationId}`);
    return encodeURIComponent(value);
  });
  const query = known.query?.(ids);
  const body = known.body?.(ids);
  return {
    method: operation.method as InjectOptions['method'],
    url,
    ...(query ? { query } : {}),
    ...(body === undefined ? {} : { payload: body as object }),
  };
}
