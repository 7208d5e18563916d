import { TalaError } from '@tala-net/types';
import { describeValue } from './describe-value.js';

const U64_BITS = 64;
/** Half of the version space: a version at most this far ahead of another is newer. */
const HALF_RANGE = 1n << 63n;

/**
 * Whether a table of version `candidate` is newer than one of version `current`. Versions are
 * u64 compared in serial-number arithmetic (as RFC 1982 does for DNS serials): `candidate` is
 * newer when it is 1 … 2^63−1 ahead of `current`, counting modulo 2^64. For versions less than
 * 2^63 apart (every cluster that counts up from 0) this is the plain `candidate > current`;
 * the version space has no last version, so no table can freeze: after 2^64−1 comes 0, and a
 * version that jumps 2^63 or more ahead counts as older.
 *
 * @example
 * ```ts
 * isNewerTableVersion(6n, 5n); // true
 * isNewerTableVersion(5n, 5n); // false
 * isNewerTableVersion(0n, 0xffff_ffff_ffff_ffffn); // true: the space wraps around
 * isNewerTableVersion(0xffff_ffff_ffff_ffffn, 5n); // false: 2^64−6 ahead is behind
 * ```
 *
 * Throws a `TalaError` with code `InvalidArgument` when a version is not a u64 bigint.
 */
export function isNewerTableVersion(candidate: bigint, current: bigint): boolean {
  checkU64(candidate);
  checkU64(current);
  const ahead = BigInt.asUintN(U64_BITS, candidate - current);
  return ahead !== 0n && ahead < HALF_RANGE;
}

/** The version after `version`: `version + 1` modulo 2^64 (internal). */
export function nextTableVersion(version: bigint): bigint {
  return BigInt.asUintN(U64_BITS, version + 1n);
}

function checkU64(version: unknown): void {
  if (typeof version !== 'bigint' || BigInt.asUintN(U64_BITS, version) !== version) {
    throw new TalaError(
      'InvalidArgument',
      `isNewerTableVersion: expected a u64 bigint version, found ${describeValue(version)}`,
    );
  }
}
