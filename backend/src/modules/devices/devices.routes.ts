import { accountStream, type DeviceDto, DeviceList } from '@teleplay/contracts';
import { type Device, getDevice, listDevices } from '@teleplay/projections';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContextProvider } from '../../api/api-context.ts';
import { notFound, READ_MODELS_OF } from '../../api/read-models.ts';
import { bearerAuth, errorResponses, writeAccepted } from '../../api/route-schemas.ts';
import { accountDecider } from '../account/account.decide.ts';
import { deviceSignedOutCommandId } from '../account/account.device-sessions.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import { DeviceParams, ListDevicesQuery } from './devices.schemas.ts';

const tags = ['devices'];

export function toDeviceDto(device: Device): DeviceDto {
  const { deviceId, name, kind, signedInAt, signedOutAt, signOutReason } = device;
  return { id: deviceId, name, kind, signedInAt, signedOutAt, signOutReason };
}

/** `/api/devices`: the devices signed in to the account, and signing one out. */
export const devicesRoutes: FastifyPluginAsyncZod<{ context: ApiContextProvider }> = async (
  app,
  { context },
) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/api/devices',
    {
      schema: {
        tags,
        operationId: 'listDevices',
        summary: 'The devices signed in to the account, most recently seen first',
        security: bearerAuth,
        querystring: ListDevicesQuery,
        response: { 200: DeviceList, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const devices = await listDevices(context().db, user.userId, {
        includeSignedOut: request.query.includeSignedOut ?? false,
      });
      return { currentDeviceId: user.deviceId, items: devices.map(toDeviceDto) };
    },
  );

  app.delete(
    '/api/devices/:deviceId',
    {
      schema: {
        tags,
        operationId: 'signOutDevice',
        summary: 'Sign a device out: its tokens stop working at once',
        security: bearerAuth,
        params: DeviceParams,
        response: {
          204: z.undefined().describe('signed out'),
          ...writeAccepted,
          ...errorResponses(400, 401, 404, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { db, auth, commands } = context();
      const user = currentUser(request);
      const { deviceId } = request.params;
      const device = await getDevice(db, user.userId, deviceId);
      if (!device) throw notFound.device(deviceId);
      // Tokens first: revocation never waits on the history. The auth module records the sign-out
      // through the account stream under this command id; running it again finds it done (or does
      // it, if that failed) and gives the position to wait for.
      await auth.logout({ userId: user.userId, deviceId });
      const { position } = await commands.run(request, {
        streamName: accountStream(user.userId),
        decider: accountDecider,
        steps: [
          {
            command: { type: 'SignOutDevice', data: { deviceId, reason: 'logout' } },
            commandId: deviceSignedOutCommandId(deviceId),
          },
        ],
      });
      const pending = await commands.awaitReadModels(READ_MODELS_OF.devices, position);
      return pending ? reply.code(202).send(pending) : reply.code(204).send(undefined);
    },
  );
};
