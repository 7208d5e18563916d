import { type Message, NodeId, PartitionId } from '@tala-net/types';
import fc from 'fast-check';

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
/** u64 values biased towards the edges: 0, 2^53±1, 2^63, 2^64−1. */
export const u64Edgy = fc.oneof(
  u64,
  fc.constantFrom(0n, 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n),
);
export const nodeId = u64Edgy.map(NodeId);
export const partitionId = fc
  .oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(0, 0xffff_ffff))
  .map(PartitionId);
export const bytes = fc.uint8Array({ maxLength: 64 });

/** Any message of the reference's six kinds, with empty arrays and large u64 values well represented. */
export const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({
    type: fc.constantFrom('Ping' as const, 'Pong' as const),
    from: nodeId,
    seq: u64Edgy,
  }),
  fc.record({
    type: fc.constant('IntentForward' as const),
    partition: partitionId,
    payload: bytes,
  }),
  fc.record({
    type: fc.constant('SegmentSync' as const),
    partition: partitionId,
    segmentData: bytes,
  }),
  fc.record({
    type: fc.constant('MembershipUpdate' as const),
    members: fc.array(nodeId, { maxLength: 8 }),
    version: u64Edgy,
  }),
  fc.record({
    type: fc.constant('PartitionTableUpdate' as const),
    version: u64Edgy,
    assignments: fc.array(
      fc.record({ partitionId, owner: nodeId, replicas: fc.array(nodeId, { maxLength: 4 }) }),
      { maxLength: 6 },
    ),
  }),
);
