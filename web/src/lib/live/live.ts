import { session } from '../api/api.ts';
import { LiveConnection, type SocketFactory } from './live-connection.svelte.ts';

const browserSocket: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.onopen = () => handlers.open();
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') handlers.message(event.data);
  };
  socket.onclose = (event) => handlers.close(event.code, event.reason);
  return {
    send: (data) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(data);
    },
    close: (code, reason) => socket.close(code, reason),
  };
};

const url = new URL('/api/ws', window.location.href);
url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

/** The tab's one live channel. */
export const live = new LiveConnection({
  url: url.href,
  connect: browserSocket,
  accessToken: () => session.accessToken(),
  refreshAfterRejection: (rejected) => session.refreshAfterRejection(rejected),
  isOnline: () => navigator.onLine,
});

window.addEventListener('online', () => live.reconnectNow());
window.addEventListener('offline', () => live.markOffline());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') live.reconnectNow();
});
