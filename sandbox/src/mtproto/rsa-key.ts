import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  privateDecrypt,
} from 'node:crypto';
import { promisify } from 'node:util';
import { tl } from 'teleproto';
import { igeDecrypt } from './ige.ts';

const generateRsaKeyPair = promisify(generateKeyPair);

export interface ServerRsaKey {
  privateKey: KeyObject;
  /** Modulus, big-endian hex. */
  modulusHex: string;
  exponent: number;
  /** See {@link rsaFingerprint}. */
  fingerprint: bigint;
}

let processKey: Promise<ServerRsaKey> | undefined;

/** The sandbox's 2048-bit RSA key: generated once per process, because generation costs ~100 ms. */
export function serverRsaKey(): Promise<ServerRsaKey> {
  processKey ??= createServerRsaKey();
  return processKey;
}

async function createServerRsaKey(): Promise<ServerRsaKey> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048, publicExponent: 65537 });
  return describeKey(privateKey);
}

/** The key as PKCS#8 PEM, to keep it (a restarted sandbox keeps its fingerprint). */
export function exportServerRsaKey(key: ServerRsaKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** A key saved with {@link exportServerRsaKey}; throws if the PEM is not an RSA private key. */
export function importServerRsaKey(pem: string): ServerRsaKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('the key is not an RSA key');
  return describeKey(privateKey);
}

function describeKey(privateKey: KeyObject): ServerRsaKey {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const modulus = Buffer.from(jwk.n!, 'base64url');
  const exponent = Buffer.from(jwk.e!, 'base64url');
  return {
    privateKey,
    modulusHex: modulus.toString('hex'),
    exponent: exponent.readUIntBE(0, exponent.length),
    fingerprint: rsaFingerprint(modulus, exponent),
  };
}

/** Lower 64 bits of SHA1 of the TL-serialized `rsa_public_key n:bytes e:bytes`, as a signed int64. */
export function rsaFingerprint(modulus: Buffer, exponent: Buffer): bigint {
  const digest = createHash('sha1')
    .update(Buffer.concat([tl.serializeBytes(modulus), tl.serializeBytes(exponent)]))
    .digest();
  return digest.readBigInt64LE(12);
}

/**
 * Inverse of the client's RSA_PAD: returns the 192-byte `data_with_padding` (the inner data and its
 * random tail), or undefined when the block was not made with our key.
 */
export function rsaPadDecrypt(key: ServerRsaKey, encrypted: Buffer): Buffer | undefined {
  if (encrypted.length !== 256) return undefined;
  let decrypted: Buffer;
  try {
    decrypted = privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, encrypted);
  } catch {
    return undefined;
  }
  const keyXor = decrypted.subarray(0, 32);
  const aesEncrypted = decrypted.subarray(32);
  const aesHash = createHash('sha256').update(aesEncrypted).digest();
  const tempKey = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) tempKey[i] = keyXor[i]! ^ aesHash[i]!;
  const dataWithHash = igeDecrypt(aesEncrypted, tempKey, Buffer.alloc(32));
  const dataWithPadding = Buffer.from(dataWithHash.subarray(0, 192)).reverse();
  const hash = createHash('sha256').update(tempKey).update(dataWithPadding).digest();
  return hash.equals(dataWithHash.subarray(192, 224)) ? dataWithPadding : undefined;
}
