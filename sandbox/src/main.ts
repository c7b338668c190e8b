import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { listenControlApi } from './control/control-server.ts';
import { startSandbox } from './sandbox.ts';

const USAGE = `Usage: npm run sandbox -- [options]

  --seed <text>          seed for ids, tokens and hashes (default teleplay-sandbox)
  --host <address>       loopback address to listen on (default 127.0.0.1)
  --control-port <n>     control API port (default 8780, 0 for any free port)
  --dc-ports <a,b,c>     ports of DCs 1, 2, 3 (default: free ports)
  --rtt-ms <n>           round trip added to every API call (default 30)
  --jitter-ms <n>        extra random delay per call, 0..n ms (default 10)
  --conn-mib-s <n>       bandwidth per connection in MiB/s, 0 for unlimited (default 10)
  --bot-mib-s <n>        cap per bot across its connections in MiB/s, 0 for none (default 0)
  --info-file <path>     also write the state (connection info, bots, tokens) there as JSON
  --data-dir <path>      keep the world (chats, files, auth keys) there across restarts
  --help                 show this text`;

const MIB = 1024 * 1024;

function numberOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative number`);
  return parsed;
}

const bandwidth = (mibPerSecond: number) =>
  mibPerSecond === 0 ? Number.POSITIVE_INFINITY : mibPerSecond * MIB;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      host: { type: 'string' },
      'control-port': { type: 'string' },
      'dc-ports': { type: 'string' },
      'rtt-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      'conn-mib-s': { type: 'string' },
      'bot-mib-s': { type: 'string' },
      'info-file': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const host = values.host ?? '127.0.0.1';
  const dcPorts = values['dc-ports']?.split(',').map((port) => numberOption(port, 0, 'dc-ports')) ?? [
    0, 0, 0,
  ];
  const sandbox = await startSandbox({
    seed: values.seed,
    host,
    dataDir: values['data-dir'],
    dcs: dcPorts.map((port, index) => ({ id: index + 1, port })),
    network: {
      rttMs: numberOption(values['rtt-ms'], 30, 'rtt-ms'),
      jitterMs: numberOption(values['jitter-ms'], 10, 'jitter-ms'),
      connectionBytesPerSecond: bandwidth(numberOption(values['conn-mib-s'], 10, 'conn-mib-s')),
      accountBytesPerSecond: bandwidth(numberOption(values['bot-mib-s'], 0, 'bot-mib-s')),
    },
  });
  const control = await listenControlApi(sandbox, {
    host,
    port: numberOption(values['control-port'], 8780, 'control-port'),
  });
  const state = sandbox.state();
  if (values['info-file']) await writeFile(values['info-file'], `${JSON.stringify(state, null, 2)}\n`);

  const lines = [
    'Teleplay Telegram sandbox is running.',
    '',
    `Control API     ${control.url}  (GET ${control.url}/state for everything below as JSON)`,
    ...state.connection.dcs.map(
      (dc) =>
        `DC ${dc.id}${dc.id === state.connection.homeDcId ? ' (home)' : '       '}     ${dc.host}:${dc.port}`,
    ),
    `RSA key         fingerprint ${state.connection.rsaPublicKey.fingerprint}, e ${state.connection.rsaPublicKey.e}`,
    `API id / hash   ${state.connection.apiId} / ${state.connection.apiHash}`,
    `Demo user       ${state.demoUser.id} (${state.demoUser.firstName})`,
    `Storage channel ${state.storageChannel.peerId} "${state.storageChannel.title}"`,
    ...state.bots.map(
      (bot) => `${bot.role === 'main' ? 'Main bot  ' : 'Helper bot'}      @${bot.username}  ${bot.token}`,
    ),
    `Data directory  ${values['data-dir'] ?? 'none: the world is gone on exit'}`,
    `Network         rtt ${state.network.rttMs} ms ± ${state.network.jitterMs}, connection ${
      state.network.connectionBytesPerSecond === null
        ? 'unlimited'
        : `${state.network.connectionBytesPerSecond / MIB} MiB/s`
    }, per bot ${state.network.accountBytesPerSecond === null ? 'unlimited' : `${state.network.accountBytesPerSecond / MIB} MiB/s`}`,
    '',
    'Connect teleproto with customDcClientParams(state.connection) from @teleplay/sandbox/client.',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox`);
    await control.server.close();
    await sandbox.close();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
