import type { AccountEvent } from '@teleplay/contracts';
import { describe, it } from 'vitest';
import type { Refusal } from '../../commands/domain-error.ts';
import { DeciderSpecification } from '../../testing/decider-specification.ts';
import { accountDecider, type CreateShareLink } from './account.decide.ts';

const given = DeciderSpecification.for(accountDecider);

const USER = '123456789';
const TV = 'tv-living-room';
const FILM = '00000000-0000-4000-8000-0000000000f1';
const SHARE = 'share_link_0000001';
const NOW = '2026-03-01T12:00:00.000Z';

const registered = {
  type: 'UserRegistered',
  data: { userId: USER, firstName: 'Ada', username: 'ada' },
} satisfies AccountEvent;
const tvSignedIn = {
  type: 'DeviceSignedIn',
  data: { deviceId: TV, name: 'Living room', kind: 'tv' },
} satisfies AccountEvent;
const tvSignedOut = {
  type: 'DeviceSignedOut',
  data: { deviceId: TV, reason: 'logout' },
} satisfies AccountEvent;
const shared = {
  type: 'ShareLinkCreated',
  data: { shareId: SHARE, fileId: FILM, expiresAt: null },
} satisfies AccountEvent;
const revoked = { type: 'ShareLinkRevoked', data: { shareId: SHARE } } satisfies AccountEvent;

const notRegistered: Refusal = {
  code: 'user_not_registered',
  kind: 'not_found',
  message: 'the user has not registered: send the bot a message first',
};

const share = (data: Partial<CreateShareLink['data']> = {}): CreateShareLink => ({
  type: 'CreateShareLink',
  data: { shareId: SHARE, fileId: FILM, expiresAt: null, now: NOW, file: { inTrash: false }, ...data },
});

describe('RegisterUser', () => {
  it('registers the user on first contact', () => {
    given([]).when({ type: 'RegisterUser', data: registered.data }).then([registered]);
  });

  it('does nothing on later contacts', () => {
    given([registered])
      .when({ type: 'RegisterUser', data: { userId: USER, firstName: 'Ada L.', username: null } })
      .thenNothingHappened();
  });
});

describe('SignInDevice', () => {
  it('records the sign-in with the trimmed device name', () => {
    given([registered])
      .when({ type: 'SignInDevice', data: { deviceId: TV, name: ' Living room ', kind: 'tv' } })
      .then([tvSignedIn]);
  });

  it('records a device signing in again', () => {
    given([registered, tvSignedIn])
      .when({ type: 'SignInDevice', data: { deviceId: TV, name: 'Living room', kind: 'tv' } })
      .then([tvSignedIn]);
  });

  it.each(['  ', 'x'.repeat(65), 'tv\u0000'])('refuses the device name %j', (name) => {
    given([registered])
      .when({ type: 'SignInDevice', data: { deviceId: TV, name, kind: 'tv' } })
      .thenThrows({
        code: 'invalid_device_name',
        kind: 'invalid',
        message: 'a device name must have 1 to 64 characters and no control characters',
      });
  });

  it('refuses a user who has not registered', () => {
    given([])
      .when({ type: 'SignInDevice', data: { deviceId: TV, name: 'Living room', kind: 'tv' } })
      .thenThrows(notRegistered);
  });
});

describe('SignOutDevice', () => {
  it('records the sign-out', () => {
    given([registered, tvSignedIn])
      .when({ type: 'SignOutDevice', data: tvSignedOut.data })
      .then([tvSignedOut]);
  });

  it('does nothing for a device already signed out', () => {
    given([registered, tvSignedIn, tvSignedOut])
      .when({ type: 'SignOutDevice', data: { deviceId: TV, reason: 'revoked' } })
      .thenNothingHappened();
  });

  it('refuses a device that never signed in', () => {
    given([registered])
      .when({ type: 'SignOutDevice', data: { deviceId: TV, reason: 'logout' } })
      .thenThrows({ code: 'device_not_found', kind: 'not_found', message: `device ${TV} never signed in` });
  });

  it('refuses a user who has not registered', () => {
    given([])
      .when({ type: 'SignOutDevice', data: { deviceId: TV, reason: 'logout' } })
      .thenThrows(notRegistered);
  });
});

describe('CreateShareLink', () => {
  it('creates a link that never expires', () => {
    given([registered]).when(share()).then([shared]);
  });

  it('creates a link that expires', () => {
    const expiresAt = '2026-03-08T12:00:00.000Z';
    given([registered])
      .when(share({ expiresAt }))
      .then([{ type: 'ShareLinkCreated', data: { shareId: SHARE, fileId: FILM, expiresAt } }]);
  });

  it('refuses an expiry that is not in the future', () => {
    given([registered])
      .when(share({ expiresAt: NOW }))
      .thenThrows({
        code: 'invalid_expiry',
        kind: 'invalid',
        message: 'a share link must expire in the future',
      });
  });

  it('refuses a file that is not in the library of the user', () => {
    given([registered])
      .when(share({ file: null }))
      .thenThrows({ code: 'file_not_found', kind: 'not_found', message: `file ${FILM} does not exist` });
  });

  it('refuses a file in the trash', () => {
    given([registered])
      .when(share({ file: { inTrash: true } }))
      .thenThrows({
        code: 'file_in_trash',
        kind: 'conflict',
        message: `file ${FILM} is in the trash: restore it first`,
      });
  });

  it('refuses a share id that is already taken', () => {
    given([registered, shared, revoked])
      .when(share())
      .thenThrows({
        code: 'share_link_already_exists',
        kind: 'conflict',
        message: `share link ${SHARE} already exists`,
      });
  });

  it('refuses a user who has not registered', () => {
    given([]).when(share()).thenThrows(notRegistered);
  });
});

describe('RevokeShareLink', () => {
  it('revokes the link', () => {
    given([registered, shared])
      .when({ type: 'RevokeShareLink', data: { shareId: SHARE } })
      .then([revoked]);
  });

  it('does nothing for a link already revoked', () => {
    given([registered, shared, revoked])
      .when({ type: 'RevokeShareLink', data: { shareId: SHARE } })
      .thenNothingHappened();
  });

  it('refuses a link that does not exist', () => {
    given([registered])
      .when({ type: 'RevokeShareLink', data: { shareId: SHARE } })
      .thenThrows({
        code: 'share_link_not_found',
        kind: 'not_found',
        message: `share link ${SHARE} does not exist`,
      });
  });
});
