import { encode } from '@tala-net/codec';
import { Network } from '@tala-net/network';
import { NodeId, PartitionId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { RECORD_BYTES, RecordKind, SEGMENT_CHANNEL } from '../src/index.js';
import { intentId, simulatedCluster } from './support.js';

describe('segment records from another node', () => {
  it('are refused with CorruptMessage when partial or of an unknown kind, and change nothing', async () => {
    const cluster = await simulatedCluster(2, { seed: 8, node: { partitions: 4, replicas: 1 } });
    await cluster.run(3_000);
    const node = cluster.nodes.get(NodeId(2))!;
    await cluster.until(node.submitIntent(intentId(1), new Uint8Array()));
    const before = [0, 1, 2, 3].map((p) => node.segment(PartitionId(p))?.digest);

    const transport = cluster.sim.addNode(NodeId(99));
    const peer = new Network({ transport, clock: cluster.sim.clockFor(NodeId(99)) });
    await peer.start();
    void transport.dial(node.address);
    const conduit = peer.register(SEGMENT_CHANNEL, { request: () => new Uint8Array() });
    const unknownKind = new Uint8Array(RECORD_BYTES).fill(7);
    const accepted = new Uint8Array(RECORD_BYTES);
    accepted[0] = RecordKind.Accepted;
    const push = (segmentData: Uint8Array) =>
      conduit
        .request(
          node.id,
          encode({ type: 'SegmentSync', partition: PartitionId(0), segmentData }),
          // A newer epoch than the node's, from a node that is not a member: the bytes are checked first.
          { timeout: 500, metadata: { offset: '0', start: '0', epoch: '999', reset: '1' } },
        )
        .catch((error: unknown) => error);
    const answers = [push(unknownKind), push(accepted.subarray(0, RECORD_BYTES - 1))];
    await cluster.run(100);
    for (const answer of await Promise.all(answers)) {
      expect(answer).toMatchObject({ code: 'CorruptMessage' });
    }
    expect([0, 1, 2, 3].map((p) => node.segment(PartitionId(p))?.digest)).toEqual(before);
    await peer.stop();
    await cluster.stopAll();
  });
});
