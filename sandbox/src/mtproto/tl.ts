import { helpers } from 'teleproto';

/** teleproto's 64-bit integer type (a `big-integer` instance), as its TL classes expect it. */
export type Long = ReturnType<typeof helpers.returnBigInt>;

/** Anything teleproto can write to the wire: its TL objects and the raw values built here. */
export interface TlSerializable {
  getBytes(): Buffer;
}

/** What an RPC handler answers: a TL object, a raw TL value, or a `Bool`. */
export type RpcAnswer = TlSerializable | boolean;

const VECTOR_ID = 0x1cb5c415;
const BOOL_TRUE_ID = 0x997275b5;
const BOOL_FALSE_ID = 0xbc799737;

export function long(value: bigint | number): Long {
  return helpers.returnBigInt(value);
}

export function fromLong(value: Long): bigint {
  return BigInt(value.toString());
}

/** A signed int64 read from 8 little-endian bytes. */
export function readInt64(bytes: Buffer, offset = 0): bigint {
  return bytes.readBigInt64LE(offset);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32LE(value);
  return bytes;
}

/** A boxed `Vector<T>` of TL objects: teleproto serializes vectors only as fields, never as a result. */
export function tlVector(items: readonly TlSerializable[]): TlSerializable {
  return {
    getBytes: () =>
      Buffer.concat([uint32(VECTOR_ID), int32(items.length), ...items.map((item) => item.getBytes())]),
  };
}

export function serializeAnswer(answer: RpcAnswer): Buffer {
  if (typeof answer === 'boolean') return uint32(answer ? BOOL_TRUE_ID : BOOL_FALSE_ID);
  return answer.getBytes();
}
