import { NodeId, PartitionId, type PartitionTableUpdate, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPartitionTableUpdate,
  assignPartitions,
  fromPartitionTableUpdate,
  PartitionTable,
  toPartitionTableUpdate,
} from '../src/index.js';
import { nodeIds } from './support.js';

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
    assignments: [a(0, 1, [2])],
    numPartitions: 4,
  });

  it('adopts a newer version', () => {
    const result = applyPartitionTableUpdate(current, update(6n, [a(0, 2, [1]), a(3, 1, [])]));
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
    ['duplicate partition ids', [a(1, 1, []), a(1, 2, [])], /assigned twice/],
    ['an owner listed as its own replica', [a(1, 1, [1])], /owner 1 is also listed/],
    ['duplicate replicas', [a(1, 1, [2, 2])], /replica 2 is listed twice/],
    ['a partition id ≥ the declared count', [a(4, 1, [])], /not below the declared count 4/],
  ])('rejects a newer table with %s and keeps the current one', (_name, assignments, message) => {
    let table = current;
    const apply = () => {
      table = applyPartitionTableUpdate(table, update(9n, assignments)).table;
    };
    expect(apply).toThrow(message);
    try {
      apply();
    } catch (error) {
      expect(error).toBeInstanceOf(TalaError);
      expect((error as TalaError).code).toBe('InvalidPartitionTable');
    }
    expect(table).toBe(current);
    expect(table.version).toBe(5n);
  });

  it('takes the declared count from the options over the current table', () => {
    expect(() =>
      applyPartitionTableUpdate(current, update(6n, [a(3, 1, [])]), { numPartitions: 2 }),
    ).toThrow(/declared count 2/);
    const open = new PartitionTable({ version: 0n, assignments: [] });
    const { table } = applyPartitionTableUpdate(open, update(1n, [a(100, 1, [])]));
    expect(table.numPartitions).toBeUndefined();
    expect(table.ownerOf(PartitionId(100))).toBe(NodeId(1));
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
          const assignments = u.valid ? [a(0, u.owner, [])] : [a(0, u.owner, [u.owner])];
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
