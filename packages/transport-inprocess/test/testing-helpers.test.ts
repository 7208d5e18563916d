import { randomIntent, roundRobinAssignments } from '@tala-net/transport-inprocess/testing';
import { NodeId, PartitionId, seededRandom, TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';

describe('testing helpers', () => {
  it('assigns partitions round-robin, replicas on the following nodes', () => {
    const nodes = [NodeId(1), NodeId(2), NodeId(3)];
    expect(roundRobinAssignments(nodes, 4, 2)).toEqual([
      { partitionId: PartitionId(0), owner: NodeId(1), replicas: [NodeId(2), NodeId(3)] },
      { partitionId: PartitionId(1), owner: NodeId(2), replicas: [NodeId(3), NodeId(1)] },
      { partitionId: PartitionId(2), owner: NodeId(3), replicas: [NodeId(1), NodeId(2)] },
      { partitionId: PartitionId(3), owner: NodeId(1), replicas: [NodeId(2), NodeId(3)] },
    ]);
    expect(roundRobinAssignments(nodes, 0)).toEqual([]);
  });

  it('rejects impossible assignments with InvalidArgument', () => {
    const nodes = [NodeId(1), NodeId(2)];
    for (const call of [
      () => roundRobinAssignments([], 4),
      () => roundRobinAssignments(nodes, -1),
      () => roundRobinAssignments(nodes, 1.5),
      () => roundRobinAssignments(nodes, 4, 2),
      () => roundRobinAssignments(nodes, 4, -1),
      () => roundRobinAssignments(null as never, 4),
    ]) {
      expect(call).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
      expect(call).toThrow(TalaError);
    }
  });

  it('draws intents from the given generator: the same seed gives the same ids', () => {
    const first = [randomIntent(seededRandom(5)), randomIntent(seededRandom(5))];
    expect(first[0]).toHaveLength(16);
    expect(first[1]).toEqual(first[0]);
    const random = seededRandom(5);
    randomIntent(random);
    expect(randomIntent(random)).not.toEqual(first[0]);
  });
});
