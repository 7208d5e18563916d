import { type Message, NodeId, type TransportMessageEvent } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InProcessNetwork, type InProcessTransport, SimulatedNetwork } from '../src/index.js';

const ping = (from: NodeId, seq: number): Message => ({ type: 'Ping', from, seq: BigInt(seq) });
const NODES = 4;
const ids = Array.from({ length: NODES }, (_, i) => NodeId(i + 1));

describe('honest counters: the reproduction of issue 16', () => {
  it('InProcessNetwork: 1 dispatched + 10 dropped by close() are not 11 delivered', () => {
    const net = new InProcessNetwork();
    const a = net.addNode(NodeId(1));
    const b = net.addNode(NodeId(2));
    let dispatched = 0;
    const listener = () => dispatched++;
    b.addEventListener('message', listener);
    a.send(NodeId(2), ping(NodeId(1), 0));
    b.removeEventListener('message', listener);
    for (let seq = 1; seq <= 10; seq++) a.send(NodeId(2), ping(NodeId(1), seq));
    expect(net.stats).toMatchObject({ sent: 11, delivered: 1, queued: 10 });
    b.close();
    expect(dispatched).toBe(1);
    expect(net.stats).toEqual({
      sent: 11,
      delivered: 1,
      dropped: { unknown: 0, closed: 10, total: 10 },
      queued: 0,
    });
  });

  it('SimulatedNetwork in recv() mode: only what recv() returned is delivered', () => {
    const sim = new SimulatedNetwork({ seed: 3, trace: true });
    const a = sim.addNode(NodeId(1));
    const b = sim.addNode(NodeId(2));
    for (let seq = 0; seq < 11; seq++) a.send(NodeId(2), ping(NodeId(1), seq));
    sim.runUntilIdle();
    expect(sim.stats).toMatchObject({ sent: 11, delivered: 0, queued: 11, inFlight: 0 });
    expect(b.recv()?.[1]).toEqual(ping(NodeId(1), 0));
    b.close();
    expect(sim.stats).toMatchObject({ sent: 11, delivered: 1, queued: 0, inFlight: 0 });
    expect(sim.stats.dropped).toMatchObject({ closed: 10, total: 10 });
    const lines = sim.traceText().split('\n');
    expect(lines.filter((line) => line.endsWith('deliver 1->2 Ping'))).toHaveLength(1);
    // The node goes down, then the ten messages in its queue are dropped.
    expect(lines.slice(-11, -1)).toEqual(new Array(10).fill('1 drop 1->2 Ping closed'));
    expect(lines.at(-12)).toBe('1 close 2');
  });

  it('SimulatedNetwork: a crash drops what waits in the queue as closed, in flight as crashed', () => {
    const sim = new SimulatedNetwork({ seed: 4, link: { latency: { kind: 'fixed', ms: 10 } } });
    const a = sim.addNode(NodeId(1));
    sim.addNode(NodeId(2));
    a.send(NodeId(2), ping(NodeId(1), 0));
    sim.runFor(10);
    a.send(NodeId(2), ping(NodeId(1), 1));
    sim.crash(NodeId(2));
    expect(sim.stats).toMatchObject({ sent: 2, delivered: 0, queued: 0, inFlight: 0 });
    expect(sim.stats.dropped).toMatchObject({ closed: 1, crashed: 1, total: 2 });
  });
});

/** What an application does to the network, one step of a random interleaving. */
type Step =
  | { readonly op: 'send'; readonly from: number; readonly to: number }
  | { readonly op: 'broadcast'; readonly from: number }
  | { readonly op: 'recv'; readonly node: number }
  | { readonly op: 'listen'; readonly node: number; readonly mode: ListenerMode }
  | { readonly op: 'unlisten'; readonly node: number }
  | { readonly op: 'close'; readonly node: number }
  | { readonly op: 'reopen'; readonly node: number }
  | { readonly op: 'crash'; readonly node: number }
  | { readonly op: 'run'; readonly ms: number };

/**
 * `count` just counts; `reply` answers a Ping with a Pong from inside the listener; `once` detaches
 * after one message; `close` closes its own transport on the first message, with messages
 * possibly still queued behind it.
 */
type ListenerMode = 'count' | 'reply' | 'once' | 'close';

const node = fc.nat(NODES - 1);
const steps = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('send'), from: node, to: fc.nat(NODES) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('broadcast'), from: node }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('recv'), node }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('listen'),
        node,
        mode: fc.constantFrom<ListenerMode>('count', 'reply', 'once', 'close'),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('unlisten'), node }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('close'), node }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen'), node }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('crash'), node }) },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('run'), ms: fc.integer({ min: 0, max: 8 }) }),
    },
  ) as fc.Arbitrary<Step>,
  { maxLength: 40 },
);

/** The two networks behind one face: what the property drives and reads. */
interface Subject {
  open(index: number): InProcessTransport;
  /** Crashes the node (the in-process network has no crash: its transport closes). */
  crash(index: number, transport: InProcessTransport): void;
  run(ms: number): void;
  /** `sent + duplicated` and `delivered + dropped.total + inFlight + queued`. */
  balance(): { readonly in: number; readonly out: number };
  readonly delivered: number;
  readonly queued: number;
}

