import { setTimeout as sleep } from 'node:timers/promises';
import { Api } from 'teleproto';
import type { RpcCall, RpcDispatcher } from '../mtproto/connection.ts';
import { serializeAnswer } from '../mtproto/tl.ts';
import { TelegramError } from '../world/model.ts';
import { RpcContext, type RpcRoutes, type SandboxCore } from './rpc-context.ts';

/**
 * Runs one API call: login check, injected faults (FLOOD_WAIT, slow), the handler, then the network
 * model's delivery time for the answer. Failures become rpc_error; nothing escapes.
 */
export class RpcRouter implements RpcDispatcher {
  readonly #core: SandboxCore;
  readonly #routes: RpcRoutes;
  readonly #reportInternalError: (error: unknown) => void;

  constructor(core: SandboxCore, routes: RpcRoutes, reportInternalError: (error: unknown) => void) {
    this.#core = core;
    this.#routes = routes;
    this.#reportInternalError = reportInternalError;
  }

  async dispatch(call: RpcCall): Promise<Buffer> {
    const { counters, faults, network } = this.#core;
    const context = new RpcContext(this.#core, call);
    const method = call.request.className;
    const isGetFile = call.request instanceof Api.upload.GetFile;
    const caller = context.accountId;
    counters.call(caller);
    if (isGetFile) counters.getFileStarted(caller);
    let result: Buffer;
    let fileBytes = 0;
    try {
      const route = this.#routes.find(call.request);
      if (!route) {
        counters.unsupported(method);
        throw new TelegramError(400, 'SANDBOX_METHOD_UNSUPPORTED');
      }
      if (!route.public && caller === undefined) throw new TelegramError(401, 'AUTH_KEY_UNREGISTERED');
      const floodSeconds = faults.takeFloodWait(caller, method);
      if (floodSeconds !== undefined) throw new TelegramError(420, `FLOOD_WAIT_${floodSeconds}`);
      const delayMs = faults.takeSlowDelay(caller, method);
      if (delayMs > 0) await sleep(delayMs);
      const answer = await route.handler(call.request, context);
      if (answer instanceof Api.upload.File) fileBytes = answer.bytes.length;
      result = serializeAnswer(answer);
    } catch (error) {
      const failure = error instanceof TelegramError ? error : new TelegramError(500, 'INTERNAL');
      if (!(error instanceof TelegramError)) this.#reportInternalError(error);
      counters.error(context.accountId, failure.message);
      result = new Api.RpcError({ errorCode: failure.code, errorMessage: failure.message }).getBytes();
    }
    await network.deliver(call.connection.id, context.accountId, result.length);
    if (isGetFile) counters.getFileFinished(caller, fileBytes);
    return result;
  }
}
