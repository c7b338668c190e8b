import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFile, getShareLink } from '@teleplay/projections';
import { type Sandbox, startSandbox } from '@teleplay/sandbox';
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { tuneGarbageCollectionForStreaming } from './gc-tuning.ts';
import { type Infrastructure, startInfrastructure } from './infrastructure.ts';
import { lateBound } from './late-bound.ts';
import { type Runtime, startRuntime } from './runtime.ts';

/** The sandbox Telegram DC's seed: the same bot tokens and ids on every start. */
const SANDBOX_SEED = 'teleplay';

/** The web app's production build (`npm run build -w @teleplay/web`). */
const WEB_BUILD = fileURLToPath(new URL('../../web/build', import.meta.url));

async function main(): Promise<void> {
  tuneGarbageCollectionForStreaming();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = pino({ level: config.logLevel, transport: prettyLogsOnTerminal() });

  // With no Telegram credentials, a local Telegram DC stands in (tests, demos, the zero-config run).
  const sandbox: Sandbox | null = config.telegram
    ? null
    : await startSandbox({ seed: SANDBOX_SEED, dataDir: join(config.dataDir, 'sandbox') });

  const metrics = new Registry();
  let infrastructure: Infrastructure | undefined;
  let runtime: Runtime | undefined;
  let startupProblem = 'starting: PostgreSQL, the event store and the read models are not up yet';
  const started = () => {
    if (!runtime) throw new Error(startupProblem);
    return runtime;
  };
  const app = await buildApp({
    logger,
    readiness: {
      check: async () => {
        if (!infrastructure) throw new Error(startupProblem);
        await infrastructure.check();
        started();
      },
    },
    services: () => runtime?.services,
    botInfo: async () => {
      const username = runtime?.gateway.me?.username;
      return username ? { username, deepLinkBase: `https://t.me/${username}` } : null;
    },
    security: {
      corsOrigins: config.corsOrigins,
      rateLimit: { max: config.rateLimitMax, timeWindowMs: 60_000 },
    },
    realtime: {
      hub: lateBound(() => started().hub),
      // Before the runtime is up this throws, and the socket closes as a server error (clients retry).
      authenticate: async (accessToken) => {
        const { auth } = started();
        return auth.authenticate(accessToken).catch(() => null);
      },
    },
    sandbox,
    media: {
      stream: {
        engine: lateBound(() => started().engine),
        loadFile: (userId, fileId) => getFile(started().services.readModels, userId, fileId),
        verifyMediaToken: (token, expected) => started().auth.verifyMediaToken(token, expected),
      },
      share: {
        engine: lateBound(() => started().engine),
        loadFile: (userId, fileId) => getFile(started().services.readModels, userId, fileId),
        shareIds: { verify: (shareId) => started().services.shareIds.verify(shareId) },
        loadShare: (shareId) => getShareLink(started().services.readModels, shareId, new Date()),
      },
    },
    metrics: { registry: metrics },
    webRoot: existsSync(WEB_BUILD) ? WEB_BUILD : undefined,
  });
  if (!existsSync(WEB_BUILD))
    logger.warn(`no web app build at ${WEB_BUILD} (make run builds it): serving the API only`);

  closeWithGrace({ delay: 20_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await app.close();
    await runtime?.stop();
    await infrastructure?.close();
    await sandbox?.close();
  });

  // Listen first so /healthz answers and /readyz explains while the database starts.
  await app.listen({ host: config.host, port: config.port });
  try {
    infrastructure = await startInfrastructure(config, logger);
    runtime = await startRuntime(config, infrastructure, sandbox, logger, metrics);
  } catch (error) {
    startupProblem = `failed to start: ${(error as Error).message}`;
    logger.fatal({ err: error }, 'the backend failed to start');
    process.exitCode = 1;
    await app.close();
    await infrastructure?.close();
    await sandbox?.close();
    return;
  }
  logger.info(`Teleplay is ready on ${config.publicUrl}`);
  if (sandbox) printSandboxGuide(sandbox, config.publicUrl, runtime.gateway.me?.username);
}

function printSandboxGuide(sandbox: Sandbox, publicUrl: string, botUsername: string | undefined): void {
  const { demoUser } = sandbox.state();
  console.log(
    [
      '',
      'Sandbox mode: no Telegram credentials are set, so a local Telegram data centre runs in-process.',
      `  Web app:        ${publicUrl}`,
      `  Bot:            @${botUsername ?? 'teleplay_bot'} (talk to it as the demo user, ${demoUser.firstName} #${demoUser.id})`,
      `  Sandbox API:    ${publicUrl}/sandbox/api/state`,
      `  Send a file:    curl -F file=@video.mp4 ${publicUrl}/sandbox/api/users/${demoUser.id}/files`,
      `  Send a command: curl -H 'content-type: application/json' -d '{"text":"/myfiles"}' ${publicUrl}/sandbox/api/users/${demoUser.id}/messages`,
      `  Read replies:   curl ${publicUrl}/sandbox/api/users/${demoUser.id}/messages`,
      `  Real Telegram:  set TELEGRAM_API_ID, TELEGRAM_API_HASH, TELEGRAM_BOT_TOKEN, TELEGRAM_STORAGE_CHANNEL_ID (see README)`,
      `  Data:           ${join(process.cwd(), 'data')}`,
      '',
    ].join('\n'),
  );
}

/** Human-readable logs on a terminal (pino-pretty is a dev dependency); JSON lines everywhere else. */
function prettyLogsOnTerminal() {
  if (!process.stdout.isTTY) return undefined;
  try {
    import.meta.resolve('pino-pretty');
    return { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } };
  } catch {
    return undefined;
  }
}

await main();
