import { InProcessNetwork, SimulatedNetwork } from '@tala-net/transport-inprocess';
import { EventQueue } from '@tala-net/transport-inprocess/internal';
import { NodeId, RingQueue, seededRandom } from '@tala-net/types';
import { do_not_optimize, measure } from 'mitata';
import type { Suite } from '../suite.js';

/**
 * The deterministic simulator at scale: 1,000 nodes, each sending one message per simulated
 * 100 ms to a random peer for 60 simulated seconds (600,000 messages), timed end to end in CPU
 * time. Plus the two data structures it rests on against their naive peers: the binary-heap
 * event queue vs a sorted array with binary-search insert, and RingQueue vs Array.shift, both at
 * depth.
 */
const NODES = 1_000;
const INTERVAL_MS = 100;
const DURATION_MS = 60_000;
const REPETITIONS = 3;

interface ScaleRun {
  cpuMs: number;
  wallMs: number;
  sent: number;
  delivered: number;
  events: number;
}

function runScale(seed: number): ScaleRun {
  const sim = new SimulatedNetwork({
    seed,
    link: { latency: { kind: 'uniform', min: 1, max: 10 }, jitter: 1 },
  });
  const ids = Array.from({ length: NODES }, (_, i) => NodeId(i + 1));
  let received = 0;
  const onMessage = () => {
    received++;
  };
  for (const id of ids) {
    const transport = sim.addNode(id);
    transport.addEventListener('message', onMessage);
    const clock = sim.clockFor(id);
    let seq = 0n;
    const tick = () => {
      let peer = ids[sim.random.nextInt(NODES - 1)]!;
      if (peer === id) peer = ids[NODES - 1]!;
      transport.send(peer, { type: 'Ping', from: id, seq: seq++ });
      const next = clock.now() + INTERVAL_MS;
      if (next < DURATION_MS) clock.setTimer(next, tick);
    };
    clock.setTimer(sim.random.next() * INTERVAL_MS, tick);
  }
  const cpu = process.cpuUsage();
  const wall = performance.now();
  sim.runUntilIdle();
  const wallMs = performance.now() - wall;
  const used = process.cpuUsage(cpu);
  const stats = sim.stats;
  if (received !== stats.delivered || stats.sent !== NODES * (DURATION_MS / INTERVAL_MS)) {
    throw new Error(`scale run lost messages: ${JSON.stringify(stats)}`);
  }
  return {
    cpuMs: (used.user + used.system) / 1_000,
    wallMs,
    sent: stats.sent,
    delivered: stats.delivered,
    events: sim.clock.eventsRun,
  };
}

/**
 * The same 600,000 messages through the plain synchronous InProcessNetwork (no clock, no
 * scheduling): the floor that the simulator's cost per message is compared with.
 */
function runInProcess(seed: number): number {
  const net = new InProcessNetwork();
  const random = seededRandom(seed);
  const ids = Array.from({ length: NODES }, (_, i) => NodeId(i + 1));
  let received = 0;
  const onMessage = () => {
    received++;
  };
  const transports = ids.map((id) => {
    const transport = net.addNode(id);
    transport.addEventListener('message', onMessage);
    return transport;
  });
  const rounds = DURATION_MS / INTERVAL_MS;
  const cpu = process.cpuUsage();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < NODES; i++) {
      let peer = random.nextInt(NODES - 1);
      if (peer === i) peer = NODES - 1;
      transports[i]!.send(ids[peer]!, { type: 'Ping', from: ids[i]!, seq: BigInt(round) });
    }
  }
  const used = process.cpuUsage(cpu);
  if (received !== NODES * rounds) throw new Error(`in-process run lost messages: ${received}`);
  return (used.user + used.system) / 1_000;
}

/** A naive timer queue: an array sorted by time (binary-search insert + splice), popped from the front end. */
class SortedArrayQueue<T> {
  private readonly times: number[] = [];
  private readonly values: T[] = [];

  push(at: number, value: T): void {
    // Descending order, so the earliest is at the end; equal times go before (popped later).
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! > at) lo = mid + 1;
      else hi = mid;
    }
    this.times.splice(lo, 0, at);
    this.values.splice(lo, 0, value);
  }

  peekTime(): number | undefined {
    return this.times[this.times.length - 1];
  }

  pop(): T | undefined {
    this.times.pop();
    return this.values.pop();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
};
const fmt = (value: number, digits = 1) => value.toFixed(digits);

