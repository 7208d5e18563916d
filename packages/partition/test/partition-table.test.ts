import { NodeId, PartitionId, TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { PartitionTable } from '../src/index.js';

const a = (partitionId: number, owner: number, replicas: number[]) => ({
  partitionId: PartitionId(partitionId),
  owner: NodeId(owner),
  replicas: replicas.map(NodeId),
});

describe('PartitionTable (reference behaviour)', () => {
  it('finds the owner of a partition, and undefined for an unassigned one', () => {
    const table = new PartitionTable({
      version: 1n,
      assignments: [a(0, 10, [11, 12]), a(1, 11, [10])],
    });
    expect(table.ownerOf(PartitionId(0))).toBe(NodeId(10));
    expect(table.ownerOf(PartitionId(1))).toBe(NodeId(11));
    expect(table.ownerOf(PartitionId(99))).toBeUndefined();
    expect(table.version).toBe(1n);
  });

  it('lists the partitions a node owns or replicates', () => {
    const table = new PartitionTable({
      version: 1n,
      assignments: [a(0, 10, [11]), a(1, 11, [10]), a(2, 12, [])],
    });
    expect(table.partitionsFor(NodeId(10))).toEqual([0, 1]);
    expect(table.partitionsFor(NodeId(11))).toEqual([0, 1]);
    expect(table.partitionsFor(NodeId(12))).toEqual([2]);
    expect(table.partitionsFor(NodeId(99))).toEqual([]);
  });

  it('is immutable: later changes to the input do not reach the table', () => {
    const replicas = [NodeId(11)];
    const assignments = [{ partitionId: PartitionId(0), owner: NodeId(10), replicas }];
    const table = new PartitionTable({ version: 1n, assignments });
    replicas.push(NodeId(12));
    assignments.push(a(1, 12, []));
    expect(table.assignments).toEqual([a(0, 10, [11])]);
    expect(table.partitionsFor(NodeId(12))).toEqual([]);
    expect(Object.isFrozen(table.partitionsFor(NodeId(10)))).toBe(true);
  });

  it.each([
    ['a partition assigned twice', [a(0, 1, []), a(0, 2, [])], /assigned twice/],
    ['an owner listed as its own replica', [a(0, 1, [2, 1])], /owner 1 is also listed/],
    ['a replica listed twice', [a(0, 1, [2, 2])], /replica 2 is listed twice/],
  ])('rejects %s', (_name, assignments, message) => {
    expect(() => new PartitionTable({ version: 1n, assignments })).toThrow(message);
    expect(() => new PartitionTable({ version: 1n, assignments })).toThrow(TalaError);
  });

  it('rejects a version outside u64', () => {
    expect(() => new PartitionTable({ version: -1n, assignments: [] })).toThrow(TalaError);
  });
});

describe('PartitionTable declared partition count', () => {
  it('keeps the declared count and checks every partition id against it', () => {
    const table = new PartitionTable({ version: 1n, assignments: [a(3, 1, [])], numPartitions: 4 });
    expect(table.numPartitions).toBe(4);
    expect(table.size).toBe(1);
    expect(
      () => new PartitionTable({ version: 1n, assignments: [a(4, 1, [])], numPartitions: 4 }),
    ).toThrow(/not below the declared count 4/);
    expect(new PartitionTable({ version: 1n, assignments: [] }).numPartitions).toBeUndefined();
  });

  it('rejects a count, partition id or node id out of range', () => {
    expect(() => new PartitionTable({ version: 1n, assignments: [], numPartitions: -1 })).toThrow(
      TalaError,
    );
    const badPartition = { partitionId: (2 ** 32) as PartitionId, owner: NodeId(1), replicas: [] };
    expect(() => new PartitionTable({ version: 1n, assignments: [badPartition] })).toThrow(/u32/);
    const badNode = { partitionId: PartitionId(0), owner: 1 as unknown as NodeId, replicas: [] };
    expect(() => new PartitionTable({ version: 1n, assignments: [badNode] })).toThrow(
      /u64 node id/,
    );
  });
});

describe('PartitionTable hostile input', () => {
  it('rejects a sparse array of length 2^32−1 at its first hole, without sizing anything by it', () => {
    const huge = new Array<never>(2 ** 32 - 1);
    for (const numPartitions of [undefined, 2 ** 32 - 1]) {
      let caught: unknown;
      try {
        new PartitionTable({ version: 1n, assignments: huge, numPartitions });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TalaError);
      expect((caught as TalaError).code).toBe('InvalidArgument');
      expect((caught as TalaError).message).toMatch(/assignment 0: expected an object/);
    }
  });
});
