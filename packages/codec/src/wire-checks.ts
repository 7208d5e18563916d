/*
 * Field checks for message writers: every field of a message is checked against its wire range
 * before the first byte is written, so a failed encode never leaves a partial frame. Each throws a
 * `TalaError` with code `InvalidArgument` naming the message kind and field.
 *
 * The checks run for every field of every message encoded, so each is a test and a call to one
 * shared error builder only when it fails: small enough that V8 inlines it wherever it is used.
 */
import { describeInput, unencodable } from './wire-error.js';

/** Checks that `value` is a bigint in 0 … 2^64−1. */
export function checkU64(value: unknown, type: string, field: string): void {
  if (typeof value !== 'bigint' || BigInt.asUintN(64, value) !== value) {
    throw outOfRange(value, type, field, 'a bigint in 0 … 2^64−1');
  }
}

/** Checks that `value` is an integer in 0 … 2^32−1. */
export function checkU32(value: unknown, type: string, field: string): void {
  if (typeof value !== 'number' || value >>> 0 !== value) {
    throw outOfRange(value, type, field, 'an integer in 0 … 2^32−1');
  }
}

/** Checks that `value` is an integer in 0 … 65535. */
export function checkU16(value: unknown, type: string, field: string): void {
  if (typeof value !== 'number' || (value & 0xffff) !== value) {
    throw outOfRange(value, type, field, 'an integer in 0 … 65535');
  }
}

/** Checks that `value` is a `Uint8Array` of at most `maxLength` bytes. */
export function checkBytes(
  value: unknown,
  type: string,
  field: string,
  maxLength = 0xffff_ffff,
): void {
  if (!(value instanceof Uint8Array)) throw wrongField(value, type, field, 'a Uint8Array');
  if (value.length > maxLength) {
    throw unencodable(`${type}.${field}`, `at most ${maxLength} bytes`, `${value.length}`);
  }
}

/** Checks that `value` is an array (holes and wrong elements are the element checks' business). */
export function checkArray(value: unknown, type: string, field: string): void {
  if (!Array.isArray(value)) throw wrongField(value, type, field, 'an array');
}

/** Checks that `value` is a non-null object (a message or one of its records). */
export function checkObject(value: unknown, type: string, field: string): void {
  if (typeof value !== 'object' || value === null) {
    throw wrongField(value, type, field, 'an object');
  }
}

/** Checks that `value` is a boolean. */
export function checkBoolean(value: unknown, type: string, field: string): void {
  if (typeof value !== 'boolean') throw wrongField(value, type, field, 'a boolean');
}

/** The error of a number field whose `value` is not `expected`, the value shown as it is. */
function outOfRange(value: unknown, type: string, field: string, expected: string) {
  return unencodable(`${type}.${field}`, expected, `${typeof value} ${String(value)}`);
}

/** The error of field `type.field` whose `value` is not `expected`. */
function wrongField(value: unknown, type: string, field: string, expected: string) {
  return unencodable(`${type}.${field}`, expected, describeInput(value));
}
