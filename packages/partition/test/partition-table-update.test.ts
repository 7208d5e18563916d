import { NodeId, PartitionId, type PartitionTableUpdate, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPartitionTableUpdate,
  assignPartitions,
  fromPartitionTableUpdate,
  isNewerTableVersion,
  PartitionTable,
  toPartitionTableUpdate,
} from '../src/index.js';
import { nodeIds } from './support.js';

const MAX_U64 = 0xffff_ffff_ffff_ffffn;

const a = (partitionId: number, owner: number, replicas: number[]) => ({
  partitionId: PartitionId(partitionId),
  owner: NodeId(owner),
  replicas: replicas.map(NodeId),
});
const update = (version: bigint, assignments: ReturnType<typeof a>[]): PartitionTableUpdate => ({
  type: 'PartitionTableUpdate',
  version,
  assignments,
});

describe('PartitionTable ⇄ PartitionTableUpdate', () => {
  it('round-trips a table through the message', () => {
    const table = assignPartitions({ nodes: nodeIds(4), numPartitions: 16, replicationFactor: 3 });
    const message = toPartitionTableUpdate(table);
    expect(message.type).toBe('PartitionTableUpdate');
    expect(message.version).toBe(1n);
    expect(message.assignments).toEqual(table.assignments);
    const back = fromPartitionTableUpdate(message, { numPartitions: 16 });
    expect(back.assignments).toEqual(table.assignments);
    expect(back.version).toBe(table.version);
    expect(back.numPartitions).toBe(16);
    expect(toPartitionTableUpdate(back)).toEqual(message);
  });

  it('copies: changing the message does not change the table', () => {
    const table = new PartitionTable({ version: 2n, assignments: [a(0, 1, [2])] });
    const message = toPartitionTableUpdate(table);
    (message.assignments[0]!.replicas as NodeId[]).push(NodeId(3));
    expect(table.assignmentOf(PartitionId(0))!.replicas).toEqual([NodeId(2)]);
  });
});

