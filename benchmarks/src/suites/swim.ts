import {
  type MemberUpdate,
  SwimEngine,
  type SwimNode,
  type SwimNodeOptions,
  type SwimTimer,
  swimConfig,
} from '@tala-net/membership';
import { SwimCluster, type SwimClusterOptions } from '@tala-net/membership/testing';
import { type LinkOptions, SimulatedNetwork } from '@tala-net/transport-inprocess';
import { NodeId, seededRandom } from '@tala-net/types';
import { loadPackageAt } from '../package-at-commit.js';
import type { Suite } from '../suite.js';

/**
 * SWIM membership measured in the deterministic simulator (virtual time), with LAN settings:
 * 1 s protocol period, 500 ms probe timeout, k = 3 indirect probes. Every time says the event it
 * is measured from and over how many seeds, with the median and the worst. CPU and reclaim cost
 * are measured side by side with the engine of commit {@link BASELINE_COMMIT}, built from git.
 */

const LAN = swimConfig('lan');
const PERIOD = LAN.probeInterval;
/** The engine before the scale work: the side-by-side baseline of CPU and reclaim cost. */
const BASELINE_COMMIT = '5587d11';

type Cluster = SwimCluster<SimulatedNetwork>;

function cluster(
  options: Omit<SwimClusterOptions<SimulatedNetwork>, 'network'> & { link?: LinkOptions },
): Cluster {
  const { link, ...rest } = options;
  const network = new SimulatedNetwork({
    seed: options.seed,
    ...(link === undefined ? {} : { link }),
  });
  return new SwimCluster({ ...rest, network });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const periods = (ms: number): string => fmt(ms / PERIOD);
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Median and worst of `values`, with their count. */
interface Spread {
  readonly runs: number;
  readonly median: number;
  readonly worst: number;
}

function spread(values: number[]): Spread {
  return { runs: values.length, median: median(values), worst: Math.max(...values) };
}

// --- detection ------------------------------------------------------------------------------

function detection(n: number, seeds: number) {
  const first: number[] = [];
  const allDeadAfterFirst: number[] = [];
  const allDeadAfterCrash: number[] = [];
  let falseSuspicions = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const c = cluster({ n, seed });
    c.sim.runFor(10_000 + ((seed * 137) % 1000));
    const victim = NodeId(1 + ((seed * 31) % n));
    const crashAt = c.sim.now();
    c.crash(victim);
    c.sim.runFor(60_000);
    const suspected = c.eventsAbout('suspected', victim);
    const dead = c.eventsAbout('dead', victim);
    if (suspected.length === 0 || new Set(dead.map((e) => e.observer)).size !== n - 1) {
      throw new Error(`detection: seed ${seed} did not detect the crash everywhere`);
    }
    first.push(suspected[0]!.time - crashAt);
    allDeadAfterFirst.push(dead.at(-1)!.time - suspected[0]!.time);
    allDeadAfterCrash.push(dead.at(-1)!.time - crashAt);
    falseSuspicions += c.events.filter((e) => e.type === 'suspected' && e.node !== victim).length;
  }
  return {
    n,
    seeds,
    firstSuspicion: spread(first),
    allDeadAfterFirstSuspicion: spread(allDeadAfterFirst),
    allDeadAfterCrash: spread(allDeadAfterCrash),
    falseSuspicions,
  };
}

// --- dissemination and mass join --------------------------------------------------------------

function dissemination(n: number, runs: number) {
  const times: number[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const c = cluster({ n, seed, log: false });
    c.sim.runFor(5000);
    const joiner = NodeId(n + 1);
    c.join(joiner, [NodeId(1 + seed)]);
    const reached = c.runUntil(
      () => c.live().every((node) => node.list.stateOf(joiner) === 'Alive'),
      4 * Math.ceil(Math.log2(n)) * PERIOD,
      50,
    );
    if (reached === undefined) throw new Error(`dissemination: seed ${seed} did not reach all`);
    times.push(reached);
  }
  return { n, ...spread(times), boundMs: 2 * Math.ceil(Math.log2(n)) * PERIOD };
}

/**
 * `n` nodes start at once, all joining through node 1: seconds until every node sees all
 * (converged), until nothing is left to gossip anywhere as well (quiet), the most messages one
 * node received in one period, and the CPU the run took.
 */
