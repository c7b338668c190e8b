import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKysely } from '@teleplay/postgres';
import { createTestDatabase } from '@teleplay/postgres/testing';
import { listRecentFiles, type ReadModelTables } from '@teleplay/projections';
import { type Sandbox, startSandbox } from '@teleplay/sandbox';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { type Infrastructure, startInfrastructure } from './infrastructure.ts';
import { type Runtime, startRuntime } from './runtime.ts';

// The whole backend as `make run` composes it, against the sandbox Telegram DC: the real gateway,
// the bot, the event store and the read models.
describe('runtime in sandbox mode', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'teleplay-runtime-'));
  const log = pino({ level: 'silent' });
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sandbox: Sandbox;
  let infrastructure: Infrastructure;
  let runtime: Runtime | undefined;
  let userId: number;

  const config = () => loadConfig({ DATA_DIR: dataDir, DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const start = async () => {
    runtime = await startRuntime(config(), infrastructure, sandbox, log);
    return runtime;
  };
  const recentFiles = () =>
    listRecentFiles(createKysely<ReadModelTables>(infrastructure.pool), String(userId), { limit: 50 });
  const botReplies = () => sandbox.conversation(userId).filter((message) => message.from === 'bot');

  beforeAll(async () => {
    database = await createTestDatabase('runtime');
    sandbox = await startSandbox({ seed: 'runtime-test', dataDir: join(dataDir, 'sandbox') });
    infrastructure = await startInfrastructure(config(), log);
    userId = sandbox.state().demoUser.id;
  });
  afterAll(async () => {
    await runtime?.stop();
    await infrastructure?.close();
    await sandbox?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('catalogues a file sent to the bot, with its metadata, and answers with a file card', async () => {
    await start();
    await sandbox.sendFile(userId, {
      fileName: 'Holiday.mp4',
      mimeType: 'video/mp4',
      content: { type: 'generated', size: 3 * 1024 * 1024 + 17, seed: 'holiday' },
      duration: 95,
      width: 1280,
      height: 720,
    });
    await expect.poll(recentFiles, { timeout: 10_000 }).toHaveLength(1);
    const [file] = await recentFiles();
    expect(file).toMatchObject({
      name: 'Holiday.mp4',
      kind: 'video',
      mimeType: 'video/mp4',
      size: 3 * 1024 * 1024 + 17,
      durationSeconds: 95,
      width: 1280,
      height: 720,
    });
    await expect.poll(() => botReplies().at(-1)?.text ?? '', { timeout: 5000 }).toContain('Holiday.mp4');
  });

  it('catalogues, exactly once, a file sent while the backend was stopped', async () => {
    await runtime!.stop();
    runtime = undefined;
    await sandbox.sendFile(userId, {
      fileName: 'While away.mkv',
      mimeType: 'video/x-matroska',
      content: { type: 'generated', size: 65_536, seed: 'away' },
    });
    await start();
    await expect
      .poll(async () => (await recentFiles()).map((f) => f.name).sort(), { timeout: 15_000 })
      .toEqual(['Holiday.mp4', 'While away.mkv']);
  });

  it('answers commands through the real gateway', async () => {
    sandbox.sendText(userId, '/myfiles');
    await expect.poll(() => botReplies().at(-1)?.text ?? '', { timeout: 5000 }).toContain('Recent uploads');
  });
});
