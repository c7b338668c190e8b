// teleproto must be loaded before its deep modules (its CommonJS graph has a cycle).
import 'teleproto';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { IGE } from 'teleproto/crypto/IGE.js';

// Every byte streamed from Telegram is AES-256-IGE decrypted once. teleproto's IGE creates an OpenSSL
// cipher per 16-byte block (about 4 MB/s); @mtcute/crypto-node's native addon does the same IGE in C
// (crypto.md). MTProtoState and Authenticator construct IGE from the shared `crypto/IGE` module, so
// replacing the class's methods switches every client in the process, without touching node_modules.

interface NativeIge {
  ige256_encrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Buffer;
  ige256_decrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Buffer;
}

/** The fields teleproto's IGE keeps (private in its typings). */
interface IgeKeys {
  key: Buffer;
  iv: Buffer;
}

const BLOCK = 16;

export type FastIgeStatus = { installed: true } | { installed: false; reason: string };

let status: FastIgeStatus | undefined;

function loadNative(): NativeIge {
  const require = createRequire(import.meta.url);
  return (require('@mtcute/crypto-node/native.js') as { native: NativeIge }).native;
}

/**
 * Makes teleproto use the native IGE; idempotent. When the addon cannot load (no prebuild for this
 * platform), teleproto keeps its own implementation and the reason is returned for the log.
 */
export function installFastIge(): FastIgeStatus {
  if (status) return status;
  let native: NativeIge;
  try {
    native = loadNative();
  } catch (error) {
    status = { installed: false, reason: `the native IGE addon did not load: ${(error as Error).message}` };
    return status;
  }
  const prototype = IGE.prototype as unknown as {
    encryptIge(this: IgeKeys, plainText: Buffer): Buffer;
    decryptIge(this: IgeKeys, cipherText: Buffer): Buffer;
  };
  prototype.encryptIge = function encryptIge(plainText) {
    // Like teleproto: random padding up to the block size (MTProto pads before, so this is the handshake's case).
    const rest = plainText.length % BLOCK;
    const padded = rest === 0 ? plainText : Buffer.concat([plainText, randomBytes(BLOCK - rest)]);
    return native.ige256_encrypt(padded, this.key, this.iv);
  };
  prototype.decryptIge = function decryptIge(cipherText) {
    if (cipherText.length % BLOCK !== 0) throw new Error('Cipher text must be multiple of 16 bytes');
    return native.ige256_decrypt(cipherText, this.key, this.iv);
  };
  status = { installed: true };
  return status;
}
