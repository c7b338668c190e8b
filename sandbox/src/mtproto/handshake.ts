import {
  createHash,
  type DiffieHellmanGroup,
  generatePrimeSync,
  getDiffieHellman,
  randomBytes,
} from 'node:crypto';
import { Api, extensions, helpers } from 'teleproto';
import type { AuthKeyRecord, AuthKeyRegistry } from './auth-keys.ts';
import { igeDecrypt, igeEncrypt } from './ige.ts';
import { rsaPadDecrypt, type ServerRsaKey } from './rsa-key.ts';
import { type Long, long, type TlSerializable } from './tl.ts';

/** The client broke the key-exchange protocol; the connection is closed, as Telegram does. */
export class HandshakeError extends Error {}

export interface HandshakeDependencies {
  rsaKey: ServerRsaKey;
  dcId: number;
  keys: AuthKeyRegistry;
  onKeyCreated(record: AuthKeyRecord): void;
}

interface PqStep {
  nonce: Long;
  serverNonce: Long;
  pq: Buffer;
}

interface DhStep {
  nonce: Long;
  serverNonce: Long;
  newNonce: Buffer;
  tmpKey: Buffer;
  tmpIv: Buffer;
  dh: DiffieHellmanGroup;
}

const sha1 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

function bigEndian(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(Math.ceil(value.toString(16).length / 2) * 2, '0'), 'hex');
}

function nonceBytes(value: Long, size: number): Buffer {
  return helpers.toSignedLittleBuffer(value, size);
}

function randomNonce(size: number): Long {
  return helpers.readBigIntFromBuffer(randomBytes(size), true, true);
}

/** teleproto encodes g^ab with its minimal length (1 key in 256 is 255 bytes); the key ids must agree. */
function minimalBytes(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  return value.subarray(start);
}

/**
 * The server side of MTProto's auth-key creation (core.telegram.org/mtproto/auth_key): req_pq_multi,
 * req_DH_params with RSA_PAD, set_client_DH_params. One instance per TCP connection; a connection may
 * run several exchanges in a row.
 */
export class Handshake {
  readonly #deps: HandshakeDependencies;
  #pq: PqStep | undefined;
  #dh: DhStep | undefined;

  constructor(deps: HandshakeDependencies) {
    this.#deps = deps;
  }

  answer(request: unknown): TlSerializable {
    if (request instanceof Api.ReqPqMulti || request instanceof Api.ReqPq) return this.#resPq(request.nonce);
    if (request instanceof Api.ReqDHParams) return this.#serverDhParams(request);
    if (request instanceof Api.SetClientDHParams) return this.#dhGen(request);
    throw new HandshakeError('unexpected plain message');
  }

