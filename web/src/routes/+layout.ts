// A client-only app: the backend serves the same `index.html` for every page.
export const ssr = false;
export const prerender = false;
