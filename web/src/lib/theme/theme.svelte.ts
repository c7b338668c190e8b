export type ThemePreference = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'teleplay.theme';

/** Light or dark, following the system unless the user picked one; applied to `<html data-theme>`. */
class ThemeManager {
  preference = $state<ThemePreference>('system');
  #systemDark = $state(false);

  constructor() {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'light' || stored === 'dark') this.preference = stored;
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    this.#systemDark = query.matches;
    query.addEventListener('change', (event) => {
      this.#systemDark = event.matches;
      this.#apply();
    });
    this.#apply();
  }

  get resolved(): 'light' | 'dark' {
    if (this.preference === 'system') return this.#systemDark ? 'dark' : 'light';
    return this.preference;
  }

  set(preference: ThemePreference): void {
    this.preference = preference;
    if (preference === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, preference);
    this.#apply();
  }

  /** Shows the other theme; picking the system's own one goes back to following the system. */
  toggle(): void {
    const next = this.resolved === 'dark' ? 'light' : 'dark';
    this.set(next === (this.#systemDark ? 'dark' : 'light') ? 'system' : next);
  }

  #apply(): void {
    document.documentElement.dataset.theme = this.resolved;
  }
}

export const theme = new ThemeManager();
