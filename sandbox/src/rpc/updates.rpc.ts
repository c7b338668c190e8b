import { Api } from 'teleproto';
import type { ChatMessage } from '../world/model.ts';
import type { RpcRoutes } from './rpc-context.ts';

/**
 * updates.getState and updates.getDifference over the account's own pts sequence (its private
 * chats): what a client that was away needs to catch up. Callback queries are not in it, as on
 * Telegram; channel posts have their own sequence.
 */
export function registerUpdatesRpc(routes: RpcRoutes): void {
  routes.on(Api.updates.GetState, (_request, context) => {
    const me = context.account();
    return state(context.world.pts(me.id), context.world.unixTime());
  });

  routes.on(Api.updates.GetDifference, (request, context) => {
    const me = context.account();
    const { world } = context;
    const current = world.pts(me.id);
    const date = world.unixTime();
    // A client ahead of the server (its state is from an earlier sandbox) or too far behind starts over.
    const limit = request.ptsTotalLimit;
    const tooFarBehind = typeof limit === 'number' && current - request.pts > limit;
    if (request.pts > current || tooFarBehind) return new Api.updates.DifferenceTooLong({ pts: current });
    if (request.pts === current) return new Api.updates.DifferenceEmpty({ date, seq: 0 });

    const pending = world.eventsAfter(me.id, request.pts);
    const slice = pending.slice(0, context.core.differenceSliceSize);
    const views = context.views();
    const newMessages: ChatMessage[] = [];
    const edited: ChatMessage[] = [];
    const otherUpdates: Api.TypeUpdate[] = [];
    for (const event of slice) {
      if (event.kind === 'new_message') {
        if (!event.message.deleted) newMessages.push(event.message);
      } else if (event.kind === 'edit_message') {
        if (event.message.deleted) continue;
        edited.push(event.message);
        otherUpdates.push(views.accountEvent(event));
      } else {
        otherUpdates.push(views.accountEvent(event));
      }
    }
    const { users, chats } = views.entities([...newMessages, ...edited]);
    const fields = {
      newMessages: newMessages.map((message) => views.message(message)),
      newEncryptedMessages: [],
      otherUpdates,
      users,
      chats,
    };
    const reached = state(slice.at(-1)!.pts, date);
    return slice.length < pending.length
      ? new Api.updates.DifferenceSlice({ ...fields, intermediateState: reached })
      : new Api.updates.Difference({ ...fields, state: reached });
  });
}

function state(pts: number, date: number): Api.updates.State {
  return new Api.updates.State({ pts, qts: 0, date, seq: 0, unreadCount: 0 });
}
