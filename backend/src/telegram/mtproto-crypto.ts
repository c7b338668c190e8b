// teleproto must be loaded before its deep modules (its CommonJS graph has a cycle).
import 'teleproto';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { errors, helpers } from 'teleproto';
import type { AuthKey } from 'teleproto/crypto/AuthKey.js';
import { IGE } from 'teleproto/crypto/IGE.js';
import { BinaryReader } from 'teleproto/extensions/BinaryReader.js';
import { MTProtoState } from 'teleproto/network/MTProtoState.js';
import { TLMessage } from 'teleproto/tl/core/TLMessage.js';
import { isExclusiveFrame } from './mtproto-transport.ts';

// Every byte streamed from Telegram is AES-256-IGE decrypted once and hashed once. teleproto's IGE
// creates an OpenSSL cipher per 16-byte block (about 4 MB/s). Two native implementations replace it,
// best first (ADR 0006):
// - our AES-NI addon (backend/native/aes-ige.c, built by `make install`; ~900 MB/s);
// - @mtcute/crypto-node, which calls OpenSSL once per block (~265–430 MB/s; crypto.md), wherever ours
//   is not built (not x86-64, no compiler).
// MTProtoState and Authenticator construct IGE from the shared `crypto/IGE` module, so replacing the
// class's methods switches every client in the process, without touching node_modules. Received
// messages are also decrypted by our own `decryptMessageData`: the same steps as teleproto's, without
// its two 1 MiB copies per message (decrypting in place, hashing in two updates).

type IgeFunction = (data: Uint8Array, key: Uint8Array, iv: Uint8Array) => Buffer;

interface NativeIge {
  name: NativeIgeName;
  encrypt: IgeFunction;
  decrypt: IgeFunction;
  /** Decrypts over `data` and returns it, where the implementation can. */
  decryptInPlace?: IgeFunction;
}

/** The fields teleproto's IGE keeps (private in its typings). */
interface IgeKeys {
  key: Buffer;
  iv: Buffer;
}

/** What `decryptMessageData` uses of teleproto's MTProtoState (private in its typings). */
interface MTProtoStateInternals {
  authKey?: AuthKey;
  msgIds: string[];
  securityChecks: boolean;
  _calcKey(authKey: Buffer, msgKey: Buffer, client: boolean): Promise<{ key: Buffer; iv: Buffer }>;
}

const BLOCK = 16;

export type NativeIgeName = 'aes-ni' | 'openssl-per-block';
export type MtprotoCryptoStatus =
  | { installed: true; implementation: NativeIgeName; note?: string }
  | { installed: false; reason: string };

let status: MtprotoCryptoStatus | undefined;
const require = createRequire(import.meta.url);

/** Our addon: absent until built, and without its functions on a CPU lacking AES-NI. */
export function loadAesNiIge(): NativeIge {
  const addon = require('../../native/build/aes-ige.node') as {
    supported: boolean;
    ige256Encrypt?: IgeFunction;
    ige256Decrypt?: IgeFunction;
    ige256DecryptInPlace?: IgeFunction;
  };
  if (!addon.supported || !addon.ige256Encrypt || !addon.ige256Decrypt || !addon.ige256DecryptInPlace)
    throw new Error('this CPU has no AES-NI');
  return {
    name: 'aes-ni',
    encrypt: addon.ige256Encrypt,
    decrypt: addon.ige256Decrypt,
    decryptInPlace: addon.ige256DecryptInPlace,
  };
}

export function loadOpenSslIge(): NativeIge {
  const { native } = require('@mtcute/crypto-node/native.js') as {
    native: { ige256_encrypt: IgeFunction; ige256_decrypt: IgeFunction };
  };
  return { name: 'openssl-per-block', encrypt: native.ige256_encrypt, decrypt: native.ige256_decrypt };
}

function loadBest(): { native: NativeIge; note?: string } | { reason: string } {
  let aesNiProblem: string;
  try {
    return { native: loadAesNiIge() };
  } catch (error) {
    aesNiProblem = `the AES-NI IGE addon is not available (${(error as Error).message.split('\n')[0]})`;
  }
  try {
    return { native: loadOpenSslIge(), note: aesNiProblem };
  } catch (error) {
    return { reason: `${aesNiProblem}; the OpenSSL IGE addon did not load: ${(error as Error).message}` };
  }
}

