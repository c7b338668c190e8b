import type { SessionStore } from './session.svelte.ts';

/** The session in `localStorage` under `key`; other tabs' writes arrive through the `storage` event. */
export function browserSessionStore(key: string): SessionStore {
  return {
    read: () => localStorage.getItem(key),
    write: (value) => {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    },
    watch: (listener) => {
      const onStorage = (event: StorageEvent) => {
        if (event.storageArea === localStorage && (event.key === key || event.key === null))
          listener(event.newValue);
      };
      window.addEventListener('storage', onStorage);
      return () => window.removeEventListener('storage', onStorage);
    },
  };
}