function massJoin(n: number, seeds: number) {
  const converged: number[] = [];
  const quiet: number[] = [];
  const hottest: number[] = [];
  const cpu: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const started = process.cpuUsage();
    const c = cluster({ n, seed, bootstrap: 'seeds', log: false });
    let convergedAt: number | undefined;
    let quietAt: number | undefined;
    let busiest = 0;
    while (quietAt === undefined && c.sim.now() < 300_000) {
      busiest = Math.max(busiest, c.runMeasuringLoad(PERIOD, PERIOD).maxReceived);
      if (convergedAt === undefined && c.converged()) convergedAt = c.sim.now();
      if (convergedAt !== undefined && c.quiet()) quietAt = c.sim.now();
    }
    converged.push(convergedAt ?? Number.POSITIVE_INFINITY);
    quiet.push(quietAt ?? Number.POSITIVE_INFINITY);
    hottest.push(busiest);
    cpu.push(cpuMs(started));
  }
  return {
    n,
    converged: spread(converged),
    quiet: spread(quiet),
    hottest: spread(hottest),
    cpuMs: spread(cpu),
  };
}

// --- false positives ------------------------------------------------------------------------

function falsePositivesLoss(lifeguard: boolean, n: number, rounds: number) {
  const c = cluster({ n, seed: 42, config: swimConfig('lan', { lifeguard }), link: { loss: 0.1 } });
  c.sim.runFor(rounds * PERIOD);
  return {
    lifeguard,
    deaths: c.events.filter((e) => e.type === 'dead').length,
    suspicions: c.events.filter((e) => e.type === 'suspected').length,
    converged: c.converged(),
  };
}

function falsePositivesSlow(lifeguard: boolean, n: number, rounds: number, seed: number) {
  const c = cluster({ n, seed, config: swimConfig('lan', { lifeguard }) });
  const slow = NodeId(n);
  for (const id of c.ids) {
    if (id !== slow) c.sim.setLink(id, slow, { latency: { kind: 'fixed', ms: 3 * PERIOD } });
  }
  c.sim.runFor(rounds * PERIOD);
  const healthy = (e: { node: NodeId }) => e.node !== slow;
  return {
    lifeguard,
    healthyDeaths: c.events.filter((e) => e.type === 'dead' && healthy(e)).length,
    healthySuspicions: c.events.filter((e) => e.type === 'suspected' && healthy(e)).length,
    accusationsBySlowNode: c.nodes.get(slow)!.engine.stats.suspicionsRaised,
    slowNodeDeaths: c.events.filter((e) => e.type === 'dead' && !healthy(e)).length,
  };
}

// --- load -----------------------------------------------------------------------------------

/** Periods of each phase of the load measurement. */
const LOAD_PERIODS = { stable: 30, crash: 40, slow: 40 } as const;
/** The flat-load bound: the hottest node with a fault ≤ this × the stable cluster's. */
const LOAD_BOUND = 4;

/**
 * Messages per member per period and the hottest node (the most messages one node received in
 * one period) of a stable cluster, then while one member crashes, then while another one is
 * slow (every message to it delayed by 3 periods) on top of the crash.
 */
function load(n: number) {
  const c = cluster({ n, seed: 7, log: false });
  c.sim.runFor(5 * PERIOD);
  const before = c.sim.stats.sent;
  const stable = c.runMeasuringLoad(LOAD_PERIODS.stable * PERIOD, PERIOD);
  const perMember = (c.sim.stats.sent - before) / n / LOAD_PERIODS.stable;
  c.crash(NodeId(n));
  const crash = c.runMeasuringLoad(LOAD_PERIODS.crash * PERIOD, PERIOD);
  const slow = NodeId(n - 1);
  for (const id of c.ids) {
    if (id !== slow) c.sim.setLink(id, slow, { latency: { kind: 'fixed', ms: 3 * PERIOD } });
  }
  const slowNode = c.runMeasuringLoad(LOAD_PERIODS.slow * PERIOD, PERIOD);
  return {
    n,
    messagesPerMemberPerPeriod: perMember,
    hottestStable: stable.maxReceived,
    hottestCrash: crash.maxReceived,
    hottestSlow: slowNode.maxReceived,
    withinBound:
      Math.max(crash.maxReceived, slowNode.maxReceived) <= LOAD_BOUND * stable.maxReceived,
  };
}

