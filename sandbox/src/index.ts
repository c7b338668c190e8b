export {
  type BotClientOptions,
  customDcClientParams,
  customDcSession,
  type DcAddress,
  type DcConnectionInfo,
  dcRedirectConnection,
  destroyClient,
  type RsaPublicKey,
  registerServerKey,
  startBotClient,
} from './client/index.ts';
export { type ControlRoutesOptions, sandboxControlRoutes } from './control/control.routes.ts';
export { CONTROL_API_PREFIX, listenControlApi } from './control/control-server.ts';
export type { FaultInput, FaultResult } from './faults/fault-input.ts';
export type { NetworkSettings } from './network/network-model.ts';
export { SandboxDataError } from './persistence/sandbox-data-error.ts';
export { type FileUpload, Sandbox, SandboxError, type SandboxOptions, startSandbox } from './sandbox.ts';
export type * from './sandbox-views.ts';
export { generatedBytes } from './world/file-blobs.ts';
