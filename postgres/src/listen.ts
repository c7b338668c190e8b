import type pg from 'pg';

/** A pool connection held to LISTEN on a channel. */
export interface Listening {
  /** Stops listening and gives the connection back to the pool; later calls do nothing. */
  release(): Promise<void>;
}

export interface ListenHandlers {
  onNotification(payload: string | undefined): void;
  /**
   * The connection died while listening, and its LISTEN with it (a restart, a terminated backend):
   * called once, after it went back to the pool. Notifications sent until the caller listens again
   * are lost.
   */
  onLost(): void;
}

/**
 * Takes a connection from `pool` and LISTENs on `channel` until released or lost. Handlers are removed
 * when the connection goes back to the pool: an error it reports from there later (a server shutting
 * down) is the pool's business, and releasing it a second time would throw.
 */
export async function listen(pool: pg.Pool, channel: string, handlers: ListenHandlers): Promise<Listening> {
  const client = await pool.connect();
  // Only a connection lost while listening is reported: one lost while starting fails `listen` itself,
  // one lost while being released is on its way out anyway.
  let state: 'starting' | 'listening' | 'releasing' | 'released' = 'starting';
  const onNotification = (notification: pg.Notification) => handlers.onNotification(notification.payload);
  const onError = () => {
    const lost = state === 'listening';
    giveBack(true);
    if (lost) handlers.onLost();
  };
  client.on('notification', onNotification);
  client.on('error', onError);
  /** Returns the connection to the pool (ending its session when `destroy`), once. */
  function giveBack(destroy: boolean): void {
    if (state === 'released') return;
    state = 'released';
    client.off('notification', onNotification);
    client.off('error', onError);
    client.release(destroy);
  }
  try {
    await client.query(`listen ${channel}`);
  } catch (error) {
    giveBack(true);
    throw error;
  }
  state = 'listening';
  return {
    async release() {
      if (state !== 'listening') return;
      state = 'releasing';
      // The session lives on in the pool: it must stop receiving this channel's notifications.
      const unlistened = await client.query(`unlisten ${channel}`).then(
        () => true,
        () => false,
      );
      giveBack(!unlistened);
    },
  };
}
