export { type BotClientOptions, startBotClient } from './bot-client.ts';
export { destroyClient } from './client-teardown.ts';
export {
  customDcClientParams,
  customDcSession,
  type DcAddress,
  type DcConnectionInfo,
  dcRedirectConnection,
  type RsaPublicKey,
  registerServerKey,
} from './custom-dc.ts';