/**
 * Makes teleproto use the fastest native IGE available and our message decryption; idempotent. When no
 * native IGE loads, teleproto keeps its own code and the reason is returned for the log.
 */
export function installNativeMtprotoCrypto(): MtprotoCryptoStatus {
  if (status) return status;
  const loaded = loadBest();
  if ('reason' in loaded) {
    status = { installed: false, reason: loaded.reason };
    return status;
  }
  const { native } = loaded;
  const ige = IGE.prototype as unknown as {
    encryptIge(this: IgeKeys, plainText: Buffer): Buffer;
    decryptIge(this: IgeKeys, cipherText: Buffer): Buffer;
  };
  ige.encryptIge = function encryptIge(plainText) {
    // Like teleproto: random padding up to the block size (MTProto pads before, so this is the handshake's case).
    const rest = plainText.length % BLOCK;
    const padded = rest === 0 ? plainText : Buffer.concat([plainText, randomBytes(BLOCK - rest)]);
    return native.encrypt(padded, this.key, this.iv);
  };
  ige.decryptIge = function decryptIge(cipherText) {
    if (cipherText.length % BLOCK !== 0) throw new Error('Cipher text must be multiple of 16 bytes');
    return native.decrypt(cipherText, this.key, this.iv);
  };
  (
    MTProtoState.prototype as unknown as { decryptMessageData: typeof decryptMessageData }
  ).decryptMessageData = decryptMessageData;

  /**
   * teleproto's MTProtoState.decryptMessageData (MTProto 2.0: auth key id, msg_key, AES-256-IGE, the
   * SHA-256 msg_key check, then the message), step for step, decrypting a frame our transport handed
   * over in place.
   */
  async function decryptMessageData(this: MTProtoStateInternals, body: Buffer): Promise<TLMessage> {
    if (!this.authKey) throw new Error('Auth key unset');
    if (body.length < 8) throw new errors.InvalidBufferError(body);
    // Longs through native BigInt: teleproto's readLong goes through hex and binary strings, per message.
    const keyId = helpers.returnBigInt(body.readBigUInt64LE(0));
    if (!this.authKey.keyId || keyId.neq(this.authKey.keyId))
      throw new errors.SecurityError('Server replied with an invalid auth key');
    const authKey = this.authKey.getKey();
    if (!authKey) throw new errors.SecurityError('Unset AuthKey');
    const msgKey = body.subarray(8, 24);
    const { iv, key } = await this._calcKey(authKey, msgKey, false);
    const cipherText = body.subarray(24);
    if (cipherText.length % BLOCK !== 0) throw new errors.InvalidBufferError(body);
    const plainText =
      native.decryptInPlace && isExclusiveFrame(body)
        ? native.decryptInPlace(cipherText, key, iv)
        : native.decrypt(cipherText, key, iv);
    // https://core.telegram.org/mtproto/security_guidelines, "checking sha256 hash"
    const ourKey = createHash('sha256').update(authKey.subarray(96, 128)).update(plainText).digest();
    if (!msgKey.equals(ourKey.subarray(8, 24)))
      throw new errors.SecurityError("Received msg_key doesn't match with expected one");
    // Salt and session id are skipped: teleproto checks neither.
    const remoteMsgId = helpers.returnBigInt(plainText.readBigInt64LE(16));
    const reader = new BinaryReader(plainText);
    reader.setPosition(24);
    const remoteMsgIdText = remoteMsgId.toString();
    if (this.securityChecks && this.msgIds.includes(remoteMsgIdText))
      throw new errors.SecurityError('Duplicate msgIds');
    if (this.msgIds.length > 500) this.msgIds.shift();
    this.msgIds.push(remoteMsgIdText);
    const remoteSequence = reader.readInt();
    reader.readInt(); // length of the inner object; the padding after it is ignored
    return new TLMessage(remoteMsgId, remoteSequence, reader.tgReadObject());
  }

  status = { installed: true, implementation: native.name, ...(loaded.note ? { note: loaded.note } : {}) };
  return status;
}
