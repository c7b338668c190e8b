import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// The app is a static single-page app: the backend serves `build/` on the API's own port and answers
// every unknown path with `index.html`, so deep links (`/library/…`, `/login#token=…`) load the app.
const backend = process.env.TELEPLAY_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ fallback: 'index.html', strict: true }),
    }),
  ],
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
  },
  server: {
    // `vite dev` talks to a backend started separately (make run) through same-origin paths. Start
    // that backend with PUBLIC_URL set to this server's origin, so media URLs come back through here.
    proxy: {
      '/api': { target: backend, ws: true },
      '/sandbox/api': { target: backend },
      '^/s/': { target: backend },
    },
  },
});
