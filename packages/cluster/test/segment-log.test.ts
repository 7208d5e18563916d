import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invalidArgument } from '../../../testing/expect-tala-error.js';
import { RECORD_BYTES, SegmentLog } from '../src/index.js';

const R = BigInt(RECORD_BYTES);
const record = (n: number): Uint8Array => new Uint8Array(RECORD_BYTES).fill(n % 256);

describe('SegmentLog', () => {
  it('keeps between keep and 2·keep records, trimming by whole blocks', () => {
    const log = new SegmentLog(4);
    const dropped: Uint8Array[] = [];
    for (let n = 0; n < 7; n++) dropped.push(...log.append(record(n)));
    expect(log.start).toBe(0n);
    expect(log.end).toBe(7n * R);
    expect(dropped).toEqual([]);
    dropped.push(...log.append(record(7)));
    // end = 8 records = two blocks of 4: the first block goes.
    expect(log.start).toBe(4n * R);
    expect(log.length).toBe(4 * RECORD_BYTES);
    expect(dropped).toEqual([0, 1, 2, 3].map(record));
    expect([...log.records()]).toEqual([4, 5, 6, 7].map(record));
  });

  it('ends byte-identical on holders that reach the same end by any batching', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 20 }),
        (keep, batches) => {
          const owner = new SegmentLog(keep);
          const replica = new SegmentLog(keep);
          let n = 0;
          for (const size of batches) {
            const offset = owner.end;
            const batch = new Uint8Array(size * RECORD_BYTES);
            for (let i = 0; i < size; i++) {
              batch.set(record(n), i * RECORD_BYTES);
              owner.append(record(n++));
            }
            if (offset < replica.start) replica.reset(offset, batch);
            else replica.write(offset, batch);
          }
          expect(replica.start).toBe(owner.start);
          expect(replica.digest()).toBe(owner.digest());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('overwrites a diverged tail and reads whole records', () => {
    const log = new SegmentLog(100);
    for (let n = 0; n < 5; n++) log.append(record(n));
    log.write(2n * R, record(9));
    expect(log.end).toBe(3n * R);
    expect([...log.records()]).toEqual([0, 1, 9].map(record));
    expect(log.read(R, RECORD_BYTES + 3)).toEqual(record(1));
    expect(log.read(1000n, 20)).toEqual(new Uint8Array(0));
  });

  it('refuses writes off a record boundary or outside its range', () => {
    const log = new SegmentLog(2);
    invalidArgument(() => log.write(R, record(1)));
    invalidArgument(() => log.write(0n, new Uint8Array(3)));
    invalidArgument(() => new SegmentLog(0));
  });
});
