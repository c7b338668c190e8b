// teleproto must be loaded before its deep modules: its CommonJS graph has a cycle that breaks
// `class extends` when network/connection is required first.
import { helpers, sessions } from 'teleproto';
import { _serverKeys } from 'teleproto/crypto/RSA.js';
import { ConnectionTCPFull } from 'teleproto/network/connection/index.js';

/** Where one data centre listens. */
export interface DcAddress {
  id: number;
  host: string;
  port: number;
}

/** An MTProto server RSA public key, as a client registers it. */
export interface RsaPublicKey {
  /** The key's int64 fingerprint, in decimal. */
  fingerprint: string;
  /** Modulus, big-endian hex. */
  n: string;
  e: number;
}

/** Everything a client needs to reach a non-default Telegram DC set (the sandbox, for one). */
export interface DcConnectionInfo {
  dcs: DcAddress[];
  /** DC where the accounts live: a fresh session starts there. */
  homeDcId: number;
  rsaPublicKey: RsaPublicKey;
  apiId: number;
  apiHash: string;
}

/**
 * Makes teleproto accept this server key during key exchange. teleproto picks the first fingerprint
 * the server offers that is in its `_serverKeys` map, so adding to the map is enough.
 */
export function registerServerKey(key: RsaPublicKey): void {
  _serverKeys.set(key.fingerprint, { n: helpers.returnBigInt(BigInt(`0x${key.n}`)), e: key.e });
}

/**
 * A `ConnectionTCPFull` that connects to the address listed for its DC id. teleproto hard-codes the
 * port (80 for the main connection, 443 for download connections) and takes the host from the
 * session or the config, so both are rewritten here from the DC id it passes.
 */
export function dcRedirectConnection(dcs: readonly DcAddress[]): typeof ConnectionTCPFull {
  const byId = new Map(dcs.map((dc) => [dc.id, dc]));
  return class DcRedirectConnection extends ConnectionTCPFull {
    constructor(params: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
      const dc = byId.get(params.dcId);
      if (!dc) throw new Error(`No address is known for DC ${params.dcId}`);
      super({ ...params, ip: dc.host, port: dc.port });
    }
  };
}

/**
 * A StringSession for these DCs: the saved one if given, else an empty one pointing at the home DC.
 * The session keeps port 443: teleproto stores ports in 16 signed bits and ignores them anyway.
 */
export function customDcSession(
  info: DcConnectionInfo,
  saved?: string,
): InstanceType<typeof sessions.StringSession> {
  const session = new sessions.StringSession(saved ?? '');
  if (!saved) session.setDC(info.homeDcId, '127.0.0.1', 443);
  return session;
}

/** Client options for these DCs; registers the server key as a side effect. */
export function customDcClientParams(info: DcConnectionInfo): { connection: typeof ConnectionTCPFull } {
  registerServerKey(info.rsaPublicKey);
  return { connection: dcRedirectConnection(info.dcs) };
}
