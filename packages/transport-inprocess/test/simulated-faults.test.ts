import { decode, encode, encodedLength } from '@tala-net/codec';
import { type Message, NodeId, type PeerId, TalaError } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type LinkOptions,
  SimulatedNetwork,
  type SimulatedNetworkOptions,
  simulateCluster,
  withSeed,
} from '../src/index.js';

const ping = (from: number, seq: number): Message => ({
  type: 'Ping',
  from: NodeId(from),
  seq: BigInt(seq),
});
const seqOf = (message: Message): number => Number((message as { seq: bigint }).seq);

/** Records (time, from, seq) of every message node `id` receives. */
function record(sim: SimulatedNetwork, id: number): [number, PeerId, number][] {
  const seen: [number, PeerId, number][] = [];
  sim.transport(NodeId(id)).addEventListener('message', (event) => {
    seen.push([sim.now(), event.from, seqOf(event.message)]);
  });
  return seen;
}

function inversions(seqs: number[]): number {
  let count = 0;
  for (let i = 1; i < seqs.length; i++) if (seqs[i]! < seqs[i - 1]!) count++;
  return count;
}

function expectBalanced(sim: SimulatedNetwork): void {
  const { sent, duplicated, delivered, dropped, inFlight, queued } = sim.stats;
  expect(sent + duplicated).toBe(delivered + dropped.total + inFlight + queued);
}

/** Takes every message queued at the running nodes (as an application calling `recv()`). */
function drainAll(sim: SimulatedNetwork): void {
  for (const id of sim.liveNodeIds()) {
    const transport = sim.transport(id);
    while (transport.recv() !== undefined) {}
  }
}

/** A scenario touching every fault; returns its trace. */
function chaos(seed: number, extra: SimulatedNetworkOptions = {}): SimulatedNetwork {
  const { sim, ids } = simulateCluster({
    nodes: 6,
    seed,
    trace: true,
    link: {
      latency: { kind: 'normal', mean: 5, stddev: 2 },
      jitter: 2,
      loss: 0.1,
      duplicate: 0.1,
      reorder: 0.2,
    },
    ...extra,
  });
  sim.setLink(ids[0]!, ids[1]!, { latency: { kind: 'uniform', min: 20, max: 40 } });
  let seq = 0;
  sim.runRounds(60, 10, (round) => {
    // Every other round the nodes take their messages, so some still wait when a node crashes.
    if (round % 2 === 0) drainAll(sim);
    for (const id of sim.liveNodeIds()) {
      const peer = ids[sim.random.nextInt(ids.length)]!;
      sim.transport(id).send(peer, ping(Number(id), seq++));
      if (round % 7 === 0) sim.transport(id).broadcast(ping(Number(id), seq++));
    }
    if (round === 10) sim.crash(ids[2]!);
    if (round === 20) sim.partition(ids.slice(0, 2), ids.slice(3, 5));
    if (round === 30) sim.partitionOneWay([ids[5]!], [ids[0]!]);
    if (round === 35) sim.restart(ids[2]!);
    if (round === 45) sim.heal();
  });
  sim.runUntilIdle();
  return sim;
}

describe('determinism', () => {
  it('gives the same trace, byte for byte, for the same seed', () => {
    const first = chaos(1234);
    const second = chaos(1234);
    expect(first.trace.length).toBeGreaterThan(500);
    expect(second.traceText()).toBe(first.traceText());
    expect(second.stats).toEqual(first.stats);
    for (const kind of ['send', 'deliver', 'drop', 'duplicate', 'crash', 'restart', 'heal']) {
      expect(first.trace.some((event) => event.kind === kind)).toBe(true);
    }
    expectBalanced(first);
  });

  it('gives different traces for different seeds', () => {
    const traces = new Set([1, 2, 3, 4].map((seed) => chaos(seed).traceText()));
    expect(traces.size).toBe(4);
  });

  it('is deterministic through the codec too, with real byte counts', () => {
    const first = chaos(77, { wire: { encode, decode } });
    const second = chaos(77, { wire: { encode, decode } });
    expect(second.traceText()).toBe(first.traceText());
    expect(first.stats.bytes).toBeGreaterThan(0);
    expect(second.stats.bytes).toBe(first.stats.bytes);
    expectBalanced(first);
  });

  it('keeps the counters balanced after any sequence of faults (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), operations, (seed, ops) => {
        const sim = replay(seed, ops, false, expectBalanced);
        expectBalanced(sim);
        expect(sim.stats.inFlight).toBe(0);
      }),
      { seed: 44, numRuns: 100 },
    );
  });

  it('replays any sequence of faults identically from its seed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), operations, (seed, ops) => {
        const first = replay(seed, ops, true);
        const second = replay(seed, ops, true);
        expect(second.traceText()).toBe(first.traceText());
        expect(second.stats).toEqual(first.stats);
      }),
      { seed: 45, numRuns: 50 },
    );
  });
});

