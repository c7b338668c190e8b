import type { DcAddress } from '../client/custom-dc.ts';
import type { Counters } from '../counters/counters.ts';
import type { FaultBook } from '../faults/fault-book.ts';
import type { AuthKeyRegistry } from '../mtproto/auth-keys.ts';
import type { RpcCall, TlRequest } from '../mtproto/connection.ts';
import type { ServerSession } from '../mtproto/session.ts';
import type { RpcAnswer } from '../mtproto/tl.ts';
import type { NetworkModel } from '../network/network-model.ts';
import { type Account, TelegramError } from '../world/model.ts';
import type { World } from '../world/world.ts';
import { TlViews } from './tl-views.ts';
import type { UploadedParts } from './uploaded-parts.ts';

/** Everything the API handlers work with. */
export interface SandboxCore {
  readonly world: World;
  readonly keys: AuthKeyRegistry;
  readonly counters: Counters;
  readonly faults: FaultBook;
  readonly network: NetworkModel;
  readonly dcs: readonly DcAddress[];
  readonly apiId: number;
  readonly apiHash: string;
  /** Most events updates.getDifference returns before answering with a differenceSlice. */
  readonly differenceSliceSize: number;
  readonly uploads: UploadedParts;
  /** auth.exportAuthorization tokens (hex) waiting for auth.importAuthorization on another DC. */
  readonly exportedAuthorizations: Map<string, { accountId: number; dcId: number }>;
}

/** One API call as a handler sees it. */
export class RpcContext {
  readonly core: SandboxCore;
  readonly call: RpcCall;

  constructor(core: SandboxCore, call: RpcCall) {
    this.core = core;
    this.call = call;
  }

  get world(): World {
    return this.core.world;
  }

  get dcId(): number {
    return this.call.connection.dcId;
  }

  /** The calling session: it gets the updates its call caused in the result, not pushed. */
  get origin(): ServerSession {
    return this.call.session;
  }

  get accountId(): number | undefined {
    return this.call.session.key.accountId;
  }

  account(): Account {
    const account = this.accountId === undefined ? undefined : this.world.account(this.accountId);
    if (!account) throw new TelegramError(401, 'AUTH_KEY_UNREGISTERED');
    return account;
  }

  views(): TlViews {
    return new TlViews(this.world, this.account().id);
  }

  /** The auth key now acts for this account (as after a login), or for none (after a logout). */
  authorize(account: Account | undefined): void {
    this.core.keys.setAccount(this.call.session.key.id, account?.id);
  }
}

export type RpcHandler<R> = (request: R, context: RpcContext) => RpcAnswer | Promise<RpcAnswer>;

interface Route {
  handler: RpcHandler<never>;
  /** Callable before the key is logged in (config, login). */
  public: boolean;
}

/** API methods by request class. */
export class RpcRoutes {
  readonly #routes = new Map<unknown, Route>();

  on<R extends TlRequest>(
    type: new (args: never) => R,
    handler: RpcHandler<R>,
    options: { public?: boolean } = {},
  ): void {
    this.#routes.set(type, { handler: handler as RpcHandler<never>, public: options.public ?? false });
  }

  find(request: TlRequest): { handler: RpcHandler<TlRequest>; public: boolean } | undefined {
    return this.#routes.get(request.constructor) as
      | { handler: RpcHandler<TlRequest>; public: boolean }
      | undefined;
  }
}
