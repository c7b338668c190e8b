import type { Schemas } from '@teleplay/api-client';
import { api } from '../api/api.ts';
import { unwrap } from '../api/api-errors.ts';

export type CurrentSession = Schemas['CurrentSession'];

/** Who is signed in, on which device (for the header and "this browser" on the devices page). */
class Profile {
  current = $state<CurrentSession | null>(null);

  async load(): Promise<void> {
    try {
      this.current = await unwrap(api.getCurrentSession());
    } catch {
      // The header shows no name; everything else works without it.
    }
  }

  clear(): void {
    this.current = null;
  }
}

export const profile = new Profile();