describe('applyPartitionTableUpdate', () => {
  const current = new PartitionTable({
    version: 5n,
    assignments: [a(0, 1, [2]), a(1, 2, [1]), a(2, 1, []), a(3, 2, [])],
    numPartitions: 4,
  });
  /** Every partition 0 … 3, with `changes` replacing some of them. */
  const full = (...changes: ReturnType<typeof a>[]) =>
    [0, 1, 2, 3].map((p) => changes.find((c) => c.partitionId === p) ?? a(p, 3, []));

  it('adopts a newer version', () => {
    const result = applyPartitionTableUpdate(current, update(6n, full(a(0, 2, [1]))));
    expect(result.applied).toBe(true);
    expect(result.table.version).toBe(6n);
    expect(result.table.ownerOf(PartitionId(0))).toBe(NodeId(2));
    expect(result.table.numPartitions).toBe(4);
  });

  it.each([5n, 4n, 0n])('ignores version %s (equal or older)', (version) => {
    const result = applyPartitionTableUpdate(current, update(version, [a(0, 3, [])]));
    expect(result.applied).toBe(false);
    expect(result.table).toBe(current);
  });

  it.each([
    [
      'duplicate partition ids',
      [a(0, 1, []), a(1, 1, []), a(1, 2, []), a(3, 1, [])],
      /1 is assigned twice/,
    ],
    ['an owner listed as its own replica', full(a(1, 1, [1])), /owner 1 is also listed/],
    ['duplicate replicas', full(a(1, 1, [2, 2])), /replica 2 is listed twice/],
    [
      'a partition id ≥ the declared count',
      [...full().slice(1), a(4, 1, [])],
      /not below the declared count 4/,
    ],
    ['a gap (fewer partitions than declared)', full().slice(1), /exactly 4 assignments/],
    ['more partitions than declared', [...full(), a(4, 1, [])], /exactly 4 assignments/],
    ['no partition at all', [], /assigns no partition/],
  ])('rejects a newer table with %s and keeps the current one', (_name, assignments, message) => {
    let table = current;
    const apply = () => {
      table = applyPartitionTableUpdate(table, update(9n, assignments)).table;
    };
    expect(apply).toThrow(message);
    expectTalaError(apply, 'InvalidPartitionTable');
    expect(table).toBe(current);
    expect(table.version).toBe(5n);
  });

  it('takes the declared count from the options over the current table', () => {
    expect(() =>
      applyPartitionTableUpdate(current, update(6n, full()), { numPartitions: 2 }),
    ).toThrow(/exactly 2 assignments/);
    const { table } = applyPartitionTableUpdate(current, update(6n, full().slice(0, 2)), {
      numPartitions: 2,
    });
    expect(table.numPartitions).toBe(2);
    expect(table.size).toBe(2);
  });

  it('takes the count of a table without a declared count from its assignments, and declares it', () => {
    const undeclared = new PartitionTable({ version: 1n, assignments: [a(0, 1, []), a(1, 2, [])] });
    const { table } = applyPartitionTableUpdate(undeclared, update(2n, [a(1, 1, []), a(0, 2, [])]));
    expect(table.numPartitions).toBe(2);
    expect(table.ownerOf(PartitionId(0))).toBe(NodeId(2));
    expect(() => applyPartitionTableUpdate(undeclared, update(2n, [a(0, 1, [])]))).toThrow(
      /exactly 2 assignments/,
    );
  });

  it('rejects a partition id of 2^24 or 2^32−1 on a table without a declared count, before any placement', () => {
    const open = new PartitionTable({ version: 0n, assignments: [] });
    for (const id of [2 ** 24, 2 ** 32 - 1]) {
      const huge = update(1n, [a(id, 1, [])]);
      expect(() => applyPartitionTableUpdate(open, huge)).toThrow(/declare numPartitions/);
      expectTalaError(() => applyPartitionTableUpdate(open, huge), 'InvalidPartitionTable');
      // Not even as a partial table of a declared count it exceeds.
      expect(() =>
        applyPartitionTableUpdate(open, huge, { numPartitions: 64, allowPartial: true }),
      ).toThrow(/not below the declared count 64/);
      // And as the only partition of an update without a declared count, it is a gap.
      expect(() => fromPartitionTableUpdate(huge)).toThrow(/not below the declared count 1/);
    }
    // The count is known: the update names every partition and the table declares it.
    const { table } = applyPartitionTableUpdate(open, update(1n, [a(0, 1, [])]), {
      numPartitions: 1,
    });
    expect(table.numPartitions).toBe(1);
  });

  it('accepts a partial table only with allowPartial, and never an empty one', () => {
    const partial = update(6n, [a(3, 1, [])]);
    expect(() => applyPartitionTableUpdate(current, partial)).toThrow(/exactly 4 assignments/);
    const { table } = applyPartitionTableUpdate(current, partial, { allowPartial: true });
    expect(table.numPartitions).toBe(4);
    expect(table.ownerOf(PartitionId(0))).toBeUndefined();
    expect(table.ownerOf(PartitionId(3))).toBe(NodeId(1));
    expect(() =>
      applyPartitionTableUpdate(current, update(6n, []), { allowPartial: true }),
    ).toThrow(/assigns no partition/);
    expect(() =>
      applyPartitionTableUpdate(current, update(6n, [...full(), a(4, 1, [])]), {
        allowPartial: true,
      }),
    ).toThrow(/at most 4 assignments/);
    expectTalaError(
      () => fromPartitionTableUpdate(partial, { allowPartial: true }),
      'InvalidArgument',
    );
  });

  it('cannot freeze: versions wrap around, and a jump of 2^63 or more counts as older', () => {
    const last = new PartitionTable({
      version: MAX_U64 - 1n,
      assignments: full(),
      numPartitions: 4,
    });
    let table = last;
    for (const version of [MAX_U64, 0n, 1n]) {
      const result = applyPartitionTableUpdate(table, update(version, full(a(0, 2, []))));
      expect(result.applied, `version ${version}`).toBe(true);
      table = result.table;
    }
    expect(table.version).toBe(1n);
    // One frame can no longer make every later update look older.
    for (const version of [MAX_U64, 5n + (1n << 63n), 6n + (1n << 63n)]) {
      const result = applyPartitionTableUpdate(current, update(version, full(a(0, 2, []))));
      expect(result.applied, `version ${version}`).toBe(false);
      expect(result.table).toBe(current);
    }
    const ahead = applyPartitionTableUpdate(current, update(4n + (1n << 63n), full()));
    expect(ahead.applied).toBe(true);
  });

  it('rejects a message without a bigint version or assignments', () => {
    const bad = { type: 'PartitionTableUpdate', version: 7, assignments: [] } as unknown;
    expect(() => applyPartitionTableUpdate(current, bad as PartitionTableUpdate)).toThrow(
      TalaError,
    );
    const noList = { type: 'PartitionTableUpdate', version: 7n } as unknown;
    expect(() => applyPartitionTableUpdate(current, noList as PartitionTableUpdate)).toThrow(
      /PartitionTableUpdate message/,
    );
  });

  it('rejects an update of the wrong size without reading any assignment', () => {
    const size = 1_000_000;
    const declared = new PartitionTable({ version: 1n, assignments: [], numPartitions: size });
    const reads = { count: 0 };
    // 999,999 slots never filled: a read of any of them would be counted.
    const counted = countingArray(new Array<ReturnType<typeof a>>(size - 1), reads);
    expect(() => applyPartitionTableUpdate(declared, update(2n, counted))).toThrow(
      /exactly 1000000 assignments/,
    );
    expect(reads.count).toBe(0);
  });

  it('checks before it copies: nothing after the first invalid assignment is read', () => {
    const size = 100_000;
    const declared = new PartitionTable({ version: 1n, assignments: [], numPartitions: size });
    const list = Array.from({ length: size }, (_, p) => a(p, 1, [2]));
    for (const bad of [0, 10, size - 1]) {
      const withBad = [...list];
      withBad[bad] = a(bad, 1, [1]);
      const reads = { count: 0 };
      expect(() =>
        applyPartitionTableUpdate(declared, update(2n, countingArray(withBad, reads))),
      ).toThrow(/owner 1 is also listed/);
      // One read per assignment up to the bad one: no copy was made before the check.
      expect(reads.count).toBe(bad + 1);
    }
  });

  it('is monotonic in version: the applied version never decreases, and only a newer valid update changes the table', () => {
    const anUpdate = fc.record({
      version: fc.bigInt({ min: 0n, max: 20n }),
      valid: fc.boolean(),
      owner: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(anUpdate, { maxLength: 30 }), (updates) => {
        let table = new PartitionTable({ version: 0n, assignments: [], numPartitions: 2 });
        let highestValid = 0n;
        for (const u of updates) {
          const assignments = u.valid
            ? [a(0, u.owner, []), a(1, u.owner, [])]
            : [a(0, u.owner, [u.owner]), a(1, u.owner, [])];
          const before = table;
          try {
            const result = applyPartitionTableUpdate(table, update(u.version, assignments));
            expect(result.applied).toBe(u.version > before.version);
            table = result.table;
          } catch (error) {
            expect(u.valid).toBe(false);
            expect(u.version > before.version).toBe(true);
            expect((error as TalaError).code).toBe('InvalidPartitionTable');
          }
          if (u.valid && u.version > highestValid) highestValid = u.version;
          expect(table.version >= before.version).toBe(true);
          expect(table.version).toBe(highestValid);
          if (table !== before) expect(table.ownerOf(PartitionId(0))).toBe(NodeId(u.owner));
        }
      }),
      { numRuns: 200, seed: 0x5a11_0005 },
    );
  });
});