const operations = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('send' as const), from: fc.nat(4), to: fc.nat(5) }),
    fc.record({ op: fc.constant('broadcast' as const), from: fc.nat(4) }),
    fc.record({ op: fc.constant('crash' as const), node: fc.nat(4) }),
    fc.record({ op: fc.constant('restart' as const), node: fc.nat(4) }),
    fc.record({ op: fc.constant('partition' as const), split: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ op: fc.constant('heal' as const) }),
    fc.record({ op: fc.constant('run' as const), ms: fc.integer({ min: 0, max: 30 }) }),
  ),
  { maxLength: 60 },
);

type OperationList = typeof operations extends fc.Arbitrary<infer T> ? T : never;

/** Runs `ops` on a fresh faulty 5-node network, calling `check` after each, then until idle. */
function replay(
  seed: number,
  ops: OperationList,
  trace: boolean,
  check: (sim: SimulatedNetwork) => void = () => {},
): SimulatedNetwork {
  const { sim, ids } = simulateCluster({
    nodes: 5,
    seed,
    trace,
    link: {
      latency: { kind: 'uniform', min: 0, max: 20 },
      loss: 0.2,
      duplicate: 0.2,
      reorder: 0.2,
    },
  });
  for (const op of ops) {
    if (op.op === 'send') {
      sim.transport(ids[op.from]!).send(NodeId(op.to + 1), ping(op.from + 1, 0));
    } else if (op.op === 'broadcast') {
      sim.transport(ids[op.from]!).broadcast(ping(op.from + 1, 0));
    } else if (op.op === 'crash') sim.crash(ids[op.node]!);
    else if (op.op === 'restart') sim.restart(ids[op.node]!);
    else if (op.op === 'partition') sim.partition(ids.slice(0, op.split), ids.slice(op.split));
    else if (op.op === 'heal') sim.heal();
    else sim.runFor(op.ms);
    check(sim);
  }
  sim.runUntilIdle();
  return sim;
}

