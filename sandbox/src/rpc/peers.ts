import { Api } from 'teleproto';
import { fromLong, type Long } from '../mtproto/tl.ts';
import { type Account, type Channel, TelegramError } from '../world/model.ts';
import type { World } from '../world/world.ts';

export type ResolvedPeer = { type: 'user'; account: Account } | { type: 'channel'; channel: Channel };

/** Bots may pass access_hash 0 for peers they know by id, as teleproto does for uncached entities. */
function hashMatches(viewer: Account, expected: bigint, given: Long): boolean {
  const value = fromLong(given);
  return value === expected || (viewer.bot && value === 0n);
}

function userById(world: World, viewer: Account, id: Long, accessHash: Long | undefined): Account {
  const account = world.account(Number(fromLong(id)));
  if (!account || (accessHash !== undefined && !hashMatches(viewer, account.accessHash, accessHash))) {
    throw new TelegramError(400, 'PEER_ID_INVALID');
  }
  return account;
}

function channelById(world: World, viewer: Account, id: Long, accessHash: Long | undefined): Channel {
  const channel = world.channel(Number(fromLong(id)));
  if (!channel || (accessHash !== undefined && !hashMatches(viewer, channel.accessHash, accessHash))) {
    throw new TelegramError(400, 'CHANNEL_INVALID');
  }
  if (!world.isMember(channel, viewer.id)) throw new TelegramError(400, 'CHANNEL_PRIVATE');
  return channel;
}

/** Input peers arrive as parsed TL objects (teleproto types them as its client-side EntityLike). */
export function resolvePeer(world: World, viewer: Account, peer: unknown): ResolvedPeer {
  if (peer instanceof Api.InputPeerSelf) return { type: 'user', account: viewer };
  if (peer instanceof Api.InputPeerUser)
    return { type: 'user', account: userById(world, viewer, peer.userId, peer.accessHash) };
  if (peer instanceof Api.InputPeerUserFromMessage) {
    return { type: 'user', account: userById(world, viewer, peer.userId, undefined) };
  }
  if (peer instanceof Api.InputPeerChannel) {
    return { type: 'channel', channel: channelById(world, viewer, peer.channelId, peer.accessHash) };
  }
  if (peer instanceof Api.InputPeerChannelFromMessage) {
    return { type: 'channel', channel: channelById(world, viewer, peer.channelId, undefined) };
  }
  throw new TelegramError(400, 'PEER_ID_INVALID');
}

export function resolveUser(world: World, viewer: Account, user: unknown): Account {
  if (user instanceof Api.InputUserSelf) return viewer;
  if (user instanceof Api.InputUser) return userById(world, viewer, user.userId, user.accessHash);
  if (user instanceof Api.InputUserFromMessage) return userById(world, viewer, user.userId, undefined);
  throw new TelegramError(400, 'USER_ID_INVALID');
}

export function resolveChannel(world: World, viewer: Account, channel: unknown): Channel {
  if (channel instanceof Api.InputChannel)
    return channelById(world, viewer, channel.channelId, channel.accessHash);
  if (channel instanceof Api.InputChannelFromMessage)
    return channelById(world, viewer, channel.channelId, undefined);
  throw new TelegramError(400, 'CHANNEL_INVALID');
}

/** The box a peer's messages live in, for this viewer: its own box for private chats, else the channel. */
export function boxOf(viewer: Account, peer: ResolvedPeer): number {
  return peer.type === 'channel' ? peer.channel.id : viewer.id;
}