describe('isNewerTableVersion', () => {
  it('is the plain order for versions less than 2^63 apart and never has a last version', () => {
    const u64 = fc.bigInt({ min: 0n, max: MAX_U64 });
    fc.assert(
      fc.property(u64, fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }), (version, ahead) => {
        const later = (version + ahead) & MAX_U64;
        expect(isNewerTableVersion(later, version)).toBe(true);
        expect(isNewerTableVersion(version, later)).toBe(false);
        expect(isNewerTableVersion(version, version)).toBe(false);
      }),
      { numRuns: 500, seed: 0x5a11_0007 },
    );
    const below63 = fc.bigInt({ min: 0n, max: (1n << 63n) - 1n });
    fc.assert(
      fc.property(below63, below63, (x, y) => {
        expect(isNewerTableVersion(x, y)).toBe(x > y);
      }),
      { numRuns: 500, seed: 0x5a11_0008 },
    );
    expect(isNewerTableVersion(0n, MAX_U64)).toBe(true);
    expect(isNewerTableVersion(MAX_U64, 0n)).toBe(false);
    expect(isNewerTableVersion(1n << 63n, 0n)).toBe(false);
    expect(isNewerTableVersion(0n, 1n << 63n)).toBe(false);
  });

  it('rejects a version that is not a u64 bigint', () => {
    for (const bad of [-1n, 1n << 64n, 5, undefined, null]) {
      expectTalaError(() => isNewerTableVersion(bad as bigint, 1n), 'InvalidArgument');
      expectTalaError(() => isNewerTableVersion(1n, bad as bigint), 'InvalidArgument');
    }
  });
});

/** A proxy of `list` that counts reads of its elements (not of `length`). */
function countingArray<T>(list: T[], reads: { count: number }): T[] {
  return new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads.count++;
      return Reflect.get(target, key, receiver);
    },
  });
}

function expectTalaError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TalaError);
    expect((error as TalaError).code).toBe(code);
    return;
  }
  expect.unreachable('expected a TalaError');
}