  #resPq(nonce: Long): TlSerializable {
    const [p, q] = twoPrimes();
    const pq = bigEndian(p * q);
    const serverNonce = randomNonce(16);
    this.#pq = { nonce, serverNonce, pq };
    this.#dh = undefined;
    return new Api.ResPQ({
      nonce,
      serverNonce,
      pq,
      serverPublicKeyFingerprints: [long(this.#deps.rsaKey.fingerprint)],
    });
  }

  #serverDhParams(request: Api.ReqDHParams): TlSerializable {
    const step = this.#pq;
    if (!step || !request.nonce.equals(step.nonce) || !request.serverNonce.equals(step.serverNonce)) {
      throw new HandshakeError('req_DH_params does not follow our resPQ');
    }
    if (request.publicKeyFingerprint.toString() !== this.#deps.rsaKey.fingerprint.toString()) {
      throw new HandshakeError('unknown RSA fingerprint');
    }
    const data = rsaPadDecrypt(this.#deps.rsaKey, request.encryptedData);
    if (!data) throw new HandshakeError('RSA_PAD block did not verify');
    const inner = new extensions.BinaryReader(data).tgReadObject();
    if (
      !(
        inner instanceof Api.PQInnerData ||
        inner instanceof Api.PQInnerDataDc ||
        inner instanceof Api.PQInnerDataTempDc
      )
    ) {
      throw new HandshakeError('encrypted data is not p_q_inner_data');
    }
    if (
      !inner.nonce.equals(step.nonce) ||
      !inner.serverNonce.equals(step.serverNonce) ||
      !inner.pq.equals(step.pq)
    ) {
      throw new HandshakeError('p_q_inner_data does not match the exchange');
    }
    const newNonce = nonceBytes(inner.newNonce, 32);
    const serverNonce = nonceBytes(step.serverNonce, 16);
    const tmpKey = Buffer.concat([sha1(newNonce, serverNonce), sha1(serverNonce, newNonce).subarray(0, 12)]);
    const tmpIv = Buffer.concat([
      sha1(serverNonce, newNonce).subarray(12, 20),
      sha1(newNonce, newNonce),
      newNonce.subarray(0, 4),
    ]);
    const dh = getDiffieHellman('modp14');
    dh.generateKeys();
    const innerData = new Api.ServerDHInnerData({
      nonce: step.nonce,
      serverNonce: step.serverNonce,
      g: dh.getGenerator().readUInt8(0),
      dhPrime: dh.getPrime(),
      gA: dh.getPublicKey(),
      serverTime: Math.floor(Date.now() / 1000),
    }).getBytes();
    const answer = Buffer.concat([sha1(innerData), innerData]);
    const padded = Buffer.concat([answer, randomBytes((16 - (answer.length % 16)) % 16)]);
    this.#pq = undefined;
    this.#dh = { nonce: step.nonce, serverNonce: step.serverNonce, newNonce, tmpKey, tmpIv, dh };
    return new Api.ServerDHParamsOk({
      nonce: step.nonce,
      serverNonce: step.serverNonce,
      encryptedAnswer: igeEncrypt(padded, tmpKey, tmpIv),
    });
  }

  #dhGen(request: Api.SetClientDHParams): TlSerializable {
    const step = this.#dh;
    if (!step || !request.nonce.equals(step.nonce) || !request.serverNonce.equals(step.serverNonce)) {
      throw new HandshakeError('set_client_DH_params does not follow our server_DH_params');
    }
    if (request.encryptedData.length % 16 !== 0)
      throw new HandshakeError('client DH data is not block-aligned');
    const plain = igeDecrypt(request.encryptedData, step.tmpKey, step.tmpIv);
    const reader = new extensions.BinaryReader(plain.subarray(20));
    const inner = reader.tgReadObject();
    if (!(inner instanceof Api.ClientDHInnerData))
      throw new HandshakeError('encrypted data is not client_DH_inner_data');
    if (!sha1(plain.subarray(20, 20 + reader.tellPosition())).equals(plain.subarray(0, 20))) {
      throw new HandshakeError('client_DH_inner_data hash mismatch');
    }
    let secret: Buffer;
    try {
      secret = step.dh.computeSecret(inner.gB);
    } catch {
      throw new HandshakeError('g_b is out of range');
    }
    const authKey = minimalBytes(secret);
    const authKeyHash = sha1(authKey);
    const newNonceHash = (marker: number): Long =>
      helpers.readBigIntFromBuffer(
        sha1(step.newNonce, Buffer.from([marker]), authKeyHash.subarray(0, 8)).subarray(4, 20),
        true,
        true,
      );
    this.#dh = undefined;
    const keyId = authKeyHash.subarray(12, 20).toString('hex');
    if (this.#deps.keys.has(keyId)) {
      return new Api.DhGenRetry({
        nonce: step.nonce,
        serverNonce: step.serverNonce,
        newNonceHash2: newNonceHash(2),
      });
    }
    const salt = Buffer.alloc(8);
    const serverNonce = nonceBytes(step.serverNonce, 16);
    for (let i = 0; i < 8; i++) salt[i] = step.newNonce[i]! ^ serverNonce[i]!;
    this.#deps.onKeyCreated(this.#deps.keys.add(authKey, this.#deps.dcId, salt));
    return new Api.DhGenOk({
      nonce: step.nonce,
      serverNonce: step.serverNonce,
      newNonceHash1: newNonceHash(1),
    });
  }
}

/**
 * Two distinct primes, p < q. The protocol only asks for distinct odd primes with pq < 2^63; Telegram
 * uses ~31-bit ones, which cost teleproto's big-integer Pollard-rho ~45 ms per exchange, while 23-bit
 * ones exercise the same client code in a few ms. teleproto reads pq as a *signed* big-endian number,
 * so its bit length must not be a multiple of 8 (a set top bit would make it negative); OpenSSL sets
 * the top two bits of a prime, so two 23-bit primes always make a 46-bit pq.
 */
const PRIME_BITS = 23;

function twoPrimes(): [bigint, bigint] {
  for (;;) {
    const a = generatePrimeSync(PRIME_BITS, { bigint: true });
    const b = generatePrimeSync(PRIME_BITS, { bigint: true });
    if (a === b || (a * b).toString(2).length % 8 === 0) continue;
    return a < b ? [a, b] : [b, a];
  }
}