const suite: Suite = {
  name: 'simulation',
  async run() {
    // Scale: 600,000 messages through the simulator.
    const runs: ScaleRun[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) runs.push(runScale(rep + 1));
    const inProcessCpuMs = median(
      Array.from({ length: REPETITIONS }, (_, rep) => runInProcess(rep + 1)),
    );
    const cpuMs = median(runs.map((r) => r.cpuMs));
    const wallMs = median(runs.map((r) => r.wallMs));
    const messages = runs[0]!.sent;
    const events = runs[0]!.events;
    const messagesPerCpuSecond = messages / (cpuMs / 1_000);
    const speedup = DURATION_MS / wallMs;

    // Event queue vs sorted array: the hold model (pop the earliest, push one later) at depth.
    const random = seededRandom(99);
    const increments = Float64Array.from({ length: 4096 }, () => random.next() * 1_000);
    const queueRows: { depth: number; heapNs: number; sortedNs: number }[] = [];
    for (const depth of [1_000, 10_000, 100_000]) {
      const heap = new EventQueue<number>();
      const sorted = new SortedArrayQueue<number>();
      for (let i = 0; i < depth; i++) {
        heap.push(increments[i & 4095]! * 10, i);
        sorted.push(increments[i & 4095]! * 10, i);
      }
      let heapStep = 0;
      const heapStats = await measure(() => {
        const time = heap.peekTime()!;
        do_not_optimize(heap.pop());
        heap.push(time + increments[heapStep++ & 4095]!, heapStep);
      });
      let sortedStep = 0;
      const sortedStats = await measure(() => {
        const time = sorted.peekTime()!;
        do_not_optimize(sorted.pop());
        sorted.push(time + increments[sortedStep++ & 4095]!, sortedStep);
      });
      queueRows.push({ depth, heapNs: heapStats.p50, sortedNs: sortedStats.p50 });
    }

    // RingQueue vs Array.shift at a steady depth: one push + one shift per operation.
    const ringRows: { depth: number; ringNs: number; arrayNs: number }[] = [];
    for (const depth of [1_000, 100_000]) {
      const ring = new RingQueue<number>();
      const array: number[] = [];
      for (let i = 0; i < depth; i++) {
        ring.push(i);
        array.push(i);
      }
      let r = 0;
      const ringStats = await measure(() => {
        ring.push(r++);
        do_not_optimize(ring.shift());
      });
      let a = 0;
      const arrayStats = await measure(() => {
        array.push(a++);
        do_not_optimize(array.shift());
      });
      ringRows.push({ depth, ringNs: ringStats.p50, arrayNs: arrayStats.p50 });
    }

    const markdown = [
      `Scale: ${NODES.toLocaleString('en')} nodes × 1 message per simulated ${INTERVAL_MS} ms × ${DURATION_MS / 1_000} simulated s = ${messages.toLocaleString('en')} messages (${events.toLocaleString('en')} timer and delivery events), uniform 1–10 ms latency + 1 ms jitter, median of ${REPETITIONS} runs:`,
      '',
      '| measure | value |',
      '| --- | --- |',
      `| CPU time | ${fmt(cpuMs, 0)} ms (limit 10,000 ms: ${fmt(10_000 / cpuMs)}× under) |`,
      `| rate | ${(messagesPerCpuSecond / 1e6).toFixed(2)} M messages per CPU second |`,
      `| simulated time / wall time | ${fmt(speedup)}× faster than real time |`,
      `| same messages through the synchronous InProcessNetwork (no clock) | ${fmt(inProcessCpuMs, 0)} ms CPU: the simulator costs ${fmt(cpuMs / inProcessCpuMs)}× that per message |`,
      '',
      'Event queue, hold model (pop the earliest, push one later) at a steady depth, p50 per operation:',
      '',
      '| depth | binary heap (EventQueue) | sorted array + splice | sorted array / heap |',
      '| --- | --- | --- | --- |',
      ...queueRows.map(
        (row) =>
          `| ${row.depth.toLocaleString('en')} | ${fmt(row.heapNs)} ns | ${fmt(row.sortedNs)} ns | ${fmt(row.sortedNs / row.heapNs)}× |`,
      ),
      '',
      'FIFO queue, one push + one shift at a steady depth, p50 per operation:',
      '',
      '| depth | RingQueue | Array push + shift | Array / RingQueue |',
      '| --- | --- | --- | --- |',
      ...ringRows.map(
        (row) =>
          `| ${row.depth.toLocaleString('en')} | ${fmt(row.ringNs)} ns | ${fmt(row.arrayNs)} ns | ${fmt(row.arrayNs / row.ringNs)}× |`,
      ),
    ].join('\n');

    return {
      title: 'Deterministic simulation (transport-inprocess)',
      markdown,
      data: {
        scale: {
          inProcessCpuMs,
          nodes: NODES,
          intervalMs: INTERVAL_MS,
          durationMs: DURATION_MS,
          runs,
          cpuMs,
          wallMs,
          messagesPerCpuSecond,
        },
        eventQueue: queueRows,
        ringQueue: ringRows,
      },
    };
  },
};

export default suite;
