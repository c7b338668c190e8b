import { randomBytes } from 'node:crypto';
import { Api, extensions, helpers, Logger } from 'teleproto';
import { AuthKey } from 'teleproto/crypto/AuthKey.js';
import { LogLevel } from 'teleproto/extensions/Logger.js';
import { MTProtoState } from 'teleproto/network/MTProtoState.js';
import { describe, expect, it } from 'vitest';
import { authKeyId } from './auth-keys.ts';
import { decryptClientMessage, encryptServerMessage } from './message-crypto.ts';

async function clientState(key: Buffer): Promise<MTProtoState> {
  const authKey = new AuthKey();
  await authKey.setKey(key);
  return new MTProtoState(authKey, new Logger(LogLevel.NONE), false);
}

describe('MTProto 2.0 message encryption', () => {
  it('decrypts what teleproto encrypts', async () => {
    const key = randomBytes(256);
    const state = await clientState(key);
    const writer = new extensions.BinaryWriter(Buffer.alloc(0));
    const body = new Api.help.GetNearestDc().getBytes();
    await state.writeDataAsMessage(writer, body, true);
    const packet = await state.encryptMessageData(writer.getValue());
    expect(packet.subarray(0, 8).toString('hex')).toBe(authKeyId(key));
    const message = decryptClientMessage(key, packet);
    expect(message?.body.equals(body)).toBe(true);
    expect(message?.seqNo).toBe(1);
  });

  it('encrypts what teleproto decrypts, with its msg_key check, even for a 255-byte key', async () => {
    const key = randomBytes(255);
    const state = await clientState(key);
    const pong = new Api.Pong({ msgId: helpers.generateRandomLong(), pingId: helpers.generateRandomLong() });
    const packet = encryptServerMessage(key, Buffer.from(authKeyId(key), 'hex'), {
      salt: randomBytes(8),
      sessionId: 42n,
      msgId: 7n,
      seqNo: 0,
      body: pong.getBytes(),
    });
    const message = await state.decryptMessageData(packet);
    expect(message.obj).toBeInstanceOf(Api.Pong);
    expect(message.obj.pingId.toString()).toBe(pong.pingId.toString());
  });

  it('refuses a packet whose msg_key does not match', async () => {
    const key = randomBytes(256);
    const state = await clientState(key);
    const writer = new extensions.BinaryWriter(Buffer.alloc(0));
    await state.writeDataAsMessage(writer, new Api.help.GetNearestDc().getBytes(), true);
    const packet = await state.encryptMessageData(writer.getValue());
    packet[40] = packet[40]! ^ 1;
    expect(decryptClientMessage(key, packet)).toBeUndefined();
  });
});
