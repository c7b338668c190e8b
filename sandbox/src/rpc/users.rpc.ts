import { Api } from 'teleproto';
import { long, tlVector } from '../mtproto/tl.ts';
import { TelegramError } from '../world/model.ts';
import { resolveUser } from './peers.ts';
import type { RpcRoutes } from './rpc-context.ts';

/** users.* and contacts.resolveUsername. */
export function registerUsersRpc(routes: RpcRoutes): void {
  routes.on(Api.users.GetUsers, (request, context) => {
    const me = context.account();
    const views = context.views();
    const found = request.id.flatMap((input) => {
      try {
        return [views.user(resolveUser(context.world, me, input))];
      } catch {
        return [];
      }
    });
    return tlVector(found);
  });

  routes.on(Api.contacts.ResolveUsername, (request, context) => {
    context.account();
    const account = context.world.accountByUsername(request.username);
    if (!account) throw new TelegramError(400, 'USERNAME_NOT_OCCUPIED');
    return new Api.contacts.ResolvedPeer({
      peer: new Api.PeerUser({ userId: long(account.id) }),
      users: [context.views().user(account)],
      chats: [],
    });
  });
}
