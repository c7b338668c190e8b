import type { SessionRegistry } from '../mtproto/session.ts';
import type { AccountUpdate, UpdateSink } from '../world/model.ts';
import type { World } from '../world/world.ts';
import { messagesOf, TlViews } from './tl-views.ts';

/**
 * Pushes world changes to the sessions that receive updates for an account, on its home DC; the
 * session that caused a change gets it in its call's result instead.
 */
export class UpdatePusher implements UpdateSink {
  readonly #world: World;
  readonly #sessions: SessionRegistry;

  constructor(world: World, sessions: SessionRegistry) {
    this.#world = world;
    this.#sessions = sessions;
  }

  push(accountId: number, update: AccountUpdate, origin: unknown): void {
    const account = this.#world.account(accountId);
    if (!account) return;
    let rendered: ReturnType<TlViews['updates']> | undefined;
    for (const session of this.#sessions.subscribed(accountId, account.homeDcId)) {
      if (session === origin) continue;
      if (!rendered) {
        const views = new TlViews(this.#world, accountId);
        rendered = views.updates([views.update(update)], messagesOf(update));
      }
      session.connection.sendUpdates(session, rendered);
    }
  }
}