function inProcessSubject(): Subject {
  const net = new InProcessNetwork();
  return {
    open: (index) => net.addNode(ids[index]!),
    crash: (_, transport) => transport.close(),
    run: () => {},
    balance: () => {
      const { sent, delivered, dropped, queued } = net.stats;
      return { in: sent, out: delivered + dropped.total + queued };
    },
    get delivered() {
      return net.stats.delivered;
    },
    get queued() {
      return net.stats.queued;
    },
  };
}

function simulatedSubject(seed: number): Subject & { readonly sim: SimulatedNetwork } {
  const sim = new SimulatedNetwork({
    seed,
    trace: true,
    link: { latency: { kind: 'uniform', min: 0, max: 5 }, loss: 0.1, duplicate: 0.2 },
  });
  return {
    sim,
    open: (index) => sim.addNode(ids[index]!),
    crash: (index) => sim.crash(ids[index]!),
    run: (ms) => void sim.runFor(ms),
    balance: () => {
      const { sent, duplicated, delivered, dropped, inFlight, queued } = sim.stats;
      return { in: sent + duplicated, out: delivered + dropped.total + inFlight + queued };
    },
    get delivered() {
      return sim.stats.delivered;
    },
    get queued() {
      return sim.stats.queued;
    },
  };
}

/** Plays `plan` as an application would, counting every message the application received. */
class Application {
  received = 0;
  private seq = 0;
  private readonly transports: InProcessTransport[];
  private readonly listeners = new Map<number, (event: TransportMessageEvent) => void>();

  constructor(private readonly subject: Subject) {
    this.transports = ids.map((_, index) => subject.open(index));
  }

  play(step: Step): void {
    const transport = 'node' in step ? this.transports[step.node]! : undefined;
    switch (step.op) {
      case 'send':
        this.transports[step.from]!.send(NodeId(step.to + 1), this.next(step.from));
        return;
      case 'broadcast':
        this.transports[step.from]!.broadcast(this.next(step.from));
        return;
      case 'recv':
        if (transport!.recv() !== undefined) this.received++;
        return;
      case 'listen':
        this.listen(step.node, step.mode);
        return;
      case 'unlisten':
        this.unlisten(step.node);
        return;
      case 'close':
        transport!.close();
        return;
      case 'reopen':
        if (transport!.closed) this.reopen(step.node);
        return;
      case 'crash':
        this.subject.crash(step.node, transport!);
        return;
      case 'run':
        this.subject.run(step.ms);
        return;
    }
  }

  /** Takes every queued message, then closes every transport. */
  finish(): void {
    for (const transport of this.transports) {
      while (transport.recv() !== undefined) this.received++;
      transport.close();
    }
  }

  private next(from: number): Message {
    return ping(ids[from]!, this.seq++);
  }

  private reopen(index: number): void {
    this.listeners.delete(index);
    this.transports[index] = this.subject.open(index);
  }

  private listen(index: number, mode: ListenerMode): void {
    if (this.listeners.has(index)) return;
    const transport = this.transports[index]!;
    const listener = (event: TransportMessageEvent) => {
      this.received++;
      // A Pong answers a Ping and is never answered: no endless ping-pong.
      if (mode === 'reply' && event.message.type === 'Ping') {
        transport.send(event.from, { type: 'Pong', from: ids[index]!, seq: 0n });
      }
      if (mode === 'close') transport.close();
      if (mode === 'once') this.listeners.delete(index);
    };
    this.listeners.set(index, listener);
    transport.addEventListener('message', listener, { once: mode === 'once' });
  }

  private unlisten(index: number): void {
    const listener = this.listeners.get(index);
    if (listener === undefined) return;
    this.listeners.delete(index);
    this.transports[index]!.removeEventListener('message', listener);
  }
}

function expectHonest(subject: Subject, app: Application): void {
  const { in: accounted, out } = subject.balance();
  expect(out).toBe(accounted);
  expect(subject.delivered).toBe(app.received);
}

describe('honest counters over random interleavings (property)', () => {
  it('InProcessNetwork counts every message once, and delivered is what the application got', () => {
    fc.assert(
      fc.property(steps, (plan) => {
        const subject = inProcessSubject();
        const app = new Application(subject);
        for (const step of plan) {
          app.play(step);
          expectHonest(subject, app);
        }
        app.finish();
        expectHonest(subject, app);
        expect(subject.queued).toBe(0);
      }),
      { seed: 1016, numRuns: 300 },
    );
  });

  it('SimulatedNetwork counts every message once, and delivered is what the application got', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), steps, (seed, plan) => {
        const subject = simulatedSubject(seed);
        const app = new Application(subject);
        for (const step of plan) {
          app.play(step);
          expectHonest(subject, app);
        }
        subject.sim.runUntilIdle();
        app.finish();
        expectHonest(subject, app);
        const { queued, inFlight, dropped } = subject.sim.stats;
        expect({ queued, inFlight }).toEqual({ queued: 0, inFlight: 0 });
        // The trace tells the same story as the counters.
        const trace = subject.sim.trace;
        expect(trace.filter((event) => event.kind === 'deliver')).toHaveLength(app.received);
        expect(trace.filter((event) => event.cause === 'closed')).toHaveLength(dropped.closed);
      }),
      { seed: 1017, numRuns: 300 },
    );
  });
});
