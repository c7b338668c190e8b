import { randomBytes } from 'node:crypto';
import { Api } from 'teleproto';
import { fromLong, long } from '../mtproto/tl.ts';
import { TelegramError } from '../world/model.ts';
import type { RpcRoutes } from './rpc-context.ts';

/** auth.*: bot login with a token, and the export/import dance for connections to other DCs. */
export function registerAuthRpc(routes: RpcRoutes): void {
  routes.on(
    Api.auth.ImportBotAuthorization,
    (request, context) => {
      if (request.apiId !== context.core.apiId || request.apiHash !== context.core.apiHash) {
        throw new TelegramError(400, 'API_ID_INVALID');
      }
      const bot = context.world.accountByToken(request.botAuthToken);
      if (!bot?.bot) throw new TelegramError(400, 'ACCESS_TOKEN_INVALID');
      if (bot.homeDcId !== context.dcId) throw new TelegramError(303, `USER_MIGRATE_${bot.homeDcId}`);
      context.authorize(bot);
      return new Api.auth.Authorization({ user: context.views().user(bot) });
    },
    { public: true },
  );

  routes.on(Api.auth.ExportAuthorization, (request, context) => {
    const account = context.account();
    if (!context.core.dcs.some((dc) => dc.id === request.dcId)) throw new TelegramError(400, 'DC_ID_INVALID');
    const bytes = randomBytes(32);
    context.core.exportedAuthorizations.set(bytes.toString('hex'), {
      accountId: account.id,
      dcId: request.dcId,
    });
    return new Api.auth.ExportedAuthorization({ id: long(account.id), bytes });
  });

  routes.on(
    Api.auth.ImportAuthorization,
    (request, context) => {
      const token = request.bytes.toString('hex');
      const exported = context.core.exportedAuthorizations.get(token);
      if (
        !exported ||
        exported.dcId !== context.dcId ||
        BigInt(exported.accountId) !== fromLong(request.id)
      ) {
        throw new TelegramError(400, 'AUTH_BYTES_INVALID');
      }
      context.core.exportedAuthorizations.delete(token);
      const account = context.world.account(exported.accountId);
      if (!account) throw new TelegramError(400, 'AUTH_BYTES_INVALID');
      context.authorize(account);
      return new Api.auth.Authorization({ user: context.views().user(account) });
    },
    { public: true },
  );

  routes.on(Api.auth.LogOut, (_request, context) => {
    context.account();
    context.authorize(undefined);
    return new Api.auth.LoggedOut({});
  });
}
