import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { type Infrastructure, startInfrastructure } from './infrastructure.ts';
import { type ReadModelsRuntime, startReadModels } from './projections/read-models.runtime.ts';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = pino({ level: config.logLevel, transport: prettyLogsOnTerminal() });

  let infrastructure: Infrastructure | undefined;
  let readModels: ReadModelsRuntime | undefined;
  let startupProblem = 'starting: PostgreSQL and the event store are not up yet';
  const app = await buildApp({
    logger,
    readiness: {
      check: async () => {
        if (!infrastructure) throw new Error(startupProblem);
        await infrastructure.check();
      },
    },
    // The API answers 503 until its services are wired here (auth service, aggregate cache, read models).
    services: () => undefined,
    botInfo: async () => null,
    security: { corsOrigins: config.corsOrigins },
  });

  closeWithGrace({ delay: 15_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await app.close();
    await readModels?.stop();
    await infrastructure?.close();
  });

  // Listen first so /healthz answers and /readyz explains while the database starts.
  await app.listen({ host: config.host, port: config.port });
  try {
    infrastructure = await startInfrastructure(config, logger);
    readModels = await startReadModels(infrastructure.pool, infrastructure.eventStore, logger);
  } catch (error) {
    startupProblem = `failed to start: ${(error as Error).message}`;
    logger.fatal({ err: error }, 'infrastructure failed to start');
    process.exitCode = 1;
    await app.close();
    return;
  }
  logger.info(`Teleplay is ready on http://${config.host}:${config.port}`);
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
