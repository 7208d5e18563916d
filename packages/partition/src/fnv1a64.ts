/*
 * The constants of the hot functions below are declared inside them: bundlers turn top-level
 * `const` into `var`, which V8 then reloads on every use instead of folding it into the code
 * (measured: about 9 ns of 40 per 16-byte id).
 */

/**
 * FNV-1a 64 of `bytes`, reduced modulo `modulus` (an integer in 1 … 2^32−1), computed on two
 * 32-bit halves so no `bigint` is created.
 */
export function fnv1a64Mod(bytes: Uint8Array, modulus: number): number {
  /** The low part of the FNV 64 prime 0x100000001b3 = 2^40 + 0x1b3. */
  const PRIME_LO = 0x1b3;
  // The offset basis 0xcbf29ce484222325 as two 32-bit halves (int32 bit patterns).
  let hi = 0xcbf29ce4 | 0;
  let lo = 0x84222325 | 0;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i]!;
    // hash × (2^40 + 0x1b3) mod 2^64, in int32 operations only. The high 32 bits of
    // lo × 0x1b3 come from two 16-bit halves; hash × 2^40 adds lo << 8 to the high half.
    // The sum that does not depend on `hi` comes first: the chain from one `hi` to the next is
    // one multiplication and one addition.
    const carry = ((lo >>> 16) * PRIME_LO + (((lo & 0xffff) * PRIME_LO) >>> 16)) >>> 16;
    hi = (Math.imul(hi, PRIME_LO) + ((carry + (lo << 8)) | 0)) | 0;
    lo = Math.imul(lo, PRIME_LO);
  }
  // A power of two divides 2^32: only the low half matters.
  if ((modulus & (modulus - 1)) === 0) return (lo & (modulus - 1)) >>> 0;
  // (hi × 2^32 + lo) mod m in one reduction on doubles: with hi = h1 × 2^16 + h0,
  // hash ≡ h1 × (2^48 mod m) + h0 × (2^32 mod m) + lo, a sum below 2^50. floor(x × (1/m)) is
  // then off by at most one, which `reduce` corrects. Multiplying by the cached inverse is much
  // faster than `%` or `/` on doubles, and routing uses the same modulus call after call.
  if (modulus !== cachedModulus) {
    cachedModulus = modulus;
    cachedInverse = 1 / modulus;
    cachedTwoPow32Mod = 0x1_0000_0000 % modulus;
    cachedTwoPow48Mod = 0x1_0000_0000_0000 % modulus;
  }
  const x = (hi >>> 16) * cachedTwoPow48Mod + (hi & 0xffff) * cachedTwoPow32Mod + (lo >>> 0);
  return reduce(x, modulus, cachedInverse);
}

let cachedModulus = 1;
let cachedInverse = 1;
let cachedTwoPow32Mod = 0;
let cachedTwoPow48Mod = 0;

/** `x mod m` for 0 ≤ x < 2^53, given `inverse` = 1/m. */
function reduce(x: number, modulus: number, inverse: number): number {
  const r = x - Math.floor(x * inverse) * modulus;
  return r < 0 ? r + modulus : r >= modulus ? r - modulus : r;
}

/** FNV-1a 64 of `bytes` as a `bigint` (reference implementation, for tests and baselines). */
export function fnv1a64(bytes: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash;
}
