import { goto } from '$app/navigation';
import { api, session } from '../api/api.ts';
import { forgetMediaUrls } from '../library/media-urls.ts';
import { profile } from './profile.svelte.ts';

/** Signs this device out on the server (best effort), then here and in every other tab. */
export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } catch {
    // Offline: the tokens are forgotten anyway; the server expires them.
  }
  session.signOut('signed_out');
  profile.clear();
  forgetMediaUrls();
  await goto('/login', { replaceState: true });
}
