import { TalaError } from './tala-error.js';

/**
 * A source of randomness, injected into protocols and simulations so that a seed reproduces a
 * run exactly.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound); `bound` is an integer in 1 … 2^32. */
  nextInt(bound: number): number;
}

/**
 * A fast seeded {@link Random} (xoshiro128**, seeded through splitmix32). The same seed always
 * gives the same sequence, on every platform.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random.nextInt(6); // the same die roll for seed 42, every time
 * ```
 */
export function seededRandom(seed: number): Random {
  if (!Number.isSafeInteger(seed)) {
    throw new TalaError(
      'InvalidArgument',
      `seededRandom: expected a safe integer seed, found ${seed}`,
    );
  }
  let s = (seed >>> 0) ^ Math.floor(seed / 0x1_0000_0000);
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return {
    next: () => nextU32() / 0x1_0000_0000,
    nextInt(bound) {
      if (!Number.isInteger(bound) || bound < 1 || bound > 0x1_0000_0000) {
        throw new TalaError(
          'InvalidArgument',
          `nextInt: expected a bound in 1 … 2^32, found ${bound}`,
        );
      }
      // Rejection sampling keeps every value equally likely.
      const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
      let value = nextU32();
      while (value >= limit) value = nextU32();
      return value % bound;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
