import { describe, expect, it } from 'vitest';
import { seededRandom, TalaError } from '../src/index.js';

describe('seededRandom', () => {
  it('repeats its sequence for the same seed and differs for another seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws integers uniformly in range', () => {
    const random = seededRandom(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[random.nextInt(6)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('rejects invalid seeds and bounds', () => {
    expect(() => seededRandom(1.5)).toThrow(TalaError);
    expect(() => seededRandom(1).nextInt(0)).toThrow(TalaError);
  });
});
