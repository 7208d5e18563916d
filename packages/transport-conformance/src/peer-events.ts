import type { NodeId, Transport } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { conformanceHarness, Inbox, ping } from './conformance-harness.js';
import type { TransportConformanceOptions } from './conformance-network.js';

/** One event a transport dispatched, as the peer-event tests record it. */
export interface RecordedEvent {
  readonly type: string;
  /** The peer of a `peer:connect` / `peer:disconnect`, the sender of a `message`. */
  readonly peer?: NodeId;
  /** The reason of a `peer:disconnect`. */
  readonly reason?: string;
}

/**
 * Records every `message`, `peer:connect`, `peer:disconnect` and `close` event of `transport`,
 * in order (by event type and fields, not by class: a duplicate install of `@tala-net/types`
 * must not fail a check).
 */
export function recordEvents(transport: Transport): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  transport.addEventListener('message', (event) => {
    events.push({ type: 'message', peer: event.from });
  });
  transport.addEventListener('peer:connect', (event) => {
    events.push({ type: 'peer:connect', peer: event.peer });
  });
  transport.addEventListener('peer:disconnect', (event) => {
    events.push({ type: 'peer:disconnect', peer: event.peer, reason: event.reason });
  });
  transport.addEventListener('close', () => {
    events.push({ type: 'close' });
  });
  return events;
}

const count = (events: readonly RecordedEvent[], type: string, peer?: NodeId) =>
  events.filter((e) => e.type === type && (peer === undefined || e.peer === peer)).length;

/**
 * Registers the peer-event cases of the `Transport` conformance suite: `peer:connect` on both
 * sides with the right ids, once per connection and before the connection's first message,
 * whether the connection was opened by `send` or by `dial`; closing one side gives the other a
 * `peer:disconnect` (`remote-closed`) and the closer one (`closed`) before its `close` event.
 * `@tala-net/transport-conformance/peer-events`.
 *
 * @example
 * ```ts
 * peerEventTests({ setup: (nodes) => myNetwork(nodes) });
 * ```
 */
export function peerEventTests(options: TransportConformanceOptions): void {
  describe(options.name ?? 'Transport conformance: peer events', () => {
    const { network, eventually } = conformanceHarness(options);

    it('sending opens a connection: peer:connect on both sides, once, before its first message', async () => {
      const { net, a, b, c } = await network();
      const atA = recordEvents(a);
      const atB = recordEvents(b);
      const atC = recordEvents(c);
      for (let seq = 0; seq < 3; seq++) a.send(b.localId, ping(a.localId, seq));
      await eventually(
        net,
        () => count(atB, 'message') === 3 && count(atA, 'peer:connect') >= 1,
        'three messages at b and peer:connect at a',
      );
      a.send(b.localId, ping(a.localId, 3));
      await eventually(net, () => count(atB, 'message') === 4, 'a fourth message at b');
      expect(count(atA, 'peer:connect')).toBe(1);
      expect(count(atA, 'peer:connect', b.localId)).toBe(1);
      expect(count(atB, 'peer:connect')).toBe(1);
      expect(atB[0]).toEqual({ type: 'peer:connect', peer: a.localId });
      expect(count(atC, 'peer:connect')).toBe(0);
      expect(count(atA, 'peer:disconnect') + count(atB, 'peer:disconnect')).toBe(0);
    });

    it('dialling opens a connection: peer:connect on both sides with the right ids', async () => {
      const { net, a, b } = await network();
      const atA = recordEvents(a);
      const atB = recordEvents(b);
      expect(await a.dial(await b.listen())).toBe(b.localId);
      await eventually(
        net,
        () => count(atA, 'peer:connect') >= 1 && count(atB, 'peer:connect') >= 1,
        'peer:connect on both sides',
      );
      // Sending over the dialled connection opens no other one.
      a.send(b.localId, ping(a.localId, 1));
      b.send(a.localId, ping(b.localId, 2));
      await eventually(
        net,
        () => count(atA, 'message') === 1 && count(atB, 'message') === 1,
        'a message each way',
      );
      expect(atA.filter((e) => e.type === 'peer:connect')).toEqual([
        { type: 'peer:connect', peer: b.localId },
      ]);
      expect(atB.filter((e) => e.type === 'peer:connect')).toEqual([
        { type: 'peer:connect', peer: a.localId },
      ]);
    });

    it('closing one side: the other gets peer:disconnect (remote-closed), the closer (closed) before close', async () => {
      const { net, a, b } = await network();
      const atA = recordEvents(a);
      const atB = recordEvents(b);
      a.send(b.localId, ping(a.localId, 1));
      await eventually(
        net,
        () => count(atA, 'peer:connect') === 1 && count(atB, 'message') === 1,
        'the connection and its message',
      );
      await b.close();
      await eventually(net, () => count(atA, 'peer:disconnect') >= 1, 'peer:disconnect at a');
      expect(atA.filter((e) => e.type === 'peer:disconnect')).toEqual([
        { type: 'peer:disconnect', peer: b.localId, reason: 'remote-closed' },
      ]);
      await eventually(net, () => count(atB, 'close') === 1, 'close at b');
      expect(atB.slice(-2)).toEqual([
        { type: 'peer:disconnect', peer: a.localId, reason: 'closed' },
        { type: 'close' },
      ]);
      expect(a.closed).toBe(false);
    });

    it('a message sent after a peer closed is dropped without an event or an exception', async () => {
      const { net, a, b, c } = await network();
      const atA = recordEvents(a);
      a.send(b.localId, ping(a.localId, 1));
      await eventually(net, () => count(atA, 'peer:connect') === 1, 'peer:connect at a');
      await b.close();
      await eventually(net, () => count(atA, 'peer:disconnect') === 1, 'peer:disconnect at a');
      expect(() => a.send(b.localId, ping(a.localId, 2))).not.toThrow();
      // a still reaches the others.
      a.send(c.localId, ping(a.localId, 3));
      const atC = new Inbox(c);
      await eventually(net, () => atC.poll() === 1, 'the message at c');
      expect(b.recv()).toBeUndefined();
    });
  });
}
