// teleproto must be loaded before its deep modules (its CommonJS graph has a cycle).
import 'teleproto';
import { helpers } from 'teleproto';
import { BinaryReader } from 'teleproto/extensions/BinaryReader.js';

// teleproto reads every TL long (each answer's req_msg_id, acks, message ids) by way of a hex string
// parsed into big-integer and a binary string for the sign, and writes each one (message ids, getFile
// offsets) with eight big-integer shifts: about as much CPU per message as the rest of its handling.
// These go through native BigInt instead, into and out of the same big-integer values; anything else
// (out of range, 128- and 256-bit integers) still goes to teleproto's own code. Like the IGE in
// mtproto-crypto.ts, installing patches the shared modules once for every client in the process.

/** big-integer's value backed by a native BigInt (what it makes wherever BigInt exists). */
interface NativeBackedInteger {
  value: unknown;
}

let installed = false;

export function installNativeTlLongs(): void {
  if (installed) return;
  installed = true;

  const reader = BinaryReader.prototype as unknown as {
    readLong(this: ReaderState, signed?: boolean): unknown;
  };
  const readLong = reader.readLong;
  reader.readLong = function nativeReadLong(signed = true) {
    const { stream, offset } = this;
    // Short of eight bytes: teleproto's own read, which throws its own error.
    if (offset + 8 > stream.length) return readLong.call(this, signed);
    this.offset = offset + 8;
    return helpers.returnBigInt(signed ? stream.readBigInt64LE(offset) : stream.readBigUInt64LE(offset));
  };

  // The compiled modules call `(0, Helpers_1.toSignedLittleBuffer)(…)`: a property read per call.
  const writable = helpers as unknown as { toSignedLittleBuffer(big: unknown, bytes?: number): Buffer };
  const toSignedLittleBuffer = writable.toSignedLittleBuffer;
  writable.toSignedLittleBuffer = function nativeToSignedLittleBuffer(big, bytes = 8) {
    const value = (helpers.returnBigInt(big as bigint) as unknown as NativeBackedInteger).value;
    if (bytes !== 8 || typeof value !== 'bigint') return toSignedLittleBuffer(big, bytes);
    const buffer = Buffer.allocUnsafe(8);
    // Two's complement of the low 64 bits, as teleproto's shifts and masks produce.
    buffer.writeBigUInt64LE(BigInt.asUintN(64, value));
    return buffer;
  };
}

/** The fields teleproto's BinaryReader keeps (private in its typings). */
interface ReaderState {
  stream: Buffer;
  offset: number;
}