describe('latency', () => {
  function sendMany(link: LinkOptions, count = 2_000) {
    const { sim } = simulateCluster({ nodes: 2, seed: 5, link });
    const seen = record(sim, 2);
    const sentAt: number[] = [];
    sim.runRounds(count, 1, () => {
      sentAt.push(sim.now());
      sim.transport(NodeId(1)).send(NodeId(2), ping(1, sentAt.length - 1));
    });
    sim.runUntilIdle();
    const delays = seen.map(([time, , seq]) => time - sentAt[seq]!);
    return { sim, seen, delays };
  }

  it('fixed latency delivers after exactly that many ms', () => {
    const { delays } = sendMany({ latency: { kind: 'fixed', ms: 7 } }, 100);
    expect(new Set(delays)).toEqual(new Set([7]));
  });

  it('uniform latency stays in range and spreads; FIFO holds without reordering', () => {
    const { seen, delays } = sendMany({ latency: { kind: 'uniform', min: 10, max: 50 } });
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10);
    // FIFO may push a message behind an earlier one, never beyond the latest possible time.
    expect(Math.max(...delays)).toBeLessThan(50);
    expect(new Set(delays.map(Math.round)).size).toBeGreaterThan(10);
    expect(inversions(seen.map(([, , seq]) => seq))).toBe(0);
  });

  it('normal latency centres on its mean', () => {
    const { sim } = simulateCluster({
      nodes: 2,
      seed: 9,
      link: { latency: { kind: 'normal', mean: 40, stddev: 5 }, reorder: 1, reorderWindow: 0 },
    });
    const seen = record(sim, 2);
    for (let i = 0; i < 5_000; i++) sim.transport(NodeId(1)).send(NodeId(2), ping(1, i));
    sim.runUntilIdle();
    const delays = seen.map(([time]) => time);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    const sd = Math.sqrt(delays.reduce((a, b) => a + (b - mean) ** 2, 0) / delays.length);
    expect(mean).toBeGreaterThan(39);
    expect(mean).toBeLessThan(41);
    expect(sd).toBeGreaterThan(4.5);
    expect(sd).toBeLessThan(5.5);
  });

  it('jitter adds up to its width', () => {
    const { delays } = sendMany({
      latency: { kind: 'fixed', ms: 5 },
      jitter: 3,
      reorder: 1,
      reorderWindow: 0,
    });
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...delays)).toBeLessThan(8);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });

  it('keeps FIFO per pair for any latency distribution when reordering is off (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 20 }),
        (seed, min, width, jitter) => {
          const { sim } = simulateCluster({
            nodes: 3,
            seed,
            link: { latency: { kind: 'uniform', min, max: min + width }, jitter, duplicate: 0.1 },
          });
          const seen = record(sim, 3);
          sim.runRounds(200, 1, (round) => {
            sim.transport(NodeId(1)).send(NodeId(3), ping(1, round));
            sim.transport(NodeId(2)).send(NodeId(3), ping(2, round));
          });
          sim.runUntilIdle();
          for (const sender of [1, 2]) {
            const seqs = seen.filter(([, from]) => from === NodeId(sender)).map(([, , s]) => s);
            expect(inversions(seqs)).toBe(0);
          }
        },
      ),
      { seed: 46, numRuns: 30 },
    );
  });
});

