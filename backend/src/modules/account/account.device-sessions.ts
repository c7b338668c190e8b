import { accountStream, type DeviceId, type UserId } from '@teleplay/contracts';
import type { EventStore } from '@teleplay/eventstore';
import type { AggregateCache } from '../../commands/aggregate-cache.ts';
import { DomainError } from '../../commands/domain-error.ts';
import { handleCommand } from '../../commands/handle-command.ts';
import type { Clock, DeviceSessions } from '../auth/auth.ports.ts';
import { type AccountCommand, accountDecider } from './account.decide.ts';

/** A device signs in once and out once: these ids make both records idempotent. */
export const deviceSignedInCommandId = (deviceId: DeviceId) => `device-signed-in:${deviceId}`;
export const deviceSignedOutCommandId = (deviceId: DeviceId) => `device-signed-out:${deviceId}`;

/**
 * The auth module's `DeviceSessions` port on the account stream: sign-ins and sign-outs become
 * `DeviceSignedIn` / `DeviceSignedOut` through the account decider. A sign-in the decider refuses
 * (the user never registered with the bot, an invalid name) fails the sign-in; a sign-out of a
 * device the account does not know is already done.
 */
export function createAccountDeviceSessions(options: {
  store: EventStore;
  cache: AggregateCache;
  clock: Clock;
}): DeviceSessions {
  const { store, cache, clock } = options;
  const record = async (
    userId: UserId,
    deviceId: DeviceId,
    command: AccountCommand,
    commandId: string,
    source: 'web' | 'tv' | 'mobile' | 'system',
  ) => {
    const result = await handleCommand({
      store,
      cache,
      streamName: accountStream(userId),
      decider: accountDecider,
      command,
      commandId,
      metadata: { actorId: userId, deviceId, source, occurredAt: clock.now().toISOString() },
    });
    return result.status === 'refused' ? result.refusal : null;
  };

  return {
    async signedIn({ userId, deviceId, name, kind }) {
      const refusal = await record(
        userId,
        deviceId,
        { type: 'SignInDevice', data: { deviceId, name, kind } },
        deviceSignedInCommandId(deviceId),
        kind,
      );
      if (refusal) throw new DomainError(refusal);
    },
    async signedOut({ userId, deviceId, reason }) {
      // Which app asked is not known here: the history says the account's own rules did it.
      const refusal = await record(
        userId,
        deviceId,
        { type: 'SignOutDevice', data: { deviceId, reason } },
        deviceSignedOutCommandId(deviceId),
        'system',
      );
      if (refusal && refusal.kind !== 'not_found') throw new DomainError(refusal);
    },
  };
}
