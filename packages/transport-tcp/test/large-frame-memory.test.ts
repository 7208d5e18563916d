import { describe, expect, it } from 'vitest';
import { LargeFrameMemory } from '../src/large-frame-memory.js';

const MiB = 1024 * 1024;

describe('LargeFrameMemory', () => {
  it('lends buffers of exactly the length asked, each over memory of its own', () => {
    const memory = new LargeFrameMemory();
    const a = memory.take(100_000);
    const b = memory.take(100_000);
    expect(a.length).toBe(100_000);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer).not.toBe(b.buffer);
  });

  it('reuses a buffer given back for the next frame that fits, and only once', () => {
    const memory = new LargeFrameMemory();
    const first = memory.take(MiB);
    memory.giveBack(first);
    expect(memory.spareBytes).toBe(MiB);
    const smaller = memory.take(MiB / 2);
    expect(smaller.buffer).toBe(first.buffer);
    expect(smaller.length).toBe(MiB / 2);
    expect(memory.spareBytes).toBe(0);
    // The spare is lent to one frame at a time.
    expect(memory.take(MiB / 2).buffer).not.toBe(first.buffer);
    // A frame larger than the spare gets memory of its own and leaves the spare in place.
    memory.giveBack(smaller);
    expect(memory.take(2 * MiB).buffer).not.toBe(first.buffer);
    expect(memory.spareBytes).toBe(MiB);
  });

  it('ignores what it did not lend, what was given back already, and buffers over 4 MiB', () => {
    const memory = new LargeFrameMemory();
    memory.giveBack(new Uint8Array(MiB));
    expect(memory.spareBytes).toBe(0);
    const lent = memory.take(MiB);
    memory.giveBack(lent);
    const again = memory.take(MiB);
    memory.giveBack(lent); // a second give-back of the first loan: ignored
    expect(memory.spareBytes).toBe(0);
    memory.giveBack(again);
    expect(memory.spareBytes).toBe(MiB);
    const huge = memory.take(5 * MiB);
    memory.giveBack(huge);
    expect(memory.spareBytes).toBe(MiB);
  });

  it('keeps the larger of two buffers given back', () => {
    const memory = new LargeFrameMemory();
    const small = memory.take(MiB);
    const big = memory.take(2 * MiB);
    memory.giveBack(big);
    memory.giveBack(small);
    expect(memory.spareBytes).toBe(2 * MiB);
  });

  it('lets the spare go at a sweep with no large frame since the previous one, and on clear', () => {
    const memory = new LargeFrameMemory();
    memory.giveBack(memory.take(MiB));
    memory.sweep(); // used since the last sweep: kept
    expect(memory.spareBytes).toBe(MiB);
    memory.sweep(); // unused since: let go
    expect(memory.spareBytes).toBe(0);
    memory.giveBack(memory.take(MiB));
    memory.clear();
    expect(memory.spareBytes).toBe(0);
  });
});