describe('faults, each with its effect and its counter', () => {
  it('loss drops about the configured share and counts it', () => {
    const { sim } = simulateCluster({ nodes: 2, seed: 3, link: { loss: 0.3 } });
    const seen = record(sim, 2);
    for (let i = 0; i < 10_000; i++) sim.transport(NodeId(1)).send(NodeId(2), ping(1, i));
    sim.runUntilIdle();
    const { sent, delivered, dropped } = sim.stats;
    expect(sent).toBe(10_000);
    expect(dropped.loss).toBeGreaterThan(2_800);
    expect(dropped.loss).toBeLessThan(3_200);
    expect(delivered).toBe(10_000 - dropped.loss);
    expect(seen).toHaveLength(delivered);
    expect(dropped.total).toBe(dropped.loss);
  });

  it('duplication delivers extra copies and counts them', () => {
    const { sim } = simulateCluster({ nodes: 2, seed: 4, link: { duplicate: 0.2 } });
    const seen = record(sim, 2);
    for (let i = 0; i < 5_000; i++) sim.transport(NodeId(1)).send(NodeId(2), ping(1, i));
    sim.runUntilIdle();
    const { sent, delivered, duplicated } = sim.stats;
    expect(duplicated).toBeGreaterThan(900);
    expect(duplicated).toBeLessThan(1_100);
    expect(delivered).toBe(sent + duplicated);
    const seqs = seen.map(([, , seq]) => seq);
    expect(new Set(seqs).size).toBe(5_000);
    expect(seqs.length - new Set(seqs).size).toBe(duplicated);
  });

  it('reordering breaks FIFO for some messages, and only when enabled', () => {
    const run = (reorder: number) => {
      const { sim } = simulateCluster({ nodes: 2, seed: 6, link: { reorder, reorderWindow: 20 } });
      const seen = record(sim, 2);
      sim.runRounds(1_000, 1, (round) => sim.transport(NodeId(1)).send(NodeId(2), ping(1, round)));
      sim.runUntilIdle();
      return seen.map(([, , seq]) => seq);
    };
    const ordered = run(0);
    const reordered = run(0.3);
    expect(inversions(ordered)).toBe(0);
    expect(inversions(reordered)).toBeGreaterThan(50);
    expect([...reordered].sort((a, b) => a - b)).toEqual(ordered);
  });

  it('a per-link override changes one direction only, until cleared', () => {
    const { sim } = simulateCluster({ nodes: 3, seed: 8 });
    const at2 = record(sim, 2);
    const at1 = record(sim, 1);
    const at3 = record(sim, 3);
    sim.setLink(NodeId(1), NodeId(2), { loss: 1 });
    sim.setLink(NodeId(1), NodeId(3), { latency: { kind: 'fixed', ms: 30 } });
    const round = (seq: number) => {
      sim.transport(NodeId(1)).send(NodeId(2), ping(1, seq));
      sim.transport(NodeId(2)).send(NodeId(1), ping(2, seq));
      sim.transport(NodeId(1)).send(NodeId(3), ping(1, seq));
    };
    round(0);
    sim.runFor(100);
    expect(at2).toEqual([]);
    expect(at1).toEqual([[1, NodeId(2), 0]]);
    expect(at3).toEqual([[30, NodeId(1), 0]]);
    expect(sim.stats.dropped.loss).toBe(1);

    // Defaults change under the override's own fields.
    sim.setDefaultLink({ latency: { kind: 'fixed', ms: 2 } });
    sim.clearLink(NodeId(1), NodeId(2));
    round(1);
    sim.runFor(100);
    expect(at2).toEqual([[102, NodeId(1), 1]]);
    expect(at3.at(-1)).toEqual([130, NodeId(1), 1]);
    expect(() => sim.setLink(NodeId(1), NodeId(2), { duplicate: -1 })).toThrow(TalaError);
  });

  it('a symmetric partition cuts both ways, counts drops, and heals', () => {
    const { sim, ids } = simulateCluster({ nodes: 4, seed: 10 });
    const inbox = ids.map((id) => record(sim, Number(id)));
    sim.partition([NodeId(1), NodeId(2)], [NodeId(3), NodeId(4)]);
    expect(sim.connected(NodeId(1), NodeId(3))).toBe(false);
    expect(sim.connected(NodeId(3), NodeId(1))).toBe(false);
    expect(sim.connected(NodeId(1), NodeId(2))).toBe(true);
    for (const id of ids) sim.transport(id).broadcast(ping(Number(id), 0));
    sim.runFor(10);
    expect(inbox.map((seen) => seen.map(([, from]) => Number(from)))).toEqual([[2], [1], [4], [3]]);
    expect(sim.stats.dropped.partition).toBe(8);

    sim.heal();
    for (const id of ids) sim.transport(id).broadcast(ping(Number(id), 1));
    sim.runFor(10);
    expect(inbox.map((seen) => seen.length)).toEqual([4, 4, 4, 4]);
    expect(sim.stats.dropped.partition).toBe(8);
  });

  it('a partition handle heals its own cut only; heal() heals all', () => {
    const { sim } = simulateCluster({ nodes: 3, seed: 19, trace: true });
    const cut12 = sim.partition([NodeId(1)], [NodeId(2)]);
    const cut13 = sim.partitionOneWay([NodeId(1)], [NodeId(3)]);
    cut12.heal();
    expect(sim.connected(NodeId(1), NodeId(2))).toBe(true);
    expect(sim.connected(NodeId(2), NodeId(1))).toBe(true);
    expect(sim.connected(NodeId(1), NodeId(3))).toBe(false);
    cut12.heal();
    expect(sim.connected(NodeId(1), NodeId(3))).toBe(false);
    const at2 = record(sim, 2);
    const at3 = record(sim, 3);
    sim.transport(NodeId(1)).broadcast(ping(1, 0));
    sim.runFor(5);
    expect(at2).toHaveLength(1);
    expect(at3).toEqual([]);
    expect(sim.stats.dropped.partition).toBe(1);
    const cut23 = sim.partition([NodeId(2)], [NodeId(3)]);
    sim.heal();
    expect(sim.connected(NodeId(1), NodeId(3))).toBe(true);
    expect(sim.connected(NodeId(2), NodeId(3))).toBe(true);
    cut13.heal();
    cut23.heal();
    expect(sim.traceText().match(/heal/g)).toHaveLength(2);
  });

  it('a one-way partition cuts one direction only', () => {
    const { sim } = simulateCluster({ nodes: 2, seed: 11 });
    const at1 = record(sim, 1);
    const at2 = record(sim, 2);
    sim.partitionOneWay([NodeId(1)], [NodeId(2)]);
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    sim.transport(NodeId(2)).send(NodeId(1), ping(2, 0));
    sim.runFor(10);
    expect(at2).toEqual([]);
    expect(at1).toHaveLength(1);
    expect(sim.stats.dropped.partition).toBe(1);
  });

  it('drops messages in flight across a new partition when they arrive', () => {
    const { sim } = simulateCluster({
      nodes: 2,
      seed: 12,
      link: { latency: { kind: 'fixed', ms: 10 } },
    });
    const at2 = record(sim, 2);
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    sim.runFor(5);
    sim.partition([NodeId(1)], [NodeId(2)]);
    sim.runFor(10);
    expect(at2).toEqual([]);
    expect(sim.stats.dropped.partition).toBe(1);
    expect(sim.stats.inFlight).toBe(0);
  });

  it('counts messages to unknown nodes', () => {
    const { sim } = simulateCluster({ nodes: 1 });
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    expect(sim.stats.dropped).toMatchObject({ unknown: 1, total: 1 });
  });
});

