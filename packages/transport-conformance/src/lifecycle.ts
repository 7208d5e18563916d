import { describe, expect, it } from 'vitest';
import { conformanceHarness, Inbox, ping, seqOf } from './conformance-harness.js';
import type { TransportConformanceOptions } from './conformance-network.js';
import { recordEvents } from './peer-events.js';

/**
 * Registers the lifecycle cases of the `Transport` conformance suite: `close()` is async and
 * idempotent (`closed` at once, one `close` event, every call's promise settles), flushes what
 * was sent before it, and nothing is dispatched after its `close` event, whatever the peers do.
 * `@tala-net/transport-conformance/lifecycle`.
 *
 * @example
 * ```ts
 * lifecycleTests({ setup: (nodes) => myNetwork(nodes) });
 * ```
 */
export function lifecycleTests(options: TransportConformanceOptions): void {
  describe(options.name ?? 'Transport conformance: lifecycle', () => {
    const { network, eventually, settle } = conformanceHarness(options);

    it('closes asynchronously and idempotently: closed at once, one close event', async () => {
      const { net, b } = await network();
      let closeEvents = 0;
      b.addEventListener('close', () => closeEvents++);
      const first = b.close();
      expect(b.closed).toBe(true);
      expect(typeof first.then).toBe('function');
      const second = b.close();
      expect(typeof second.then).toBe('function');
      await settle(net, first, 'the first close()');
      await settle(net, second, 'the second close()');
      await eventually(net, () => closeEvents > 0, 'the close event');
      await settle(net, b.close(), 'a close() after the transport closed');
      await net.deliver();
      expect(closeEvents).toBe(1);
      expect(b.closed).toBe(true);
    });

    it('flushes on close: what was sent right before close() still arrives, in order', async () => {
      const { net, a, b } = await network();
      for (let seq = 0; seq < 50; seq++) a.send(b.localId, ping(a.localId, seq));
      const closing = a.close();
      const atB = new Inbox(b);
      await settle(net, closing, 'close()');
      await eventually(net, () => atB.poll() >= 50, 'the 50 messages at b');
      expect(atB.messages.map(([from, m]) => [from, seqOf(m)])).toEqual(
        Array.from({ length: 50 }, (_, seq) => [a.localId, seq]),
      );
    });

    it('dispatches nothing after its close event, whatever the peers do', async () => {
      const { net, a, b, c } = await network();
      const atB = recordEvents(b);
      a.send(b.localId, ping(a.localId, 1));
      c.send(b.localId, ping(c.localId, 1));
      await eventually(
        net,
        () => atB.filter((e) => e.type === 'message').length === 2,
        'two messages at b',
      );
      const addressB = await b.listen();
      await settle(net, b.close(), 'close()');
      await eventually(net, () => atB.some((e) => e.type === 'close'), 'the close event');
      const atClose = atB.length;
      expect(atB[atClose - 1]).toEqual({ type: 'close' });

      // The peers keep sending, broadcasting and dialling: b hears nothing of it.
      a.send(b.localId, ping(a.localId, 2));
      a.broadcast(ping(a.localId, 3));
      c.send(b.localId, ping(c.localId, 4));
      await expect(c.dial(addressB)).rejects.toMatchObject({ code: 'Unreachable' });
      const atC = new Inbox(c);
      await eventually(net, () => atC.poll() >= 1, "a's broadcast at c");
      await net.deliver();
      expect(atB.length).toBe(atClose);
      expect(b.recv()).toBeUndefined();
    });
  });
}