// --- healing --------------------------------------------------------------------------------

function healing(seed: number, partitionMs = 60_000) {
  const n = 100;
  const c = cluster({ n, seed, log: false });
  c.sim.runFor(10_000);
  c.sim.partition(c.ids.slice(0, n / 2), c.ids.slice(n / 2));
  c.sim.runFor(partitionMs);
  const split = c.nodes.get(NodeId(1))!.list.aliveMembers().length;
  c.sim.heal();
  const healedMs = c.runUntilConverged(60_000) ?? Number.POSITIVE_INFINITY;
  return { seed, aliveSeenBeforeHeal: split, healedMs };
}

// --- reclaim cost ---------------------------------------------------------------------------

type EngineClass = typeof SwimEngine;
/** Members forgotten per reclaim measurement. */
const RECLAIMS = 500;

/**
 * CPU per forgotten member (the `reclaim` timer of a member that left) in an engine of `n`
 * members: `count` members leave, then their reclaim timers fire; only the timers are timed.
 */
function reclaim(Engine: EngineClass, n: number, count: number): number {
  const members: MemberUpdate[] = Array.from({ length: n }, (_, i) => ({
    node: NodeId(i + 1),
    state: 'Alive',
    incarnation: 0n,
    address: new Uint8Array(),
  }));
  // Room for every member (100,000 is above the default maxMembers); the same config for both.
  const config = swimConfig('lan', { maxMembers: n });
  const engine = new Engine({ id: NodeId(1), random: seededRandom(n), config, members });
  const timers: Array<{ at: number; timer: SwimTimer }> = [];
  const step = Math.floor((n - 1) / count);
  for (let i = 0; i < count; i++) {
    const node = NodeId(2 + i * step);
    const left: MemberUpdate = { node, state: 'Left', incarnation: 0n, address: new Uint8Array() };
    const out = engine.handleMessage(0, node, { type: 'Gossip', from: node, updates: [left] });
    for (const request of out.timers) if (request.timer.kind === 'reclaim') timers.push(request);
  }
  if (timers.length !== count) throw new Error(`reclaim: ${timers.length} of ${count} timers`);
  const start = process.cpuUsage();
  for (const { at, timer } of timers) engine.handleTimer(at, timer);
  const spent = cpuMs(start);
  if (engine.member(NodeId(2)) !== undefined) throw new Error('reclaim: member not forgotten');
  return (spent * 1000) / count;
}

function reclaimSideBySide(baseline: EngineClass) {
  const sizes = [1_000, 10_000, 100_000];
  const rows = sizes.map((n) => {
    const today: number[] = [];
    const before: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      before.push(reclaim(baseline, n, RECLAIMS));
      today.push(reclaim(SwimEngine, n, RECLAIMS));
    }
    return { n, usPerReclaim: median(today), baselineUsPerReclaim: median(before) };
  });
  return rows;
}

// --- CPU ------------------------------------------------------------------------------------

type CreateNode = (options: SwimNodeOptions) => SwimNode;

/** A simulated network to run the CPU scenario on: today's, or the one of an earlier commit. */
type CreateNetwork = (seed: number) => SimulatedNetwork;

function speed(
  rounds: number,
  createNode: CreateNode | undefined,
  createNetwork: CreateNetwork = (seed) => new SimulatedNetwork({ seed }),
) {
  const cpu = process.cpuUsage();
  const c = new SwimCluster({
    n: 1000,
    seed: 99,
    log: false,
    network: createNetwork(99),
    ...(createNode === undefined ? {} : { createNode }),
  });
  c.sim.runFor(rounds * PERIOD);
  return { cpuMs: cpuMs(cpu), messages: c.sim.stats.sent, converged: c.converged() };
}

/**
 * Today's stack and the baseline's on the same scenario, alternating, `reps` times each: the
 * baseline's SWIM node on today's simulator (the engine and its driver alone), and the
 * baseline's SWIM node on the baseline's simulator (the whole stack of that commit, as the
 * scenario was first measured).
 */
