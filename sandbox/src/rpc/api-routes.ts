import { registerAuthRpc } from './auth.rpc.ts';
import { registerBotsRpc } from './bots.rpc.ts';
import { registerChannelsRpc } from './channels.rpc.ts';
import { registerHelpRpc } from './help.rpc.ts';
import { registerMessagesRpc } from './messages.rpc.ts';
import { RpcRoutes } from './rpc-context.ts';
import { registerUpdatesRpc } from './updates.rpc.ts';
import { registerUploadRpc } from './upload.rpc.ts';
import { registerUsersRpc } from './users.rpc.ts';

/** Every API method the sandbox answers. */
export function apiRoutes(): RpcRoutes {
  const routes = new RpcRoutes();
  registerHelpRpc(routes);
  registerAuthRpc(routes);
  registerUpdatesRpc(routes);
  registerUsersRpc(routes);
  registerMessagesRpc(routes);
  registerChannelsRpc(routes);
  registerUploadRpc(routes);
  registerBotsRpc(routes);
  return routes;
}
