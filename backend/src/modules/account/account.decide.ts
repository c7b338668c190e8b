import {
  AccountEvent,
  type DeviceId,
  type DeviceKind,
  type FileId,
  parseDomainEvent,
  type ShareId,
  type Timestamp,
  type UserId,
} from '@teleplay/contracts';
import type { Command, Decider } from '../../commands/decider.ts';
import { type DomainError, refuse } from '../../commands/domain-error.ts';
import { type AccountState, evolveAccount, initialAccountState } from './account.state.ts';

// -----------------------------------------------------------------------------------------------
// Commands. Whether a file to share exists in the user's library is looked up by the caller and
// passed in (`file`), which keeps the decider pure; so is the current time.
// -----------------------------------------------------------------------------------------------

/** The file as the user's library knows it; null when it does not exist there (or was deleted). */
export interface ShareableFile {
  inTrash: boolean;
}

export type RegisterUser = Command<
  'RegisterUser',
  { userId: UserId; firstName: string; username: string | null }
>;
export type SignInDevice = Command<'SignInDevice', { deviceId: DeviceId; name: string; kind: DeviceKind }>;
export type SignOutDevice = Command<
  'SignOutDevice',
  { deviceId: DeviceId; reason: 'logout' | 'revoked' | 'token_reuse' }
>;
export type CreateShareLink = Command<
  'CreateShareLink',
  {
    shareId: ShareId;
    fileId: FileId;
    expiresAt: Timestamp | null;
    now: Timestamp;
    file: ShareableFile | null;
  }
>;
export type RevokeShareLink = Command<'RevokeShareLink', { shareId: ShareId }>;

export type AccountCommand = RegisterUser | SignInDevice | SignOutDevice | CreateShareLink | RevokeShareLink;

export const DEVICE_NAME_MAX_LENGTH = 64;
// Unicode category Cc: the C0 controls, DEL and the C1 controls.
const CONTROL_CHARACTER = /\p{Cc}/u;

export type AccountRefusalCode =
  | 'user_not_registered'
  | 'invalid_device_name'
  | 'device_not_found'
  | 'file_not_found'
  | 'file_in_trash'
  | 'share_link_already_exists'
  | 'share_link_not_found'
  | 'invalid_expiry';

const refusals = {
  userNotRegistered: () =>
    refuse('user_not_registered', 'not_found', 'the user has not registered: send the bot a message first'),
  invalidDeviceName: () =>
    refuse(
      'invalid_device_name',
      'invalid',
      `a device name must have 1 to ${DEVICE_NAME_MAX_LENGTH} characters and no control characters`,
    ),
  deviceNotFound: (deviceId: DeviceId) =>
    refuse('device_not_found', 'not_found', `device ${deviceId} never signed in`),
  fileNotFound: (fileId: FileId) => refuse('file_not_found', 'not_found', `file ${fileId} does not exist`),
  fileInTrash: (fileId: FileId) =>
    refuse('file_in_trash', 'conflict', `file ${fileId} is in the trash: restore it first`),
  shareLinkAlreadyExists: (shareId: ShareId) =>
    refuse('share_link_already_exists', 'conflict', `share link ${shareId} already exists`),
  shareLinkNotFound: (shareId: ShareId) =>
    refuse('share_link_not_found', 'not_found', `share link ${shareId} does not exist`),
  invalidExpiry: () => refuse('invalid_expiry', 'invalid', 'a share link must expire in the future'),
} satisfies Record<string, (...args: never[]) => DomainError<AccountRefusalCode>>;

// -----------------------------------------------------------------------------------------------
// Decisions, one per command.
// -----------------------------------------------------------------------------------------------

function registered(state: AccountState): void {
  if (!state.registered) throw refusals.userNotRegistered();
}

/** Registration happens on first contact; later contacts change nothing. */
function registerUser({ data }: RegisterUser, state: AccountState): AccountEvent[] {
  if (state.registered) return [];
  return [{ type: 'UserRegistered', data }];
}

/** Every sign-in is recorded, a device signing in again included: each one mints new tokens. */
function signInDevice({ data }: SignInDevice, state: AccountState): AccountEvent[] {
  registered(state);
  const name = data.name.trim();
  if (name.length === 0 || [...name].length > DEVICE_NAME_MAX_LENGTH || CONTROL_CHARACTER.test(name)) {
    throw refusals.invalidDeviceName();
  }
  return [{ type: 'DeviceSignedIn', data: { deviceId: data.deviceId, name, kind: data.kind } }];
}

function signOutDevice({ data }: SignOutDevice, state: AccountState): AccountEvent[] {
  registered(state);
  const device = state.devices.get(data.deviceId);
  if (!device) throw refusals.deviceNotFound(data.deviceId);
  if (!device.signedIn) return [];
  return [{ type: 'DeviceSignedOut', data }];
}

function createShareLink({ data }: CreateShareLink, state: AccountState): AccountEvent[] {
  registered(state);
  if (!data.file) throw refusals.fileNotFound(data.fileId);
  if (data.file.inTrash) throw refusals.fileInTrash(data.fileId);
  if (state.shareLinks.has(data.shareId)) throw refusals.shareLinkAlreadyExists(data.shareId);
  if (data.expiresAt !== null && Date.parse(data.expiresAt) <= Date.parse(data.now))
    throw refusals.invalidExpiry();
  const { shareId, fileId, expiresAt } = data;
  return [{ type: 'ShareLinkCreated', data: { shareId, fileId, expiresAt } }];
}

function revokeShareLink({ data }: RevokeShareLink, state: AccountState): AccountEvent[] {
  registered(state);
  const link = state.shareLinks.get(data.shareId);
  if (!link) throw refusals.shareLinkNotFound(data.shareId);
  if (link.revoked) return [];
  return [{ type: 'ShareLinkRevoked', data }];
}

export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      return registerUser(command, state);
    case 'SignInDevice':
      return signInDevice(command, state);
    case 'SignOutDevice':
      return signOutDevice(command, state);
    case 'CreateShareLink':
      return createShareLink(command, state);
    case 'RevokeShareLink':
      return revokeShareLink(command, state);
    default: {
      const unknownCommand: never = command;
      throw new Error(`unknown account command ${JSON.stringify(unknownCommand)}`);
    }
  }
}

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  decide: decideAccount,
  evolve: evolveAccount,
  initialState: initialAccountState,
  parseEvent: (stored) => AccountEvent.parse(parseDomainEvent(stored)),
};
