import { Api } from 'teleproto';
import type { ChatMessage } from '../world/model.ts';
import { resolveChannel } from './peers.ts';
import type { RpcRoutes } from './rpc-context.ts';

/** channels.*: resolving the storage channel, reading its posts (fresh file references), deleting. */
export function registerChannelsRpc(routes: RpcRoutes): void {
  routes.on(Api.channels.GetChannels, (request, context) => {
    const me = context.account();
    const views = context.views();
    return new Api.messages.Chats({
      chats: request.id.map((input) => views.channel(resolveChannel(context.world, me, input))),
    });
  });

  routes.on(Api.channels.GetMessages, (request, context) => {
    const me = context.account();
    const channel = resolveChannel(context.world, me, request.channel);
    const views = context.views();
    const found: ChatMessage[] = [];
    const messages = request.id.map((input) => {
      const id = input instanceof Api.InputMessageID ? input.id : 0;
      const message = context.world.messageIn(channel.id, id);
      if (!message) return new Api.MessageEmpty({ id });
      found.push(message);
      return views.message(message);
    });
    return new Api.messages.ChannelMessages({
      pts: context.world.pts(channel.id),
      count: found.length,
      messages,
      topics: [],
      ...views.entities(found),
    });
  });

  routes.on(Api.channels.DeleteMessages, (request, context) => {
    const me = context.account();
    const channel = resolveChannel(context.world, me, request.channel);
    const messages = request.id.flatMap((id) => context.world.messageIn(channel.id, id) ?? []);
    const { pts, ptsCount } = context.world.delete(channel.id, messages, context.origin);
    return new Api.messages.AffectedMessages({ pts, ptsCount });
  });
}