describe('crash and restart', () => {
  it('a crash drops everything to the node, cancels its timers, and is idempotent', () => {
    const { sim } = simulateCluster({
      nodes: 3,
      seed: 13,
      link: { latency: { kind: 'fixed', ms: 10 } },
    });
    const clock = sim.clockFor(NodeId(2));
    let ticks = 0;
    const tick = () => {
      ticks++;
      clock.setTimer(clock.now() + 5, tick);
    };
    clock.setTimer(5, tick);
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    sim.transport(NodeId(3)).send(NodeId(2), ping(3, 0));
    sim.runFor(7);
    expect(ticks).toBe(1);
    sim.crash(NodeId(2));
    sim.crash(NodeId(2));
    expect(clock.stopped).toBe(true);
    expect(clock.pending).toBe(0);
    expect(sim.stats).toMatchObject({ inFlight: 0, dropped: { crashed: 2 } });
    sim.transport(NodeId(1)).broadcast(ping(1, 1));
    sim.runFor(100);
    expect(ticks).toBe(1);
    expect(sim.stats.dropped.crashed).toBe(3);
    // Node 3's copy waits in its queue: delivered once node 3 takes it.
    expect(sim.stats).toMatchObject({ delivered: 0, queued: 1 });
    expect(sim.transport(NodeId(3)).recv()?.[1]).toEqual(ping(1, 1));
    expect(sim.stats).toMatchObject({ delivered: 1, queued: 0 });
    expect(sim.liveNodeIds()).toEqual([NodeId(1), NodeId(3)]);
    expect(sim.nodeIds()).toEqual([NodeId(1), NodeId(2), NodeId(3)]);
  });

  it('a crash drops messages in flight from the node when they arrive', () => {
    const { sim } = simulateCluster({
      nodes: 3,
      seed: 20,
      link: { latency: { kind: 'fixed', ms: 10 } },
      trace: true,
    });
    const at2 = record(sim, 2);
    const at3 = record(sim, 3);
    sim.transport(NodeId(1)).broadcast(ping(1, 0));
    sim.transport(NodeId(3)).send(NodeId(2), ping(3, 0));
    sim.runFor(5);
    sim.crash(NodeId(1));
    expect(sim.stats.inFlight).toBe(3);
    sim.runFor(10);
    expect(at2.map(([, from]) => Number(from))).toEqual([3]);
    expect(at3).toEqual([]);
    expect(sim.stats.dropped).toMatchObject({ crashed: 2, total: 2 });
    expect(sim.stats.inFlight).toBe(0);
    expectBalanced(sim);
    expect(sim.traceText()).toContain('10 drop 1->2 Ping crashed');
  });

  it('messages a closed node sent before closing still arrive', () => {
    const { sim } = simulateCluster({
      nodes: 2,
      seed: 21,
      link: { latency: { kind: 'fixed', ms: 10 } },
    });
    const at2 = record(sim, 2);
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    sim.runFor(5);
    sim.transport(NodeId(1)).close();
    sim.runFor(10);
    expect(at2).toHaveLength(1);
  });

  it('a restarted node starts with fresh FIFO state on its links, both ways', () => {
    const { sim } = simulateCluster({
      nodes: 2,
      seed: 22,
      link: { latency: { kind: 'fixed', ms: 1 } },
    });
    // Slow messages both ways fix far-future FIFO times for both pairs.
    sim.setLink(NodeId(1), NodeId(2), { latency: { kind: 'fixed', ms: 60_000 } });
    sim.setLink(NodeId(2), NodeId(1), { latency: { kind: 'fixed', ms: 60_000 } });
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    sim.transport(NodeId(2)).send(NodeId(1), ping(2, 0));
    sim.runFor(10);
    sim.restart(NodeId(2));
    sim.clearLink(NodeId(1), NodeId(2));
    sim.clearLink(NodeId(2), NodeId(1));
    const at1 = record(sim, 1);
    const at2 = record(sim, 2);
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 1));
    sim.transport(NodeId(2)).send(NodeId(1), ping(2, 1));
    sim.runFor(5);
    expect(at2).toEqual([[11, NodeId(1), 1]]);
    expect(at1).toEqual([[11, NodeId(2), 1]]);
    // The old incarnation's message to 1 is still on its slow way, and dropped when it arrives.
    expect(sim.stats.inFlight).toBe(1);
    sim.runUntilIdle();
    expect(at1).toHaveLength(1);
    expect(sim.stats.dropped).toMatchObject({ crashed: 2, total: 2 });
  });

  it('a restart gives a fresh transport and clock; nothing from before arrives', () => {
    const { sim, transports } = simulateCluster({
      nodes: 2,
      seed: 14,
      link: { latency: { kind: 'fixed', ms: 10 } },
    });
    const old = transports[1]!;
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    sim.runFor(2);
    // Crash and restart before the message arrives: the new incarnation never sees it.
    const fresh = sim.restart(NodeId(2));
    expect(old.closed).toBe(true);
    expect(fresh.closed).toBe(false);
    expect(sim.clockFor(NodeId(2)).stopped).toBe(false);
    sim.runFor(20);
    expect(fresh.recv()).toBeUndefined();
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 1));
    sim.runFor(20);
    expect(fresh.recv()?.[1]).toEqual(ping(1, 1));
    expect(sim.trace).toEqual([]);
  });

  it('closing a transport takes its node down; adding it again restarts it', () => {
    const { sim } = simulateCluster({ nodes: 2, seed: 15, trace: true });
    sim.transport(NodeId(2)).close();
    expect(sim.isUp(NodeId(2))).toBe(false);
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    expect(sim.stats.dropped.crashed).toBe(1);
    const again = sim.addNode(NodeId(2));
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 1));
    sim.runFor(5);
    expect(again.recv()?.[1]).toEqual(ping(1, 1));
    expect(sim.traceText()).toBe(
      [
        '0 close 2',
        '0 send 1->2 Ping',
        '0 drop 1->2 Ping crashed',
        '0 restart 2',
        '0 send 1->2 Ping',
        '5 deliver 1->2 Ping',
        '',
      ].join('\n'),
    );
  });
});

