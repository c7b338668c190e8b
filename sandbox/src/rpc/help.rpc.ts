import { Api } from 'teleproto';
import type { RpcRoutes } from './rpc-context.ts';

/** help.*: the DC list the client uses for download connections, and the nearest DC. */
export function registerHelpRpc(routes: RpcRoutes): void {
  routes.on(
    Api.help.GetConfig,
    (_request, context) => {
      const now = context.world.unixTime();
      return new Api.Config({
        date: now,
        expires: now + 3600,
        testMode: false,
        thisDc: context.dcId,
        dcOptions: context.core.dcs.map(
          (dc) => new Api.DcOption({ id: dc.id, ipAddress: dc.host, port: dc.port }),
        ),
        dcTxtDomainName: 'sandbox.invalid',
        chatSizeMax: 200,
        megagroupSizeMax: 200000,
        forwardedCountMax: 100,
        onlineUpdatePeriodMs: 210000,
        offlineBlurTimeoutMs: 5000,
        offlineIdleTimeoutMs: 30000,
        onlineCloudTimeoutMs: 300000,
        notifyCloudDelayMs: 30000,
        notifyDefaultDelayMs: 1500,
        pushChatPeriodMs: 60000,
        pushChatLimit: 2,
        editTimeLimit: 172800,
        revokeTimeLimit: 2147483647,
        revokePmTimeLimit: 2147483647,
        ratingEDecay: 2419200,
        stickersRecentLimit: 200,
        channelsReadMediaPeriod: 604800,
        callReceiveTimeoutMs: 20000,
        callRingTimeoutMs: 90000,
        callConnectTimeoutMs: 30000,
        callPacketTimeoutMs: 10000,
        meUrlPrefix: 'https://t.me/',
        captionLengthMax: 1024,
        messageLengthMax: 4096,
        webfileDcId: context.world.homeDcId,
      });
    },
    { public: true },
  );
  routes.on(
    Api.help.GetNearestDc,
    (_request, context) =>
      new Api.NearestDc({ country: 'ZZ', thisDc: context.dcId, nearestDc: context.world.homeDcId }),
    { public: true },
  );
}
