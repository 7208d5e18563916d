import { decode, encode, encodedLength } from '@tala-net/codec';
import { type Message, NodeId, type Transport } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { InProcessNetwork, SimulatedNetwork } from '../src/index.js';

const n1 = NodeId(1);
const n2 = NodeId(2);
const n3 = NodeId(3);
const ping = (from: NodeId, seq: bigint): Message => ({ type: 'Ping', from, seq });

/** Every peer event of `transport`, as text, in order. */
function peerLog(transport: Transport): string[] {
  const log: string[] = [];
  transport.addEventListener('peer:connect', (event) => log.push(`connect ${event.peer}`));
  transport.addEventListener('peer:disconnect', (event) =>
    log.push(`disconnect ${event.peer} ${event.reason}`),
  );
  transport.addEventListener('close', () => log.push('close'));
  return log;
}

describe('SimulatedNetwork connections', () => {
  it('a graceful close reaches a peer after the messages sent before it', async () => {
    const sim = new SimulatedNetwork({ link: { latency: { kind: 'fixed', ms: 10 } } });
    const a = sim.addNode(n1);
    const b = sim.addNode(n2);
    const atB: string[] = [];
    b.addEventListener('message', (event) => atB.push(`message ${event.from}`));
    b.addEventListener('peer:disconnect', (event) => atB.push(`disconnect ${event.peer}`));
    a.send(n2, ping(n1, 1n));
    await a.close();
    sim.runFor(9);
    expect(atB).toEqual([]);
    sim.runFor(1);
    expect(atB).toEqual(['message 1', 'disconnect 1']);
  });

  it('a crash ends the connection at once; the restarted node connects anew', () => {
    const sim = new SimulatedNetwork({ link: { latency: { kind: 'fixed', ms: 10 } } });
    const a = sim.addNode(n1);
    const atA = peerLog(a);
    const b = sim.addNode(n2);
    const atB = peerLog(b);
    a.send(n2, ping(n1, 1n));
    expect(atA).toEqual(['connect 2']);
    expect(atB).toEqual(['connect 1']);
    sim.crash(n2);
    expect(atA).toEqual(['connect 2', 'disconnect 2 remote-closed']);
    expect(atB).toEqual(['connect 1', 'disconnect 1 closed', 'close']);
    const b2 = sim.restart(n2);
    const atB2 = peerLog(b2);
    b2.send(n1, ping(n2, 1n));
    expect(atA.slice(2)).toEqual(['connect 2']);
    expect(atB2).toEqual(['connect 1']);
  });

  it('a peer that restarts before its graceful end arrived: the old connection ends first', async () => {
    const sim = new SimulatedNetwork({ link: { latency: { kind: 'fixed', ms: 10 } } });
    const a = sim.addNode(n1);
    const atA = peerLog(a);
    const b = sim.addNode(n2);
    b.send(n1, ping(n2, 1n));
    await b.close();
    const b2 = sim.addNode(n2); // restarts it
    b2.send(n1, ping(n2, 2n));
    expect(atA).toEqual(['connect 2', 'disconnect 2 remote-closed', 'connect 2']);
    sim.runUntilIdle();
    // The old connection's delayed end finds it replaced and does nothing.
    expect(atA).toEqual(['connect 2', 'disconnect 2 remote-closed', 'connect 2']);
  });

  it('dial is refused across a partition, in either direction, and to a node that is down', async () => {
    const sim = new SimulatedNetwork();
    const a = sim.addNode(n1);
    sim.addNode(n2);
    sim.addNode(n3);
    const cut = sim.partitionOneWay([n2], [n1]);
    await expect(a.dial('sim:2')).rejects.toMatchObject({ code: 'Unreachable' });
    cut.heal();
    expect(await a.dial('sim:2')).toBe(n2);
    sim.crash(n3);
    await expect(a.dial('sim:3')).rejects.toMatchObject({ code: 'Unreachable' });
    await expect(a.dial('sim:4')).rejects.toMatchObject({ code: 'Unreachable' });
    await expect(a.listen('sim:9')).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('buffered counts the frames and encoded bytes in flight; drained resolves with time', async () => {
    const sim = new SimulatedNetwork({
      wire: { encode, decode },
      link: { latency: { kind: 'fixed', ms: 10 } },
    });
    const a = sim.addNode(n1);
    sim.addNode(n2);
    sim.addNode(n3);
    const message = ping(n1, 1n);
    a.send(n2, message);
    a.send(n2, message);
    a.send(n3, message);
    expect(a.buffered(n2)).toEqual({ frames: 2, bytes: 2 * encodedLength(message) });
    expect(a.buffered(n3)).toEqual({ frames: 1, bytes: encodedLength(message) });
    let drained = false;
    void a.drained(n2).then(() => {
      drained = true;
    });
    sim.runFor(9);
    await Promise.resolve();
    expect(drained).toBe(false);
    sim.runFor(1);
    await Promise.resolve();
    expect(drained).toBe(true);
    expect(a.buffered(n2)).toEqual({ frames: 0, bytes: 0 });
  });

  it('drained resolves when the receiver crashes, and rejects when its signal aborts', async () => {
    const sim = new SimulatedNetwork({ link: { latency: { kind: 'fixed', ms: 10 } } });
    const a = sim.addNode(n1);
    sim.addNode(n2);
    sim.addNode(n3);
    a.send(n2, ping(n1, 1n));
    a.send(n3, ping(n1, 1n));
    const toTwo = a.drained(n2);
    const controller = new AbortController();
    const toThree = a.drained(n3, { signal: controller.signal });
    sim.crash(n2);
    await toTwo;
    expect(a.buffered(n2)).toEqual({ frames: 0, bytes: 0 });
    controller.abort();
    await expect(toThree).rejects.toMatchObject({ code: 'Aborted' });
    expect(a.buffered(n3).frames).toBe(1);
  });

  it('keeps the same trace for the same seed with connections observed', () => {
    const run = () => {
      const sim = new SimulatedNetwork({
        seed: 5,
        trace: true,
        link: { latency: { kind: 'uniform', min: 1, max: 9 }, loss: 0.2 },
      });
      const ts = [n1, n2, n3].map((id) => sim.addNode(id));
      const logs = ts.map(peerLog);
      for (let round = 0; round < 30; round++) {
        for (const t of ts) if (!t.closed) t.broadcast(ping(t.localId, BigInt(round)));
        sim.runFor(5);
        if (round === 10) sim.crash(n3);
      }
      sim.runUntilIdle();
      return `${sim.traceText()}${logs.map((log) => log.join(',')).join('\n')}`;
    };
    expect(run()).toBe(run());
  });
});

describe('InProcessNetwork connections', () => {
  it('a connection is announced once, both sides, before its first message', () => {
    const net = new InProcessNetwork();
    const a = net.addNode(n1);
    const b = net.addNode(n2);
    const atB: string[] = [];
    b.addEventListener('peer:connect', (event) => atB.push(`connect ${event.peer}`));
    b.addEventListener('message', (event) => atB.push(`message ${event.from}`));
    const atA = peerLog(a);
    a.send(n2, ping(n1, 1n));
    a.send(n2, ping(n1, 2n));
    b.send(n1, ping(n2, 3n));
    expect(atB).toEqual(['connect 1', 'message 1', 'message 1']);
    expect(atA).toEqual(['connect 2']);
    expect(a.buffered(n2)).toEqual({ frames: 0, bytes: 0 });
  });

  it('traffic nobody watched is announced at the next message once someone listens', () => {
    const net = new InProcessNetwork();
    const a = net.addNode(n1);
    net.addNode(n2);
    a.send(n2, ping(n1, 1n));
    const atA = peerLog(a);
    expect(atA).toEqual([]);
    a.send(n2, ping(n1, 2n));
    expect(atA).toEqual(['connect 2']);
  });

  it('closing ends every connection: remote-closed at the peers, closed at the closer', async () => {
    const net = new InProcessNetwork();
    const a = net.addNode(n1);
    const b = net.addNode(n2);
    const c = net.addNode(n3);
    const logs = [a, b, c].map(peerLog);
    expect(await c.dial('inproc:1')).toBe(n1);
    b.send(n1, ping(n2, 1n));
    await a.close();
    expect(logs[0]).toEqual([
      'connect 3',
      'connect 2',
      'disconnect 2 closed',
      'disconnect 3 closed',
      'close',
    ]);
    expect(logs[1]).toEqual(['connect 1', 'disconnect 1 remote-closed']);
    expect(logs[2]).toEqual(['connect 1', 'disconnect 1 remote-closed']);
    // A new transport with the same id is a new peer: a new connection.
    const a2 = net.addNode(n1);
    a2.send(n2, ping(n1, 2n));
    expect(logs[1]).toEqual(['connect 1', 'disconnect 1 remote-closed', 'connect 1']);
  });
});
