// Decrypt throughput of MTProto's AES-256-IGE, in MB/s (1 MiB messages, one thread), for teleproto's own
// implementation and both native ones (ADR 0006): `npm run bench:crypto`. Prints one JSON object last.
import 'teleproto';
import { randomBytes } from 'node:crypto';
import { IGE } from 'teleproto/crypto/IGE.js';
// The backend exports no subpaths yet: its modules are imported by path.
import { loadAesNiIge, loadOpenSslIge } from '../../backend/src/telegram/mtproto-crypto.ts';
import { report, round } from './bench-postgres.ts';

const MESSAGE_BYTES = 1024 * 1024;
const key = randomBytes(32);
const iv = randomBytes(32);
const message = randomBytes(MESSAGE_BYTES);

/** Decrypts 1 MiB messages for at least `seconds` and returns MB/s (10^6 bytes). */
function throughput(decrypt: () => void, seconds: number): number {
  decrypt();
  let bytes = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    decrypt();
    bytes += MESSAGE_BYTES;
  }
  return bytes / 1e6 / ((performance.now() - started) / 1000);
}

const aesNi = loadAesNiIge();
const openSsl = loadOpenSslIge();
const figures = {
  teleproto_mb_s: throughput(() => new IGE(key, iv).decryptIge(message), 3),
  openssl_per_block_mb_s: throughput(() => openSsl.decrypt(message, key, iv), 3),
  aes_ni_mb_s: throughput(() => aesNi.decrypt(message, key, iv), 3),
  aes_ni_in_place_mb_s: throughput(() => aesNi.decryptInPlace!(message, key, iv), 3),
};
report({
  benchmark: 'mtproto-ige-decrypt',
  message_bytes: MESSAGE_BYTES,
  ...Object.fromEntries(Object.entries(figures).map(([name, value]) => [name, round(value, 1)])),
  aes_ni_cpu_s_per_gib: round(1073.741824 / figures.aes_ni_in_place_mb_s, 2),
});
