import type { TelegramClient } from 'teleproto';

interface ExportedSenderTimers {
  _exportedSenderReleaseTimeouts: Map<number, NodeJS.Timeout>;
}

/**
 * Destroys a client completely. teleproto's disconnect() walks its download-sender Maps with
 * Object.values(), which sees nothing, so those connections and their 30 s release timers outlive
 * destroy(); they are closed here first. Call it while the server is still up: a download sender
 * that is still connecting retries forever against a closed port.
 */
export async function destroyClient(client: TelegramClient): Promise<void> {
  const senders = await Promise.all(
    [...client._exportedSenderPromises.values()].map((sender) => sender.catch(() => undefined)),
  );
  await Promise.all(senders.map((sender) => sender?.disconnect()));
  const timers = (client as unknown as ExportedSenderTimers)._exportedSenderReleaseTimeouts;
  for (const timer of timers.values()) clearTimeout(timer);
  timers.clear();
  await client.destroy();
}