function speedSideBySide(
  rounds: number,
  reps: number,
  baselineNode: CreateNode,
  baselineNetwork: CreateNetwork,
) {
  const today: ReturnType<typeof speed>[] = [];
  const before: ReturnType<typeof speed>[] = [];
  const beforeStack: ReturnType<typeof speed>[] = [];
  for (let rep = 0; rep < reps; rep++) {
    before.push(speed(rounds, baselineNode));
    today.push(speed(rounds, undefined));
    beforeStack.push(speed(rounds, baselineNode, baselineNetwork));
  }
  const cpu = median(today.map((r) => r.cpuMs));
  const baselineCpu = median(before.map((r) => r.cpuMs));
  const baselineStackCpu = median(beforeStack.map((r) => r.cpuMs));
  return {
    rounds,
    reps,
    today,
    before,
    beforeStack,
    cpuMs: cpu,
    baselineCpuMs: baselineCpu,
    baselineStackCpuMs: baselineStackCpu,
  };
}

const row = (label: string, x: Spread, unit: (ms: number) => string, bound?: string) =>
  `| ${label} | ${x.runs} | ${unit(x.median)} | ${unit(x.worst)} |${bound === undefined ? '' : ` ${bound} |`}`;
const seconds = (ms: number): string => fmt(ms / 1000, 0);