describe('wire option', () => {
  it('counts the real encoded bytes and delivers decoded copies', () => {
    const { sim } = simulateCluster({ nodes: 3, seed: 16, wire: { encode, decode } });
    const message: Message = {
      type: 'SegmentSync',
      partition: 1 as never,
      segmentData: new Uint8Array(100).fill(7),
    };
    sim.transport(NodeId(1)).broadcast(message);
    sim.runFor(5);
    expect(sim.stats.bytes).toBe(2 * encodedLength(message));
    expect(sim.transport(NodeId(2)).recv()?.[1]).toEqual(message);
  });

  it('counts a decode failure as a corrupt drop and records the error', () => {
    let calls = 0;
    const flaky = {
      encode,
      decode: (bytes: Uint8Array): Message => {
        if (calls++ === 0) throw new TalaError('SegmentCorrupted', 'broken decoder');
        return decode(bytes);
      },
    };
    const { sim } = simulateCluster({ nodes: 2, seed: 17, wire: flaky, trace: true });
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 1));
    expect(() => sim.runFor(5)).not.toThrow();
    expect(sim.stats).toMatchObject({ sent: 2, delivered: 0, inFlight: 0, queued: 1 });
    expect(sim.stats.dropped).toMatchObject({ corrupt: 1, total: 1 });
    expectBalanced(sim);
    expect(sim.wireErrors).toHaveLength(1);
    expect(sim.wireErrors[0]).toMatchObject({ time: 1, from: NodeId(1), to: NodeId(2) });
    expect(String(sim.wireErrors[0]?.error)).toMatch(/broken decoder/);
    expect(sim.traceText()).toContain('1 drop 1->2 Ping corrupt');
    expect(sim.transport(NodeId(2)).recv()?.[1]).toEqual(ping(1, 1));
    expect(sim.stats).toMatchObject({ delivered: 1, queued: 0 });
  });

  it('keeps the most recent maxWireErrors decode failures and counts them all', () => {
    const broken = {
      encode,
      decode: (): Message => {
        throw new TalaError('SegmentCorrupted', 'broken decoder');
      },
    };
    const sim = new SimulatedNetwork({ seed: 3, wire: broken, maxWireErrors: 3 });
    sim.addNode(NodeId(1));
    sim.addNode(NodeId(2));
    for (let i = 0; i < 50; i++) {
      sim.transport(NodeId(1)).send(NodeId(2), ping(1, i));
      sim.runFor(1);
    }
    expect(sim.wireErrorCount).toBe(50);
    expect(sim.stats.dropped.corrupt).toBe(50);
    expect(sim.wireErrors.map((e) => e.time)).toEqual([48, 49, 50]);
    expect(() => new SimulatedNetwork({ maxWireErrors: -1 })).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
    expect(new SimulatedNetwork().wireErrorCount).toBe(0);
  });

  it('still throws an encode failure out of send, counting nothing', () => {
    const broken = {
      encode: (): Uint8Array => {
        throw new TalaError('InvalidArgument', 'broken encoder');
      },
      decode,
    };
    const { sim } = simulateCluster({ nodes: 2, seed: 17, wire: broken });
    expect(() => sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0))).toThrow(/broken encoder/);
    expect(sim.stats.sent).toBe(0);
    expect(sim.wireErrors).toEqual([]);
  });

  it('does not decode what a partition drops on arrival', () => {
    const broken = {
      encode,
      decode: (): Message => {
        throw new TalaError('SegmentCorrupted', 'broken decoder');
      },
    };
    const { sim } = simulateCluster({ nodes: 2, seed: 18, wire: broken, trace: true });
    sim.transport(NodeId(1)).send(NodeId(2), ping(1, 0));
    sim.partition([NodeId(1)], [NodeId(2)]);
    expect(() => sim.runFor(5)).not.toThrow();
    expect(sim.trace.at(-1)).toEqual({
      time: 1,
      kind: 'drop',
      from: NodeId(1),
      to: NodeId(2),
      type: 'Ping',
      cause: 'partition',
    });
  });
});

