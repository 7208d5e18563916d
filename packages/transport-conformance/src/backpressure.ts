import { encodedLength, HEADER_BYTES } from '@tala-net/codec';
import { type Message, NodeId, PartitionId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { conformanceHarness, Inbox, ping } from './conformance-harness.js';
import type { TransportConformanceOptions } from './conformance-network.js';

const NOTHING = { frames: 0, bytes: 0 };

const intent = (seq: number, payload: Uint8Array): Message => ({
  type: 'IntentForward',
  partition: PartitionId(seq),
  payload,
});
/** The largest payload the byte-bound case sends, to keep the test's memory small. */
const MAX_BYTE_CASE_PAYLOAD = 4 * 1024 * 1024;

/**
 * Registers the backpressure cases of the `Transport` conformance suite: `buffered(peer)` is
 * nothing once everything arrived and `drained(peer)` resolves, also for a peer never sent to;
 * and, for a network that names a known-but-unreachable peer with its queue bound
 * (`unreachablePeer`, `queueLimit` and `queueDrops` of `ConformanceNetwork`), the queue to it never
 * exceeds its bound in frames or bytes and every message beyond it is counted as dropped.
 * `@tala-net/transport-conformance/backpressure`.
 *
 * @example
 * ```ts
 * backpressureTests({ setup: (nodes) => myNetwork(nodes) });
 * ```
 */
export function backpressureTests(options: TransportConformanceOptions): void {
  describe(options.name ?? 'Transport conformance: backpressure', () => {
    const { network, eventually, settle } = conformanceHarness(options);

    it('buffers nothing once everything arrived, and drained() resolves', async () => {
      const { net, a, b } = await network();
      for (let seq = 0; seq < 200; seq++) a.send(b.localId, ping(a.localId, seq));
      const buffered = a.buffered(b.localId);
      expect(buffered.frames).toBeGreaterThanOrEqual(0);
      expect(buffered.frames).toBeLessThanOrEqual(200);
      expect(buffered.bytes).toBeGreaterThanOrEqual(0);
      await settle(net, a.drained(b.localId), 'drained()');
      const atB = new Inbox(b);
      await eventually(net, () => atB.poll() === 200, 'the 200 messages at b');
      await eventually(net, () => a.buffered(b.localId).frames === 0, 'nothing buffered for b');
      expect(a.buffered(b.localId)).toEqual(NOTHING);
      await settle(net, a.drained(b.localId), 'drained() with nothing buffered');
    });

    it('buffers nothing for a peer never sent to, and drained() resolves at once', async () => {
      const { net, a, all } = await network();
      const maxId = all.reduce((max, t) => (t.localId > max ? t.localId : max), 0n);
      const stranger = NodeId(maxId + 1000n);
      expect(a.buffered(stranger)).toEqual(NOTHING);
      await settle(net, a.drained(stranger), 'drained() of a stranger');
      expect(a.buffered(all[1]!.localId)).toEqual(NOTHING);
    });

    it('keeps the queue to an unreachable peer within its frame bound and counts drops', async (context) => {
      const { net, a } = await network();
      const limit = net.queueLimit;
      const unreachable = net.unreachablePeer?.bind(net);
      const drops = net.queueDrops?.bind(net);
      if (limit === undefined || unreachable === undefined || drops === undefined) {
        return context.skip('the network names no unreachable peer, queue limit and drop counter');
      }
      const peer = await unreachable();
      if (peer.address !== undefined) a.addressBook.set(peer.id, peer.address);
      const before = drops();
      const sent = Math.min(limit.frames * 2 + 10, 1_000_000);
      let maxFrames = 0;
      let maxBytes = 0;
      for (let seq = 0; seq < sent; seq++) {
        a.send(peer.id, ping(a.localId, seq));
        const { frames, bytes } = a.buffered(peer.id);
        maxFrames = Math.max(maxFrames, frames);
        maxBytes = Math.max(maxBytes, bytes);
      }
      await net.deliver();
      const { frames, bytes } = a.buffered(peer.id);
      expect(Math.max(maxFrames, frames)).toBeLessThanOrEqual(limit.frames);
      expect(Math.max(maxBytes, bytes)).toBeLessThanOrEqual(limit.bytes);
      expect(drops() - before).toBeGreaterThanOrEqual(sent - limit.frames);
      expect(drops() - before).toBeLessThanOrEqual(sent);
    });

    it('keeps the queue to an unreachable peer within its byte bound and counts drops', async (context) => {
      const { net, a } = await network();
      const limit = net.queueLimit;
      const unreachable = net.unreachablePeer?.bind(net);
      const drops = net.queueDrops?.bind(net);
      if (limit === undefined || unreachable === undefined || drops === undefined) {
        return context.skip('the network names no unreachable peer, queue limit and drop counter');
      }
      let size = Math.ceil(limit.bytes / 3);
      if (net.maxFrameBytes !== undefined) {
        const overhead = encodedLength(intent(0, new Uint8Array(0))) - HEADER_BYTES;
        size = Math.min(size, net.maxFrameBytes - overhead);
      }
      if (size > MAX_BYTE_CASE_PAYLOAD || size <= 0) {
        return context.skip(`the byte bound (${limit.bytes}) does not suit this case`);
      }
      const peer = await unreachable();
      if (peer.address !== undefined) a.addressBook.set(peer.id, peer.address);
      const before = drops();
      // Each message takes more than `size` bytes of the bound: at most `fit` of them fit.
      const fit = Math.floor(limit.bytes / size);
      const sent = fit + 6;
      let maxBytes = 0;
      for (let i = 0; i < sent; i++) {
        a.send(peer.id, intent(i, new Uint8Array(size)));
        maxBytes = Math.max(maxBytes, a.buffered(peer.id).bytes);
      }
      await net.deliver();
      expect(Math.max(maxBytes, a.buffered(peer.id).bytes)).toBeLessThanOrEqual(limit.bytes);
      expect(drops() - before).toBeGreaterThanOrEqual(sent - fit);
      expect(drops() - before).toBeLessThanOrEqual(sent);
    });
  });
}
