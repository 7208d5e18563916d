import type { Random } from '@tala-net/types';

/**
 * A random 16-byte intent id drawn from `random` (e.g. a simulation's `sim.random`, so the ids
 * are a function of its seed).
 *
 * @example
 * ```ts
 * const intent = randomIntent(seededRandom(7)); // 16 bytes, the same for seed 7 every time
 * ```
 */
export function randomIntent(random: Random): Uint8Array {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i += 4) {
    const word = random.nextInt(0x1_0000_0000);
    bytes[i] = word & 0xff;
    bytes[i + 1] = (word >>> 8) & 0xff;
    bytes[i + 2] = (word >>> 16) & 0xff;
    bytes[i + 3] = word >>> 24;
  }
  return bytes;
}
