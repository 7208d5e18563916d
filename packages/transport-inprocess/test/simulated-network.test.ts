import { type Message, NodeId, TalaError, type TransportMessageEvent } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { SimulatedNetwork, simulateCluster } from '../src/index.js';

const ping = (from: number, seq: number): Message => ({
  type: 'Ping',
  from: NodeId(from),
  seq: BigInt(seq),
});
const seqOf = (message: Message | undefined): number =>
  Number((message as { seq: bigint } | undefined)?.seq ?? -1n);

function drain(sim: SimulatedNetwork, id: number): number[] {
  const seqs: number[] = [];
  const transport = sim.transport(NodeId(id));
  for (let entry = transport.recv(); entry; entry = transport.recv()) seqs.push(seqOf(entry[1]));
  return seqs;
}

describe('SimulatedNetwork basics', () => {
  it('delivers after the link latency, on virtual time only', () => {
    const sim = new SimulatedNetwork({ link: { latency: { kind: 'fixed', ms: 5 } } });
    const a = sim.addNode(NodeId(1));
    const b = sim.addNode(NodeId(2));
    a.send(NodeId(2), ping(1, 1));
    expect(b.recv()).toBeUndefined();
    expect(sim.stats.inFlight).toBe(1);
    sim.runFor(4.9);
    expect(b.recv()).toBeUndefined();
    sim.runFor(0.1);
    expect(b.recv()).toEqual([NodeId(1), ping(1, 1)]);
    expect(sim.stats).toMatchObject({ sent: 1, delivered: 1, inFlight: 0 });
  });

  it('dispatches message events from the run loop', () => {
    const { sim, transports } = simulateCluster({ nodes: 2 });
    const [a, b] = transports as [(typeof transports)[0], (typeof transports)[0]];
    const seen: [bigint, number, number][] = [];
    b.addEventListener('message', (event: TransportMessageEvent) => {
      seen.push([event.from, seqOf(event.message), sim.now()]);
      if (seqOf(event.message) < 3) b.send(NodeId(1), ping(2, seqOf(event.message) + 1));
    });
    a.addEventListener('message', (event: TransportMessageEvent) => {
      a.send(NodeId(2), ping(1, seqOf(event.message) + 1));
    });
    a.send(NodeId(2), ping(1, 0));
    sim.runUntilIdle();
    expect(seen).toEqual([
      [NodeId(1), 0, 1],
      [NodeId(1), 2, 3],
      [NodeId(1), 4, 5],
    ]);
  });

  it('refuses a running duplicate id and unknown ids', () => {
    const sim = new SimulatedNetwork();
    sim.addNode(NodeId(1));
    expect(() => sim.addNode(NodeId(1))).toThrow(TalaError);
    expect(() => sim.crash(NodeId(9))).toThrow(TalaError);
    expect(() => sim.clockFor(NodeId(9))).toThrow(TalaError);
    expect(() => new SimulatedNetwork({ link: { loss: 2 } })).toThrow(TalaError);
  });

  it('drops to unknown peers and counts them', () => {
    const sim = new SimulatedNetwork();
    const a = sim.addNode(NodeId(1));
    expect(() => a.send(NodeId(42), ping(1, 1))).not.toThrow();
    expect(sim.stats.dropped).toEqual({
      loss: 0,
      partition: 0,
      crashed: 0,
      unknown: 1,
      corrupt: 0,
      closed: 0,
      total: 1,
    });
  });

  it('crash discards in-flight deliveries, cancels timers; restart gives a fresh node', () => {
    const sim = new SimulatedNetwork({ link: { latency: { kind: 'fixed', ms: 10 } } });
    const a = sim.addNode(NodeId(1));
    const b = sim.addNode(NodeId(2));
    let timerRan = false;
    sim.clockFor(NodeId(2)).setTimer(5, () => {
      timerRan = true;
    });
    a.send(NodeId(2), ping(1, 1));
    b.send(NodeId(1), ping(2, 1));
    sim.runFor(2);
    sim.crash(NodeId(2));
    expect(b.closed).toBe(true);
    expect(sim.isUp(NodeId(2))).toBe(false);
    expect(sim.stats.dropped.crashed).toBe(1);
    a.send(NodeId(2), ping(1, 2));
    expect(sim.stats.dropped.crashed).toBe(2);
    sim.runFor(20);
    expect(timerRan).toBe(false);
    // What node 2 sent before crashing is dropped when it arrives.
    expect(drain(sim, 1)).toEqual([]);
    expect(sim.stats.dropped.crashed).toBe(3);

    const b2 = sim.restart(NodeId(2));
    expect(b2).not.toBe(b);
    expect(sim.transport(NodeId(2))).toBe(b2);
    expect(sim.clockFor(NodeId(2)).stopped).toBe(false);
    a.send(NodeId(2), ping(1, 3));
    sim.runFor(10);
    expect(drain(sim, 2)).toEqual([3]);
    expect(b.recv()).toBeUndefined();
    const { sent, delivered, dropped, inFlight, duplicated, queued } = sim.stats;
    expect(sent + duplicated).toBe(delivered + dropped.total + inFlight + queued);
  });
});
