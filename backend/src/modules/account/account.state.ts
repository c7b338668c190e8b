import type { AccountEvent, DeviceId, FileId, ShareId } from '@teleplay/contracts';
import { Map as ImmutableMap } from 'immutable';

/** One user's account (`account-{userId}`): registration, signed-in devices, share links. */
export interface AccountState {
  registered: boolean;
  devices: ImmutableMap<DeviceId, { signedIn: boolean }>;
  shareLinks: ImmutableMap<ShareId, { fileId: FileId; revoked: boolean }>;
}

export function initialAccountState(): AccountState {
  return { registered: false, devices: ImmutableMap(), shareLinks: ImmutableMap() };
}

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'UserRegistered':
      return { ...state, registered: true };
    case 'DeviceSignedIn':
      return { ...state, devices: state.devices.set(event.data.deviceId, { signedIn: true }) };
    case 'DeviceSignedOut':
      return { ...state, devices: state.devices.set(event.data.deviceId, { signedIn: false }) };
    case 'ShareLinkCreated':
      return {
        ...state,
        shareLinks: state.shareLinks.set(event.data.shareId, { fileId: event.data.fileId, revoked: false }),
      };
    case 'ShareLinkRevoked': {
      const link = state.shareLinks.get(event.data.shareId);
      return link
        ? { ...state, shareLinks: state.shareLinks.set(event.data.shareId, { ...link, revoked: true }) }
        : state;
    }
  }
}
