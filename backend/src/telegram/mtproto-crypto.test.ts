import 'teleproto';
import { randomBytes } from 'node:crypto';
import { encryptServerMessage } from '@teleplay/sandbox/testing';
import { errors, helpers } from 'teleproto';
import { AuthKey } from 'teleproto/crypto/AuthKey.js';
import { IGE } from 'teleproto/crypto/IGE.js';
import { BinaryWriter } from 'teleproto/extensions/BinaryWriter.js';
import { AbridgedPacketCodec } from 'teleproto/network/connection/TCPAbridged.js';
import { MTProtoState } from 'teleproto/network/MTProtoState.js';
import { Api } from 'teleproto/tl/api.js';
import { describe, expect, it } from 'vitest';
import { installNativeMtprotoCrypto, loadAesNiIge, loadOpenSslIge } from './mtproto-crypto.ts';
import { FramedPacketCodec, isExclusiveFrame } from './mtproto-transport.ts';
import { framedSocketPair } from './testing/framed-socket-pair.ts';

// Captured before installing: the reference the native implementation must match byte for byte.
const stockEncrypt = IGE.prototype.encryptIge;
const stockDecrypt = IGE.prototype.decryptIge;
const stockDecryptMessage = MTProtoState.prototype.decryptMessageData;

describe('installNativeMtprotoCrypto', () => {
  const status = installNativeMtprotoCrypto();

  it('installs the AES-NI implementation (make install builds it on x86-64)', () => {
    expect(status).toEqual({ installed: true, implementation: 'aes-ni' });
    expect(IGE.prototype.decryptIge).not.toBe(stockDecrypt);
    expect(installNativeMtprotoCrypto()).toBe(status);
  });

  it('encrypts and decrypts exactly like teleproto', () => {
    for (const length of [16, 32, 1024, 64 * 1024 + 16]) {
      const key = randomBytes(32);
      const iv = randomBytes(32);
      const plain = randomBytes(length);
      const cipher = new IGE(key, iv).encryptIge(plain);
      expect(cipher.equals(stockEncrypt.call(new IGE(key, iv), plain))).toBe(true);
      expect(new IGE(key, iv).decryptIge(cipher).equals(plain)).toBe(true);
      expect(stockDecrypt.call(new IGE(key, iv), cipher).equals(plain)).toBe(true);
    }
  });

  it('pads a partial last block with random bytes, as teleproto does', () => {
    const key = randomBytes(32);
    const iv = randomBytes(32);
    const plain = randomBytes(100);
    const cipher = new IGE(key, iv).encryptIge(plain);
    expect(cipher.length).toBe(112);
    expect(new IGE(key, iv).decryptIge(cipher).subarray(0, 100).equals(plain)).toBe(true);
  });

  it('refuses cipher text that is not whole blocks', () => {
    expect(() => new IGE(randomBytes(32), randomBytes(32)).decryptIge(randomBytes(17))).toThrow(
      /multiple of 16/,
    );
  });
});

describe('the AES-NI addon', () => {
  const aesNi = loadAesNiIge();
  const openSsl = loadOpenSslIge();

  it('is AES-256 (FIPS-197 C.3: with a zero iv, one IGE block is one AES block)', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
    const plain = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const cipher = aesNi.encrypt(plain, key, Buffer.alloc(32));
    expect(cipher.toString('hex')).toBe('8ea2b7ca516745bfeafc49904b496089');
    expect(aesNi.decrypt(cipher, key, Buffer.alloc(32)).equals(plain)).toBe(true);
  });

  it('matches the OpenSSL implementation on every length, key and iv', () => {
    for (const blocks of [0, 1, 2, 3, 64, 4097]) {
      const key = randomBytes(32);
      const iv = randomBytes(32);
      const plain = randomBytes(blocks * 16);
      const cipher = aesNi.encrypt(plain, key, iv);
      expect(cipher.equals(openSsl.encrypt(plain, key, iv))).toBe(true);
      expect(aesNi.decrypt(cipher, key, iv).equals(plain)).toBe(true);
      expect(openSsl.decrypt(cipher, key, iv).equals(plain)).toBe(true);
    }
  });

  it('reads its inputs from any Uint8Array view and leaves them untouched', () => {
    const backing = randomBytes(16 + 64 + 32 + 32);
    const data = new Uint8Array(backing.buffer, backing.byteOffset + 16, 64);
    const key = backing.subarray(80, 112);
    const iv = backing.subarray(112, 144);
    const before = Buffer.from(backing);
    const cipher = aesNi.encrypt(data, key, iv);
    expect(cipher.equals(openSsl.encrypt(Buffer.from(data), Buffer.from(key), Buffer.from(iv)))).toBe(true);
    expect(backing.equals(before)).toBe(true);
  });

  it('refuses a wrong key or iv size, partial blocks and non-byte arrays', () => {
    const block = randomBytes(16);
    expect(() => aesNi.decrypt(block, randomBytes(16), randomBytes(32))).toThrow('the key must be 32 bytes');
    expect(() => aesNi.decrypt(block, randomBytes(32), randomBytes(16))).toThrow('the iv must be 32 bytes');
    expect(() => aesNi.decrypt(randomBytes(17), randomBytes(32), randomBytes(32))).toThrow(
      'multiple of 16 bytes',
    );
    expect(() => aesNi.decrypt(new Uint16Array(8) as never, randomBytes(32), randomBytes(32))).toThrow(
      'must be Uint8Arrays',
    );
  });
});

