import { createHash, randomBytes } from 'node:crypto';
import { igeDecrypt, igeEncrypt } from './ige.ts';

export interface PlainMessage {
  salt: Buffer;
  sessionId: bigint;
  msgId: bigint;
  seqNo: number;
  body: Buffer;
}

/** MTProto 2.0 key and IV from msg_key; x = 0 for client→server, 8 for server→client. */
function messageKeys(authKey: Buffer, msgKey: Buffer, x: 0 | 8): { key: Buffer; iv: Buffer } {
  const a = createHash('sha256')
    .update(msgKey)
    .update(authKey.subarray(x, x + 36))
    .digest();
  const b = createHash('sha256')
    .update(authKey.subarray(40 + x, 76 + x))
    .update(msgKey)
    .digest();
  return {
    key: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    iv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  };
}

/** Decrypts a client packet (after auth_key_id); undefined when msg_key or the length fields do not check. */
export function decryptClientMessage(authKey: Buffer, packet: Buffer): PlainMessage | undefined {
  if (packet.length < 8 + 16 + 32 || (packet.length - 24) % 16 !== 0) return undefined;
  const msgKey = packet.subarray(8, 24);
  const { key, iv } = messageKeys(authKey, msgKey, 0);
  const plain = igeDecrypt(packet.subarray(24), key, iv);
  const expected = createHash('sha256')
    .update(authKey.subarray(88, 120))
    .update(plain)
    .digest()
    .subarray(8, 24);
  if (!expected.equals(msgKey)) return undefined;
  const length = plain.readInt32LE(28);
  const padding = plain.length - 32 - length;
  if (length < 0 || length % 4 !== 0 || padding < 12 || padding > 1024) return undefined;
  return {
    salt: plain.subarray(0, 8),
    sessionId: plain.readBigInt64LE(8),
    msgId: plain.readBigInt64LE(16),
    seqNo: plain.readInt32LE(24),
    body: plain.subarray(32, 32 + length),
  };
}

export function encryptServerMessage(authKey: Buffer, authKeyId: Buffer, message: PlainMessage): Buffer {
  const header = Buffer.alloc(32);
  message.salt.copy(header, 0);
  header.writeBigInt64LE(message.sessionId, 8);
  header.writeBigInt64LE(message.msgId, 16);
  header.writeInt32LE(message.seqNo, 24);
  header.writeInt32LE(message.body.length, 28);
  const unpadded = 32 + message.body.length;
  const padding = randomBytes(12 + ((16 - ((unpadded + 12) % 16)) % 16));
  const plain = Buffer.concat([header, message.body, padding]);
  const msgKey = createHash('sha256')
    .update(authKey.subarray(96, 128))
    .update(plain)
    .digest()
    .subarray(8, 24);
  const { key, iv } = messageKeys(authKey, msgKey, 8);
  return Buffer.concat([authKeyId, msgKey, igeEncrypt(plain, key, iv)]);
}
