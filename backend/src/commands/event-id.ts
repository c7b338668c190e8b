import { createHash } from 'node:crypto';

/** Namespace of the ids of events written by commands (a random UUID, fixed forever). */
const COMMAND_EVENTS_NAMESPACE = '6d1f6c2e-52a4-4f0e-9a8b-5b0c3f7e2d91';

/** A name-based UUID (RFC 9562 version 5: SHA-1 of the namespace and the name). */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the `index`-th event a command appends to a stream. The same command always yields
 * the same ids, so the store recognises a retried append and writes nothing twice.
 */
export function commandEventId(streamName: string, commandId: string, index: number): string {
  return uuidV5(COMMAND_EVENTS_NAMESPACE, `${streamName}\n${commandId}\n${index}`);
}
