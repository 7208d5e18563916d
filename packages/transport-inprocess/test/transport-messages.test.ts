import { type Message, NodeId, type PeerId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { InProcessNetwork, SimulatedNetwork, transportMessages } from '../src/index.js';

const ping = (seq: number): Message => ({ type: 'Ping', from: NodeId(1), seq: BigInt(seq) });

describe('transportMessages', () => {
  it('yields received messages in order, buffering until consumed', async () => {
    const net = new InProcessNetwork();
    const a = net.addNode(NodeId(1));
    const b = net.addNode(NodeId(2));
    const messages = transportMessages(b);
    for (let seq = 0; seq < 3; seq++) a.send(NodeId(2), ping(seq));
    expect(b.recv()).toBeUndefined();
    const seen: [PeerId, Message][] = [];
    for await (const entry of messages) {
      seen.push(entry);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2].map((seq) => [NodeId(1), ping(seq)]));
    // After break the listener is gone: messages queue for recv() again.
    a.send(NodeId(2), ping(3));
    expect(b.recv()).toEqual([NodeId(1), ping(3)]);
  });

  it('waits for messages delivered later by a simulation, and ends on abort', async () => {
    const sim = new SimulatedNetwork({ link: { latency: { kind: 'fixed', ms: 10 } } });
    const a = sim.addNode(NodeId(1));
    const b = sim.addNode(NodeId(2));
    const controller = new AbortController();
    const messages = transportMessages(b, { signal: controller.signal });
    const first = messages.next();
    a.send(NodeId(2), ping(0));
    a.send(NodeId(2), ping(1));
    sim.runFor(10);
    expect((await first).value).toEqual([NodeId(1), ping(0)]);
    controller.abort();
    expect((await messages.next()).value).toEqual([NodeId(1), ping(1)]);
    expect((await messages.next()).done).toBe(true);
    a.send(NodeId(2), ping(2));
    sim.runFor(10);
    expect(b.recv()).toEqual([NodeId(1), ping(2)]);
  });

  it('ends at once with an already aborted signal', async () => {
    const net = new InProcessNetwork();
    const b = net.addNode(NodeId(2));
    const messages = transportMessages(b, { signal: AbortSignal.abort() });
    expect((await messages.next()).done).toBe(true);
    expect(b.hasMessageListeners).toBe(false);
  });

  it('ends a pending next() when aborted', async () => {
    const net = new InProcessNetwork();
    const b = net.addNode(NodeId(2));
    const controller = new AbortController();
    const pending = transportMessages(b, { signal: controller.signal }).next();
    controller.abort();
    expect((await pending).done).toBe(true);
  });

  it('starts with the messages queued before it was created', async () => {
    const net = new InProcessNetwork();
    const a = net.addNode(NodeId(1));
    const b = net.addNode(NodeId(2));
    a.send(NodeId(2), ping(0));
    a.send(NodeId(2), ping(1));
    const messages = transportMessages(b);
    expect(b.queued).toBe(0);
    a.send(NodeId(2), ping(2));
    const seen: number[] = [];
    for await (const [, message] of messages) {
      seen.push(Number((message as { seq: bigint }).seq));
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
  });

  it('ends when the transport closes, after what it already buffered', async () => {
    const net = new InProcessNetwork();
    const a = net.addNode(NodeId(1));
    const b = net.addNode(NodeId(2));
    const messages = transportMessages(b);
    const pending = messages.next();
    a.send(NodeId(2), ping(0));
    a.send(NodeId(2), ping(1));
    b.close();
    expect((await pending).value).toEqual([NodeId(1), ping(0)]);
    expect((await messages.next()).value).toEqual([NodeId(1), ping(1)]);
    expect((await messages.next()).done).toBe(true);
    expect(b.hasMessageListeners).toBe(false);
    expect(b.listenerCount('close')).toBe(0);
  });

  it('ends a pending next() when the transport closes', async () => {
    const net = new InProcessNetwork();
    const b = net.addNode(NodeId(2));
    const pending = transportMessages(b).next();
    b.close();
    expect((await pending).done).toBe(true);
  });

  it('ends at once on a closed transport', async () => {
    const net = new InProcessNetwork();
    const b = net.addNode(NodeId(2));
    b.close();
    expect((await transportMessages(b).next()).done).toBe(true);
    expect(b.hasMessageListeners).toBe(false);
  });

  it('ends when the simulated node crashes or restarts', async () => {
    const sim = new SimulatedNetwork();
    sim.addNode(NodeId(1));
    const b = sim.addNode(NodeId(2));
    const crashed = transportMessages(b).next();
    sim.crash(NodeId(2));
    expect((await crashed).done).toBe(true);
    const b2 = sim.restart(NodeId(2));
    const restarted = transportMessages(b2).next();
    sim.restart(NodeId(2));
    expect((await restarted).done).toBe(true);
  });
});
