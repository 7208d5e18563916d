/*
 * Little-endian field access on plain `Uint8Array`s. u32 fields use byte arithmetic; u64 fields
 * go through one 8-byte scratch area seen both as a `BigUint64Array` and as bytes / u32 halves,
 * the cheapest exact way between eight bytes and a bigint (measured: ~11 ns per read, ~3 ns per
 * write).
 *
 * A DataView over the caller's bytes is created only by readers and writers of many fields (the
 * partition table), and never over an array of 64 bytes or fewer: V8 keeps those inside its heap,
 * and a DataView over one forces V8 to materialise its ArrayBuffer (hundreds of nanoseconds).
 */

const scratch64 = new BigUint64Array(1);
const scratch8 = new Uint8Array(scratch64.buffer);
const scratch32 = new Uint32Array(scratch64.buffer);
const scratchView = new DataView(scratch64.buffer);

/** Typed arrays use the platform's byte order; the fast paths below assume little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Index of the low u32 half of `scratch64` in `scratch32`. */
const LOW = LITTLE_ENDIAN ? 0 : 1;

/**
 * Arrays of up to this many bytes may live inside V8's heap, where viewing their `buffer` first
 * moves them out of it (hundreds of nanoseconds); larger ones always have a buffer of their own.
 */
const SMALL_ARRAY_BYTES = 64;
const smallBytes = new Uint8Array(new ArrayBuffer(SMALL_ARRAY_BYTES));
const smallView = new DataView(smallBytes.buffer);

/**
 * A `DataView` to read many fields of `bytes` through (one 4-byte load per u32, two per u64,
 * instead of one per byte), at the same offsets. An array of at most 64 bytes is copied into a
 * scratch area whose view is returned, valid until the next call.
 */
export function viewForReading(bytes: Uint8Array): DataView {
  if (bytes.length > SMALL_ARRAY_BYTES) {
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  smallBytes.set(bytes);
  return smallView;
}

/**
 * A `DataView` to write many fields of `bytes` through, at the same offsets; call
 * {@link finishWriting} when done. For an array of at most 64 bytes it is a scratch area.
 */
export function viewForWriting(bytes: Uint8Array): DataView {
  return bytes.length > SMALL_ARRAY_BYTES
    ? new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
    : smallView;
}

/** Copies the bytes `[start, end)` written through `view` into `bytes`, if it was the scratch. */
export function finishWriting(view: DataView, bytes: Uint8Array, start: number, end: number): void {
  if (view === smallView) for (let i = start; i < end; i++) bytes[i] = smallBytes[i]!;
}

/** Writes `value` (already checked to be a u64) at byte `at` of `view`. */
export function writeU64At(view: DataView, at: number, value: bigint): void {
  scratch64[0] = value;
  view.setUint32(at, scratch32[LOW]!, true);
  view.setUint32(at + 4, scratch32[1 - LOW]!, true);
}

/** Reads the u64 at byte `at` of `view` as an exact bigint (the 8 bytes must be present). */
export function readU64At(view: DataView, at: number): bigint {
  scratch32[LOW] = view.getUint32(at, true);
  scratch32[1 - LOW] = view.getUint32(at + 4, true);
  return scratch64[0]!;
}

/** Reads the u32 at byte `at` of `bytes` (the caller has checked the 4 bytes are present). */
export function readU32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
  );
}

/** {@link readU64} on a little-endian platform. */
export function readU64LittleEndian(bytes: Uint8Array, at: number): bigint {
  // A local alias makes smaller bytecode, which is what V8's inlining budget counts.
  const s = scratch8;
  s[0] = bytes[at]!;
  s[1] = bytes[at + 1]!;
  s[2] = bytes[at + 2]!;
  s[3] = bytes[at + 3]!;
  s[4] = bytes[at + 4]!;
  s[5] = bytes[at + 5]!;
  s[6] = bytes[at + 6]!;
  s[7] = bytes[at + 7]!;
  return scratch64[0]!;
}

/** {@link readU64} on any platform. */
export function readU64Portable(bytes: Uint8Array, at: number): bigint {
  for (let i = 0; i < 8; i++) scratch8[i] = bytes[at + i]!;
  return scratchView.getBigUint64(0, true);
}

/** Reads the u64 at byte `at` of `bytes` as an exact bigint (the 8 bytes must be present). */
export const readU64: (bytes: Uint8Array, at: number) => bigint = LITTLE_ENDIAN
  ? readU64LittleEndian
  : readU64Portable;

/** Writes `value` (already checked to be a u16) as a little-endian u16 at byte `at` of `bytes`. */
export function writeU16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
}

/** Reads the little-endian u16 at byte `at` of `bytes`. */
export function readU16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

/** Writes `value` (already checked to be a u32) at byte `at` of `bytes`. */
export function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
  bytes[at + 2] = value >>> 16;
  bytes[at + 3] = value >>> 24;
}

/** {@link writeU64} on a little-endian platform. */
export function writeU64LittleEndian(bytes: Uint8Array, at: number, value: bigint): void {
  scratch64[0] = value;
  const lo = scratch32[0]!;
  const hi = scratch32[1]!;
  bytes[at] = lo;
  bytes[at + 1] = lo >>> 8;
  bytes[at + 2] = lo >>> 16;
  bytes[at + 3] = lo >>> 24;
  bytes[at + 4] = hi;
  bytes[at + 5] = hi >>> 8;
  bytes[at + 6] = hi >>> 16;
  bytes[at + 7] = hi >>> 24;
}

/** {@link writeU64} on any platform. */
export function writeU64Portable(bytes: Uint8Array, at: number, value: bigint): void {
  scratchView.setBigUint64(0, value, true);
  for (let i = 0; i < 8; i++) bytes[at + i] = scratch8[i]!;
}

/** Writes `value` (already checked to be a u64) at byte `at` of `bytes`. */
export const writeU64: (bytes: Uint8Array, at: number, value: bigint) => void = LITTLE_ENDIAN
  ? writeU64LittleEndian
  : writeU64Portable;

/** `true` when `value` is a bigint in 0 … 2^64−1. */
export function isU64(value: unknown): boolean {
  return typeof value === 'bigint' && BigInt.asUintN(64, value) === value;
}