describe('withSeed', () => {
  it('appends the seed to a failure, and re-running with it reproduces the run', () => {
    const body = (seed: number) => {
      const { sim } = simulateCluster({ nodes: 2, seed, link: { loss: 0.5 } });
      for (let i = 0; i < 20; i++) sim.transport(NodeId(1)).send(NodeId(2), ping(1, i));
      if (sim.stats.dropped.loss > 12) throw new Error(`lost ${sim.stats.dropped.loss}`);
      return sim.stats.dropped.loss;
    };
    let failure: Error | undefined;
    for (let seed = 0; seed < 100 && failure === undefined; seed++) {
      try {
        withSeed(seed, body);
      } catch (error) {
        failure = error as Error;
      }
    }
    expect(failure?.message).toMatch(/^lost \d+ \[seed=\d+\]$/);
    const seed = Number(/seed=(\d+)/.exec(failure!.message)![1]);
    expect(() => withSeed(seed, body)).toThrow(failure!.message);
    expect(withSeed(1, (s) => s + 1)).toBe(2);
  });

  it('tags rejected promises and non-errors', async () => {
    await expect(
      withSeed(5, async () => {
        throw new Error('async failure');
      }),
    ).rejects.toThrow('async failure [seed=5]');
    expect(() =>
      withSeed(6, () => {
        throw 'plain';
      }),
    ).toThrow('plain [seed=6]');
  });
});
