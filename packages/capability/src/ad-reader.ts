import { TalaError, type TalaErrorCode } from '@tala-net/types';
import { nameFromBytes } from './ascii-name.js';
import type { CapabilityEntry } from './capability-entry.js';
// The error codes this reader throws (a type-only augmentation of TalaErrorCodeMap).
import type {} from './error-codes.js';
import {
  FORMAT_VERSION,
  HEADER_BYTES,
  MAGIC,
  MAX_ENTRIES,
  MAX_NAME_BYTES,
  MAX_VALUE_BYTES,
} from './limits.js';

function fail(code: TalaErrorCode, message: string): never {
  throw new TalaError(code, `CapabilityAd.decode: ${message}`);
}

function u16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
  );
}

/** Throws `Truncated` unless `size` bytes are present at `at`. */
function need(bytes: Uint8Array, at: number, size: number, what: string): void {
  if (bytes.length - at < size) {
    fail('Truncated', `${what} needs ${size} bytes at offset ${at}, ${bytes.length - at} left`);
  }
}

/** Checks magic, version and entry count; returns the entry count. */
function checkHeader(bytes: Uint8Array): number {
  need(bytes, 0, MAGIC.length, 'the magic');
  if (MAGIC.some((byte, i) => bytes[i] !== byte))
    fail('BadMagic', 'the input does not start with CAP');
  need(bytes, 3, 1, 'the format version');
  if (bytes[3] !== FORMAT_VERSION)
    fail('BadMagic', `format version ${bytes[3]}, expected ${FORMAT_VERSION}`);
  need(bytes, 4, 4, 'the entry count');
  const count = u32(bytes, 4);
  if (count > MAX_ENTRIES) fail('TooManyEntries', `${count} entries, at most ${MAX_ENTRIES}`);
  return count;
}

/** Checks one name at `at`; returns the offset after it. */
function checkName(bytes: Uint8Array, at: number): number {
  need(bytes, at, 2, 'a name length');
  const length = u16(bytes, at);
  if (length > MAX_NAME_BYTES)
    fail('TooManyEntries', `a name of ${length} bytes, at most ${MAX_NAME_BYTES}`);
  need(bytes, at + 2, length, 'a name');
  for (let i = at + 2; i < at + 2 + length; i++) {
    if (bytes[i]! > 0x7f)
      fail('NonAsciiName', `name byte 0x${bytes[i]!.toString(16)} at offset ${i}`);
  }
  return at + 2 + length;
}

/** Checks the value list at `at`; returns the offset after it. */
function checkValues(bytes: Uint8Array, at: number): number {
  need(bytes, at, 2, 'a value count');
  const count = u16(bytes, at);
  let offset = at + 2;
  for (let v = 0; v < count; v++) {
    need(bytes, offset, 4, 'a value length');
    const length = u32(bytes, offset);
    if (length > MAX_VALUE_BYTES)
      fail('TooManyEntries', `a value of ${length} bytes, at most ${MAX_VALUE_BYTES}`);
    need(bytes, offset + 4, length, 'a value');
    offset += 4 + length;
  }
  return offset;
}

/**
 * Walks the whole advertisement without allocating, in the order of the format (so each error
 * has the kind the reference decoder reports), and rejects trailing bytes. Returns the entry
 * count, known to be backed by the bytes present.
 */
function check(bytes: Uint8Array): number {
  const count = checkHeader(bytes);
  let offset = HEADER_BYTES;
  for (let e = 0; e < count; e++) offset = checkValues(bytes, checkName(bytes, offset));
  if (offset !== bytes.length) {
    fail('TrailingBytes', `${bytes.length - offset} bytes after the last entry`);
  }
  return count;
}

/** Reads the entries of an advertisement that {@link check} accepted; values are copies. */
function read(bytes: Uint8Array, count: number): CapabilityEntry[] {
  const entries = new Array<CapabilityEntry>(count);
  let offset = HEADER_BYTES;
  for (let e = 0; e < count; e++) {
    const nameLength = u16(bytes, offset);
    const name = nameFromBytes(bytes, offset + 2, offset + 2 + nameLength);
    offset += 2 + nameLength;
    const supported = new Array<Uint8Array>(u16(bytes, offset));
    offset += 2;
    for (let v = 0; v < supported.length; v++) {
      const length = u32(bytes, offset);
      supported[v] = bytes.slice(offset + 4, offset + 4 + length);
      offset += 4 + length;
    }
    entries[e] = Object.freeze({ name, supported: Object.freeze(supported) });
  }
  return entries;
}

/**
 * Decodes the entries of an encoded advertisement. Every count and length is checked against
 * the bytes present before anything is allocated: a header claiming 2^32−1 entries fails at
 * once with `TooManyEntries`, one claiming 1,000 entries over 10 bytes with `Truncated`.
 */
export function readEntries(bytes: Uint8Array): CapabilityEntry[] {
  if (!(bytes instanceof Uint8Array)) {
    throw new TalaError('InvalidArgument', 'CapabilityAd.decode: expected a Uint8Array');
  }
  return read(bytes, check(bytes));
}
