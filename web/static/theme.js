// Sets the theme before the first paint, so a light-theme user never sees a flash of the dark one
// while the app loads (the app's theme manager takes over from there). An external file: the page's
// Content-Security-Policy allows no inline script.
try {
  const chosen = localStorage.getItem('teleplay.theme');
  const system = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.dataset.theme = chosen === 'light' || chosen === 'dark' ? chosen : system;
} catch {
  // No storage (private mode with storage blocked): the system's theme applies once the app runs.
}
