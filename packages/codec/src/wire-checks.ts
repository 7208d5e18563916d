/*
 * Field checks for message writers: every field of a message is checked against its wire range
 * before the first byte is written, so a failed encode never leaves a partial frame. Each throws a
 * `TalaError` with code `InvalidArgument` naming the message kind and field.
 */
import { isU64 } from './wire-bytes.js';
import { describeInput, unencodable } from './wire-error.js';

/** Checks that `value` is a bigint in 0 … 2^64−1. */
export function checkU64(value: unknown, type: string, field: string): void {
  if (!isU64(value)) {
    throw unencodable(
      `${type}.${field}`,
      'a bigint in 0 … 2^64−1',
      `${typeof value} ${String(value)}`,
    );
  }
}

/** Checks that `value` is an integer in 0 … 2^32−1. */
export function checkU32(value: unknown, type: string, field: string): void {
  if (typeof value !== 'number' || value >>> 0 !== value) {
    throw unencodable(
      `${type}.${field}`,
      'an integer in 0 … 2^32−1',
      `${typeof value} ${String(value)}`,
    );
  }
}

/** Checks that `value` is a `Uint8Array` of at most `maxLength` bytes. */
export function checkBytes(
  value: unknown,
  type: string,
  field: string,
  maxLength = 0xffff_ffff,
): void {
  if (!(value instanceof Uint8Array)) {
    throw unencodable(`${type}.${field}`, 'a Uint8Array', describeInput(value));
  }
  if (value.length > maxLength) {
    throw unencodable(`${type}.${field}`, `at most ${maxLength} bytes`, `${value.length}`);
  }
}

/** Checks that `value` is an array (holes and wrong elements are the element checks' business). */
export function checkArray(value: unknown, type: string, field: string): void {
  if (!Array.isArray(value)) {
    throw unencodable(`${type}.${field}`, 'an array', describeInput(value));
  }
}

/** Checks that `value` is a non-null object (a message or one of its records). */
export function checkObject(value: unknown, type: string, field: string): void {
  if (typeof value !== 'object' || value === null) {
    throw unencodable(`${type}.${field}`, 'an object', describeInput(value));
  }
}

/** Checks that `value` is a boolean. */
export function checkBoolean(value: unknown, type: string, field: string): void {
  if (typeof value !== 'boolean') {
    throw unencodable(`${type}.${field}`, 'a boolean', describeInput(value));
  }
}
