import { Api } from 'teleproto';
import { tlVector } from '../mtproto/tl.ts';
import type { RpcRoutes } from './rpc-context.ts';

/** bots.*: the command list a bot publishes (kept, and shown in the control API's state). */
export function registerBotsRpc(routes: RpcRoutes): void {
  routes.on(Api.bots.SetBotCommands, (request, context) => {
    context.world.setBotCommands(context.account(), request.commands);
    return true;
  });
  routes.on(Api.bots.GetBotCommands, (_request, context) => tlVector(context.account().commands));
}
