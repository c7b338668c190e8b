import { randomUUID } from 'node:crypto';
import type { EventStore } from '@teleplay/eventstore';
import { type CheckpointWatcher, getDevice, type ReadModelTables } from '@teleplay/projections';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AggregateCache } from '../commands/aggregate-cache.ts';
import type { Clock } from '../modules/auth/auth.ports.ts';
import type { AuthService } from '../modules/auth/auth.service.ts';
import type { ShareIds } from '../modules/shares/share-ids.ts';
import { ApiError } from '../plugins/errors.plugin.ts';
import { type CommandRunner, createCommandRunner } from './command-runner.ts';

/** New ids for files, folders and share links. Injected so tests can predict them. */
export interface IdGenerator {
  uuid(): string;
}

export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/** Everything the API's handlers use. None of it is touched while routes are registered. */
export interface ApiServices {
  store: EventStore;
  cache: AggregateCache;
  /** The read models (public schema): every answer is read from here. */
  readModels: Kysely<ReadModelTables>;
  /** Read-your-writes: the projection runtime's checkpoint watcher. */
  watcher: Pick<CheckpointWatcher, 'waitFor'>;
  auth: AuthService;
  clock: Clock;
  ids: IdGenerator;
  /**
   * PUBLIC_URL: where clients reach this server, for the absolute URLs of media and share links.
   * Absent: taken from each request (its Host, and X-Forwarded-* when fastify trusts the proxy).
   */
  publicUrl?: string;
  /** Signs and checks share-link ids: `createShareIds` over the server's secret. */
  shareIds: ShareIds;
  /** How long a media URL works. Default 4 hours: a film must play to its end. */
  mediaUrlTtlSeconds?: number;
  /** How long a write waits for its read models before answering 202. Default 2 seconds. */
  readYourWritesTimeoutMs?: number;
}

/** The services with what the handlers derive from them, built once. */
export interface ApiContext extends ApiServices {
  db: Kysely<ReadModelTables>;
  commands: CommandRunner;
  /** The absolute origin clients use to reach this server, without a trailing slash. */
  publicOrigin(request: FastifyRequest): string;
}

/** The handlers' access to the services; answers 503 while the backend is still starting. */
export type ApiContextProvider = () => ApiContext;

export const DEFAULT_READ_YOUR_WRITES_TIMEOUT_MS = 2000;

/**
 * Wraps a services provider that returns undefined until the infrastructure is up, so that the app
 * can be built (and listen, and document itself) before the database is reachable.
 */
export function createApiContextProvider(services: () => ApiServices | undefined): ApiContextProvider {
  let built: { from: ApiServices; context: ApiContext } | undefined;
  return () => {
    const current = services();
    if (!current) throw new ApiError(503, 'starting', 'the server is starting: try again in a few seconds');
    if (built?.from !== current) built = { from: current, context: createApiContext(current) };
    return built.context;
  };
}

function createApiContext(services: ApiServices): ApiContext {
  const publicUrl = services.publicUrl?.replace(/\/+$/, '');
  const db = services.readModels;
  return {
    ...services,
    db,
    commands: createCommandRunner({
      ...services,
      // The devices read model knows every device but the one that signed in a moment ago.
      deviceKind: async (user) =>
        (await getDevice(db, user.userId, user.deviceId))?.kind ??
        (await services.auth.session(user)).device.kind,
      readYourWritesTimeoutMs: services.readYourWritesTimeoutMs ?? DEFAULT_READ_YOUR_WRITES_TIMEOUT_MS,
    }),
    publicOrigin: (request) => publicUrl ?? `${request.protocol}://${request.host}`,
  };
}
