// Decrypt throughput of teleproto's IGE before and after installFastIge(), in MB/s (1 MiB messages,
// one thread): `node backend/src/telegram/fast-ige.bench.ts`. Prints one JSON line.
import 'teleproto';
import { randomBytes } from 'node:crypto';
import { IGE } from 'teleproto/crypto/IGE.js';
import { installFastIge } from './fast-ige.ts';

const MESSAGE_BYTES = 1024 * 1024;

/** Decrypts 1 MiB messages for at least `seconds` and returns MB/s (10^6 bytes). */
function decryptThroughput(seconds: number): number {
  const key = randomBytes(32);
  const iv = randomBytes(32);
  const message = randomBytes(MESSAGE_BYTES);
  new IGE(key, iv).decryptIge(message);
  let bytes = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    new IGE(key, iv).decryptIge(message);
    bytes += MESSAGE_BYTES;
  }
  return bytes / 1e6 / ((performance.now() - started) / 1000);
}

const stock = decryptThroughput(3);
const status = installFastIge();
if (!status.installed) throw new Error(status.reason);
const native = decryptThroughput(3);
console.log(
  JSON.stringify({
    benchmark: 'mtproto-ige-decrypt',
    node: process.version,
    messageBytes: MESSAGE_BYTES,
    teleprotoMBps: Number(stock.toFixed(1)),
    nativeMBps: Number(native.toFixed(1)),
    speedup: Number((native / stock).toFixed(1)),
  }),
);
