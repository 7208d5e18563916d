/*
 * Little-endian field access on plain `Uint8Array`s. No DataView is ever created over the
 * caller's bytes: a DataView over a freshly allocated small array forces V8 to materialise its
 * ArrayBuffer (hundreds of nanoseconds), and caching one per buffer misses whenever each message
 * has its own buffer. u32 fields use byte arithmetic; u64 fields go through one 8-byte scratch
 * buffer, the cheapest exact way between eight bytes and a bigint.
 */

const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

/** Reads the u32 at byte `at` of `bytes` (the caller has checked the 4 bytes are present). */
export function readU32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
  );
}

/** Reads the u64 at byte `at` of `bytes` as an exact bigint (the 8 bytes must be present). */
export function readU64(bytes: Uint8Array, at: number): bigint {
  scratch[0] = bytes[at]!;
  scratch[1] = bytes[at + 1]!;
  scratch[2] = bytes[at + 2]!;
  scratch[3] = bytes[at + 3]!;
  scratch[4] = bytes[at + 4]!;
  scratch[5] = bytes[at + 5]!;
  scratch[6] = bytes[at + 6]!;
  scratch[7] = bytes[at + 7]!;
  return scratchView.getBigUint64(0, true);
}

/** Writes `value` (already checked to be a u32) at byte `at` of `bytes`. */
export function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
  bytes[at + 2] = value >>> 16;
  bytes[at + 3] = value >>> 24;
}

/** Writes `value` (already checked to be a u64) at byte `at` of `bytes`. */
export function writeU64(bytes: Uint8Array, at: number, value: bigint): void {
  scratchView.setBigUint64(0, value, true);
  bytes[at] = scratch[0]!;
  bytes[at + 1] = scratch[1]!;
  bytes[at + 2] = scratch[2]!;
  bytes[at + 3] = scratch[3]!;
  bytes[at + 4] = scratch[4]!;
  bytes[at + 5] = scratch[5]!;
  bytes[at + 6] = scratch[6]!;
  bytes[at + 7] = scratch[7]!;
}
