import { randomBytes } from 'node:crypto';
import { Api, extensions, helpers, Logger, TelegramClient } from 'teleproto';
import { LogLevel } from 'teleproto/extensions/Logger.js';
import { doAuthentication } from 'teleproto/network/Authenticator.js';
import { MTProtoPlainSender } from 'teleproto/network/MTProtoPlainSender.js';
import { MTProtoState } from 'teleproto/network/MTProtoState.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyClient } from '../client/client-teardown.ts';
import { customDcClientParams, customDcSession, dcRedirectConnection } from '../client/custom-dc.ts';
import { SandboxFixture } from '../testing/sandbox-fixture.ts';

const quiet = new Logger(LogLevel.NONE);

describe('MTProto key exchange and sessions with the real teleproto client', () => {
  let fixture: SandboxFixture;

  beforeAll(async () => {
    fixture = await SandboxFixture.start();
    customDcClientParams(fixture.sandbox.connectionInfo());
  });
  afterAll(() => fixture.close());

  function openConnection(dcId = 2) {
    const Connection = dcRedirectConnection(fixture.sandbox.connectionInfo().dcs);
    return new Connection({
      ip: '127.0.0.1',
      port: 443,
      dcId,
      loggers: quiet,
      socket: extensions.PromisedNetSockets,
      testServers: false,
    });
  }

  it('completes 200 consecutive real RSA_PAD + DH exchanges, each key agreed by both sides', async () => {
    const before = fixture.sandbox.counters().protocol.handshakes;
    for (let round = 0; round < 200; round++) {
      const connection = openConnection();
      await connection.connect();
      try {
        const { authKey } = await doAuthentication(new MTProtoPlainSender(connection, quiet), quiet);
        // The client's first encrypted message carries salt 0; the answer, bad_server_salt, only
        // decrypts (msg_key check included) if the server derived the same auth key.
        const state = new MTProtoState(authKey, quiet, false);
        const writer = new extensions.BinaryWriter(Buffer.alloc(0));
        await state.writeDataAsMessage(
          writer,
          new Api.Ping({ pingId: helpers.generateRandomLong() }).getBytes(),
          false,
        );
        await connection.send(await state.encryptMessageData(writer.getValue()));
        const reply = await state.decryptMessageData(await connection.recv());
        expect(reply.obj).toBeInstanceOf(Api.BadServerSalt);
      } finally {
        await connection.disconnect();
      }
    }
    expect(fixture.sandbox.counters().protocol.handshakes - before).toBe(200);
  }, 120_000);

  it('answers an unknown auth key with the -404 transport error', async () => {
    const connection = openConnection();
    await connection.connect();
    try {
      await connection.send(Buffer.concat([randomBytes(8), randomBytes(16), randomBytes(64)]));
      const answer = await connection.recv();
      expect(answer.length).toBe(4);
      expect(answer.readInt32LE(0)).toBe(-404);
    } finally {
      await connection.disconnect();
    }
  });

  it('answers a key created on another DC with -404 too: auth keys belong to one DC', async () => {
    const home = openConnection(2);
    await home.connect();
    const { authKey } = await doAuthentication(new MTProtoPlainSender(home, quiet), quiet);
    await home.disconnect();
    const other = openConnection(1);
    await other.connect();
    try {
      const state = new MTProtoState(authKey, quiet, false);
      const writer = new extensions.BinaryWriter(Buffer.alloc(0));
      await state.writeDataAsMessage(writer, new Api.help.GetNearestDc().getBytes(), true);
      await other.send(await state.encryptMessageData(writer.getValue()));
      const answer = await other.recv();
      expect(answer.readInt32LE(0)).toBe(-404);
    } finally {
      await other.disconnect();
    }
  });

  it('takes a new client through bad_server_salt and new_session_created before its first call', async () => {
    const before = fixture.sandbox.counters().protocol;
    const bot = await fixture.bot();
    const after = fixture.sandbox.counters().protocol;
    expect(after.badServerSalts).toBeGreaterThan(before.badServerSalts);
    expect(after.sessionsCreated).toBeGreaterThan(before.sessionsCreated);
    expect((await bot.getMe()).username).toBe(fixture.sandbox.state().mainBot.username);
  });

  it('recovers a connected client when the server salt changes under it', async () => {
    const bot = await fixture.bot();
    const before = fixture.sandbox.counters().protocol.badServerSalts;
    const rotated = fixture.sandbox.injectFault({
      kind: 'bad_server_salt',
      botId: fixture.sandbox.state().mainBot.id,
    });
    expect(rotated).toMatchObject({ status: 'applied' });
    const state = await bot.invoke(new Api.updates.GetState());
    expect(state).toBeInstanceOf(Api.updates.State);
    expect(fixture.sandbox.counters().protocol.badServerSalts).toBeGreaterThan(before);
  });

  it('moves a bot that logs in on another DC to its home DC with USER_MIGRATE_X', async () => {
    const info = fixture.sandbox.connectionInfo();
    const client = new TelegramClient(customDcSession({ ...info, homeDcId: 1 }), info.apiId, info.apiHash, {
      ...customDcClientParams(info),
      baseLogger: quiet,
    });
    try {
      await client.start({ botAuthToken: fixture.sandbox.state().mainBot.token });
      expect(client.session.dcId).toBe(info.homeDcId);
      expect((await client.getMe()).bot).toBe(true);
    } finally {
      await destroyClient(client);
    }
  });

  it('resumes a saved StringSession with its auth key, without a new key exchange', async () => {
    const first = await fixture.bot();
    const saved = first.session.save() as unknown as string;
    await fixture.stopClient(first);
    const handshakes = fixture.sandbox.counters().protocol.handshakes;
    const resumed = await fixture.bot(undefined, { session: saved });
    expect((await resumed.getMe()).id.toString()).toBe(String(fixture.sandbox.state().mainBot.id));
    expect(fixture.sandbox.counters().protocol.handshakes).toBe(handshakes);
  });
});
