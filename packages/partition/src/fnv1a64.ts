/** FNV-1a 64 offset basis 0xcbf29ce484222325, as two 32-bit halves. */
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
/** The low part of the FNV 64 prime 0x100000001b3 = 2^40 + 0x1b3. */
const PRIME_LO = 0x1b3;
const TWO_POW_32 = 0x1_0000_0000;

/**
 * FNV-1a 64 of `bytes`, reduced modulo `modulus` (an integer in 1 … 2^32−1), computed on two
 * 32-bit halves so no `bigint` is created.
 */
export function fnv1a64Mod(bytes: Uint8Array, modulus: number): number {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i]!;
    // hash × (2^40 + 0x1b3) mod 2^64: lo×0x1b3 stays below 2^41, so it is exact in a double;
    // hash × 2^40 only adds lo << 8 to the high half.
    const low = (lo >>> 0) * PRIME_LO;
    const newLo = low >>> 0;
    const carry = (low - newLo) / TWO_POW_32;
    hi = (Math.imul(hi, PRIME_LO) + carry + (lo << 8)) >>> 0;
    lo = newLo;
  }
  // (hi × 2^32 + lo) mod m in steps whose products stay below 2^53.
  let r = hi % modulus;
  r = (r * 0x1_0000) % modulus;
  r = (r * 0x1_0000) % modulus;
  return (r + (lo >>> 0)) % modulus;
}

/** FNV-1a 64 of `bytes` as a `bigint` (reference implementation, for tests and baselines). */
export function fnv1a64(bytes: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash;
}