describe('decryptMessageData', () => {
  installNativeMtprotoCrypto();

  /** A DC's answer carrying a file part, encrypted for `authKey` as the sandbox (and Telegram) does. */
  async function serverMessage(bytes: Buffer) {
    const authKey = new AuthKey();
    await authKey.setKey(randomBytes(256));
    const file = new Api.upload.File({ type: new Api.storage.FilePartial(), mtime: 0, bytes });
    const body = new BinaryWriter(Buffer.alloc(0));
    body.write(file.getBytes());
    const packet = encryptServerMessage(authKey.getKey()!, helpers.toSignedLittleBuffer(authKey.keyId!, 8), {
      salt: randomBytes(8),
      sessionId: 7n,
      msgId: 0x6000_0000_0000_0001n,
      seqNo: 1,
      body: body.getValue(),
    });
    return { authKey, packet };
  }

  it("reads a file part exactly as teleproto's own decryption does", async () => {
    const bytes = randomBytes(1024 * 1024);
    const { authKey, packet } = await serverMessage(bytes);
    const ours = await new MTProtoState(authKey, undefined, true).decryptMessageData(Buffer.from(packet));
    const theirs = await stockDecryptMessage.call(new MTProtoState(authKey, undefined, true), packet);
    expect((ours.obj as Api.upload.File).bytes.equals(bytes)).toBe(true);
    expect(ours.msgId.toString()).toBe(theirs.msgId.toString());
    expect(ours).toMatchObject({ seqNo: 1 });
    expect(theirs).toMatchObject({ seqNo: 1 });
    expect((theirs.obj as Api.upload.File).bytes.equals(bytes)).toBe(true);
  });

  it('decrypts a frame from our transport in place', async () => {
    const bytes = randomBytes(1024 * 1024);
    const { authKey, packet } = await serverMessage(bytes);
    const pair = await framedSocketPair();
    try {
      pair.server.write(new AbridgedPacketCodec(undefined).encodePacket(packet));
      const frame = await new FramedPacketCodec(undefined).readPacket(pair.client);
      expect(isExclusiveFrame(frame)).toBe(true);
      const message = await new MTProtoState(authKey, undefined, true).decryptMessageData(frame);
      expect((message.obj as Api.upload.File).bytes.equals(bytes)).toBe(true);
      expect(frame.subarray(24).equals(packet.subarray(24))).toBe(false);
    } finally {
      pair.close();
    }
  });

  it('leaves a buffer it does not own untouched', async () => {
    const { authKey, packet } = await serverMessage(randomBytes(4096));
    const before = Buffer.from(packet);
    await new MTProtoState(authKey, undefined, true).decryptMessageData(packet);
    expect(packet.equals(before)).toBe(true);
  });

  it('refuses a message whose msg_key does not match, another auth key, and a replayed message id', async () => {
    const { authKey, packet } = await serverMessage(randomBytes(64));
    const tampered = Buffer.from(packet);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1;
    await expect(new MTProtoState(authKey, undefined, true).decryptMessageData(tampered)).rejects.toThrow(
      "msg_key doesn't match",
    );
    const other = new AuthKey();
    await other.setKey(randomBytes(256));
    await expect(new MTProtoState(other, undefined, true).decryptMessageData(packet)).rejects.toBeInstanceOf(
      errors.SecurityError,
    );
    const state = new MTProtoState(authKey, undefined, true);
    await state.decryptMessageData(packet);
    await expect(state.decryptMessageData(packet)).rejects.toThrow('Duplicate msgIds');
  });
});