const suite: Suite = {
  name: 'swim',
  async run() {
    const quick = process.env.SWIM_QUICK === '1';
    const baseline = await loadPackageAt<typeof import('@tala-net/membership')>(
      BASELINE_COMMIT,
      'membership',
    );
    // Today's node gossips its transport's address by default, and the cluster's bootstrap
    // lists carry it; the baseline's node must gossip the same address, or it refutes its own
    // bootstrap entry and the two sides no longer do the same work.
    const encoder = new TextEncoder();
    const baselineNode: CreateNode = (options) =>
      new baseline.SwimNode({
        ...options,
        address: options.address ?? encoder.encode(options.transport.address ?? ''),
      }) as unknown as SwimNode;
    const seeds = quick ? 10 : 50;
    const detections = [64, 100].map((n) => detection(n, seeds));
    console.log('detection', detections);
    const dis = dissemination(1000, quick ? 1 : 3);
    console.log('dissemination', dis);
    const joins = [massJoin(200, quick ? 1 : 3), massJoin(1000, quick ? 1 : 2)];
    console.log('mass join', joins);
    const fpRounds = quick ? 200 : 1000;
    const lossOn = falsePositivesLoss(true, 100, fpRounds);
    const lossOff = falsePositivesLoss(false, 100, fpRounds);
    console.log('loss', lossOn, lossOff);
    const slowOn = [1, 2, 3].map((seed) => falsePositivesSlow(true, 100, fpRounds, seed));
    const slowOff = [1, 2, 3].map((seed) => falsePositivesSlow(false, 100, fpRounds, seed));
    console.log('slow', slowOn, slowOff);
    const loads = (quick ? [100, 500] : [100, 500, 2000]).map(load);
    console.log('load', loads);
    const heals = (quick ? [1] : [1, 2, 3]).map((seed) => healing(seed));
    // Longer than the LAN reclaimTime (300 s): each side has forgotten the other.
    const longHeals = (quick ? [1] : [1, 2]).map((seed) => healing(seed, 400_000));
    console.log('healing', heals, longHeals);
    const reclaims = reclaimSideBySide(baseline.SwimEngine as unknown as EngineClass);
    console.log('reclaim', reclaims);
    const baselineSimulator = await loadPackageAt<typeof import('@tala-net/transport-inprocess')>(
      BASELINE_COMMIT,
      'transport-inprocess',
    );
    const baselineNetwork: CreateNetwork = (seed) =>
      new baselineSimulator.SimulatedNetwork({ seed }) as unknown as SimulatedNetwork;
    const cpu = speedSideBySide(quick ? 50 : 300, quick ? 1 : 3, baselineNode, baselineNetwork);
    console.log('speed', cpu);

    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const slowSum = (runs: typeof slowOn, key: keyof (typeof slowOn)[number]) =>
      sum(runs.map((r) => Number(r[key])));
    const factor = (off: number, on: number) =>
      on === 0 ? (off === 0 ? 'both 0' : `≥ ${off}× (${off} → 0)`) : `${fmt(off / on, 1)}×`;
    const detectionRows = detections.flatMap((d) => [
      row(
        `${d.n} members: first suspicion, from the crash`,
        d.firstSuspicion,
        periods,
        '1.6 + 0.5 (probe timeout) = 2.10, median',
      ),
      row(
        `${d.n} members: all others have it Dead, from the first suspicion`,
        d.allDeadAfterFirstSuspicion,
        periods,
        `suspicion timeout + probe timeout (the accuser's hold) + 3 = ${periods(LAN.suspicionMult * Math.max(1, Math.log10(d.n - 1)) * PERIOD + LAN.probeTimeout + 3 * PERIOD)}, worst`,
      ),
      row(
        `${d.n} members: all others have it Dead, from the crash`,
        d.allDeadAfterCrash,
        periods,
        '—',
      ),
    ]);
    const reclaimFirst = reclaims[0]!;
    const reclaimLast = reclaims.at(-1)!;
    const markdown = `
LAN settings (1 s period, 500 ms probe timeout, k = 3), deterministic simulator, virtual time;
1 ms links unless stated. Each time names the event it is measured from, the number of seeds
(runs), the median and the worst.

| time (in periods) | seeds | median | worst | bound |
| --- | --- | --- | --- | --- |
${detectionRows.join('\n')}
${row(`a join reaches all ${dis.n} members, from the joiner's start`, dis, periods, `2 × ⌈log2 ${dis.n}⌉ = ${periods(dis.boundMs)}, worst`)}

False suspicions of healthy members in the detection runs: ${detections.map((d) => `${d.falseSuspicions} at ${d.n} members`).join(', ')}.
The SWIM paper expects the first detection e/(e−1) ≈ 1.58 periods after a crash; a suspicion is
raised at the end of the failed probe's period, hence the probe timeout in the bound.

Mass join: n nodes start at once, all through node 1 (the seed); times from the start.
"Quiet": every node sees all n Alive and no node has an update left to piggyback.

| nodes | seeds | converged: median / worst (s) | quiet: median / worst (s) | bound (quiet) | hottest node: messages received in one period, worst | CPU per run, median (s) |
| --- | --- | --- | --- | --- | --- | --- |
${joins.map((j) => `| ${j.n} | ${j.quiet.runs} | ${seconds(j.converged.median)} / ${seconds(j.converged.worst)} | ${seconds(j.quiet.median)} / ${seconds(j.quiet.worst)} | 30 s | ${j.hottest.worst} | ${fmt(j.cpuMs.median / 1000, 1)} |`).join('\n')}

Healing, 50/50 partition of 100 members, seconds from the heal until every node sees all:
60 s partition ${heals.map((h) => fmt(h.healedMs / 1000, 1)).join(', ')} (seeds 1–${heals.length});
400 s partition (longer than reclaimTime: both sides forgot the other) ${longHeals.map((h) => fmt(h.healedMs / 1000, 1)).join(', ')} (seeds 1–${longHeals.length}); bound 30 s.

CPU and reclaim cost, side by side in this run with the engine of commit \`${BASELINE_COMMIT}\`
(built from git into \`benchmarks/.baseline/\`), alternating:

| measurement | today | ${BASELINE_COMMIT} | ratio (today ÷ ${BASELINE_COMMIT}) |
| --- | --- | --- | --- |
| 1,000 members × ${cpu.rounds} periods, CPU, median of ${cpu.reps}: the SWIM node of each commit on today's simulator | ${fmt(cpu.cpuMs / 1000, 1)} s | ${fmt(cpu.baselineCpuMs / 1000, 1)} s | ${fmt(cpu.cpuMs / cpu.baselineCpuMs)} |
| the same, each commit's SWIM node on its own simulator (the whole stack) | ${fmt(cpu.cpuMs / 1000, 1)} s | ${fmt(cpu.baselineStackCpuMs / 1000, 1)} s | ${fmt(cpu.cpuMs / cpu.baselineStackCpuMs)} |
${reclaims.map((r) => `| forgetting a member (reclaim timer) at ${r.n.toLocaleString('en-US')} members, µs each, median of 5 runs of ${RECLAIMS} | ${fmt(r.usPerReclaim)} | ${fmt(r.baselineUsPerReclaim)} | ${fmt(r.usPerReclaim / r.baselineUsPerReclaim)} |`).join('\n')}
| reclaim cost growth, 100,000 ÷ 1,000 members | ${fmt(reclaimLast.usPerReclaim / reclaimFirst.usPerReclaim, 1)}× | ${fmt(reclaimLast.baselineUsPerReclaim / reclaimFirst.baselineUsPerReclaim, 1)}× | |

Both sides sent the same messages in the CPU runs (${cpu.today[0]?.messages}, ${cpu.before[0]?.messages} and ${cpu.beforeStack[0]?.messages}).

False positives: "dead" and "suspected" count membership events about healthy members, summed
over every observer (one suspicion seen by 99 members counts 99). Lifeguard off = classic SWIM
(fixed suspicion timeout, no local health, no nacks, no suspicion checks).

| scenario (100 members) | Lifeguard on: dead / suspected | Lifeguard off: dead / suspected | reduction (off ÷ on) |
| --- | --- | --- | --- |
| ${fpRounds} periods, 10 % loss on every link, seed 42 | ${lossOn.deaths} / ${lossOn.suspicions} | ${lossOff.deaths} / ${lossOff.suspicions} | deaths ${factor(lossOff.deaths, lossOn.deaths)}, suspicions ${factor(lossOff.suspicions, lossOn.suspicions)} |
| ${fpRounds} periods × 3 seeds, one node's input delayed 3 periods (healthy nodes only) | ${slowSum(slowOn, 'healthyDeaths')} / ${slowSum(slowOn, 'healthySuspicions')} | ${slowSum(slowOff, 'healthyDeaths')} / ${slowSum(slowOff, 'healthySuspicions')} | deaths ${factor(slowSum(slowOff, 'healthyDeaths'), slowSum(slowOn, 'healthyDeaths'))}, suspicions ${factor(slowSum(slowOff, 'healthySuspicions'), slowSum(slowOn, 'healthySuspicions'))} |
| same, accusations raised by the slow node | ${slowSum(slowOn, 'accusationsBySlowNode')} | ${slowSum(slowOff, 'accusationsBySlowNode')} | ${factor(slowSum(slowOff, 'accusationsBySlowNode'), slowSum(slowOn, 'accusationsBySlowNode'))} |

Load (seed 7): messages sent per member per period (every SWIM message counted) over
${LOAD_PERIODS.stable} stable periods, and the hottest node: the most messages any one node received
in one period, stable, then over the ${LOAD_PERIODS.crash} periods after one member crashes, then over
${LOAD_PERIODS.slow} periods with another member slow as well (every message to it delayed by 3
periods). Bound: the hottest node with a fault ≤ ${LOAD_BOUND}× the stable cluster's.

| members | ${loads.map((l) => l.n.toLocaleString('en-US')).join(' | ')} |
| --- | ${loads.map(() => '---').join(' | ')} |
| messages / member / period | ${loads.map((l) => fmt(l.messagesPerMemberPerPeriod)).join(' | ')} |
| hottest node, stable | ${loads.map((l) => l.hottestStable).join(' | ')} |
| hottest node, a crash | ${loads.map((l) => `${l.hottestCrash} (${fmt(l.hottestCrash / l.hottestStable, 1)}×)`).join(' | ')} |
| hottest node, a crash and a slow node | ${loads.map((l) => `${l.hottestSlow} (${fmt(l.hottestSlow / l.hottestStable, 1)}×)`).join(' | ')} |
| within ${LOAD_BOUND}× | ${loads.map((l) => (l.withinBound ? '✅' : '❌')).join(' | ')} |
`;
    return {
      title: 'SWIM membership (simulated, LAN settings)',
      markdown,
      data: {
        detection: detections,
        dissemination: dis,
        massJoin: joins,
        falsePositives: { loss: [lossOn, lossOff], slow: { on: slowOn, off: slowOff } },
        load: loads,
        healing: heals,
        longHealing: longHeals,
        reclaim: reclaims,
        speed: cpu,
      },
    };
  },
};

export default suite;
