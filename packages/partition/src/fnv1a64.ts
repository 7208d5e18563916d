/** FNV-1a 64 offset basis 0xcbf29ce484222325, as two 32-bit halves (int32 bit patterns). */
const OFFSET_HI = 0xcbf29ce4 | 0;
const OFFSET_LO = 0x84222325 | 0;
/** The low part of the FNV 64 prime 0x100000001b3 = 2^40 + 0x1b3. */
const PRIME_LO = 0x1b3;
const TWO_POW_32 = 0x1_0000_0000;
/** Largest modulus for which r·2^32 + lo (r < modulus) stays below 2^53. */
const ONE_STEP_MODULUS = 0x20_0000;

/**
 * FNV-1a 64 of `bytes`, reduced modulo `modulus` (an integer in 1 … 2^32−1), computed on two
 * 32-bit halves so no `bigint` is created.
 */
export function fnv1a64Mod(bytes: Uint8Array, modulus: number): number {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i]!;
    // hash × (2^40 + 0x1b3) mod 2^64, in int32 operations only. The high 32 bits of
    // lo × 0x1b3 come from two 16-bit halves; hash × 2^40 adds lo << 8 to the high half.
    const carry = ((lo >>> 16) * PRIME_LO + (((lo & 0xffff) * PRIME_LO) >>> 16)) >>> 16;
    hi = (Math.imul(hi, PRIME_LO) + carry + (lo << 8)) | 0;
    lo = Math.imul(lo, PRIME_LO);
  }
  // A power of two divides 2^32: only the low half matters.
  if ((modulus & (modulus - 1)) === 0) return (lo & (modulus - 1)) >>> 0;
  // (hi × 2^32 + lo) mod m with floor(x × (1/m)) on doubles below 2^53: the quotient is off by
  // at most one, which `reduce` corrects. A multiplication by the cached inverse is much faster
  // than `%` or `/` on doubles, and routing uses the same modulus call after call.
  if (modulus !== cachedModulus) {
    cachedModulus = modulus;
    cachedInverse = 1 / modulus;
  }
  const inverse = cachedInverse;
  let r = reduce(hi >>> 0, modulus, inverse);
  if (modulus <= ONE_STEP_MODULUS) return reduce(r * TWO_POW_32 + (lo >>> 0), modulus, inverse);
  // r < m ≤ 2^32: shift by 2^21, then by 2^11, each product staying below 2^53.
  r = reduce(r * 0x20_0000, modulus, inverse);
  return reduce(r * 0x800 + (lo >>> 0), modulus, inverse);
}

let cachedModulus = 1;
let cachedInverse = 1;

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
