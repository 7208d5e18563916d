import {
  type MembershipEvent,
  type MemberUpdate,
  type SwimConfig,
  SwimNode,
  swimConfig,
} from '@tala-net/membership';
import { type LinkOptions, SimulatedNetwork } from '@tala-net/transport-inprocess';
import { NodeId, seededRandom } from '@tala-net/types';
import type { Suite } from '../suite.js';

/**
 * SWIM membership measured in the deterministic simulator (virtual time), with LAN settings:
 * 1 s protocol period, 500 ms probe timeout, k = 3 indirect probes. Every number is compared with
 * its target from the SWIM paper / the membership issue, as a ratio measured in this run.
 */

const LAN = swimConfig('lan');
const PERIOD = LAN.probeInterval;
const EVENT_TYPES = ['joined', 'suspected', 'alive', 'dead', 'left', 'updated'] as const;

interface Logged {
  readonly time: number;
  readonly observer: NodeId;
  readonly type: string;
  readonly node: NodeId;
}

/** A SimulatedNetwork with one SwimNode per member (ids 1…n), all knowing each other. */
class Cluster {
  readonly sim: SimulatedNetwork;
  readonly ids: NodeId[];
  readonly nodes = new Map<NodeId, SwimNode>();
  readonly events: Logged[] = [];
  readonly #config: SwimConfig;
  readonly #seed: number;
  readonly #log: boolean;

  constructor(n: number, seed: number, config: SwimConfig, link?: LinkOptions, log = true) {
    this.#config = config;
    this.#seed = seed;
    this.#log = log;
    this.sim = new SimulatedNetwork({ seed, ...(link === undefined ? {} : { link }) });
    this.ids = Array.from({ length: n }, (_, i) => NodeId(i + 1));
    const members: MemberUpdate[] = this.ids.map((node) => ({
      node,
      state: 'Alive',
      incarnation: 0n,
      address: new Uint8Array(),
    }));
    for (const id of this.ids) this.sim.addNode(id);
    for (const id of this.ids) this.#create(id, { members }).start();
  }

  crash(id: NodeId): void {
    this.nodes.get(id)?.stop();
    this.sim.crash(id);
  }

  /** Adds a new member that joins through `seed`. */
  join(id: NodeId, seed: NodeId): SwimNode {
    this.sim.addNode(id);
    this.ids.push(id);
    const node = this.#create(id, { seeds: [seed] });
    node.start();
    return node;
  }

  live(): SwimNode[] {
    return this.ids.filter((id) => this.sim.isUp(id)).map((id) => this.nodes.get(id)!);
  }

  converged(): boolean {
    const up = new Set(this.ids.filter((id) => this.sim.isUp(id)));
    for (const node of this.live()) {
      const alive = node.list.aliveMembers();
      if (alive.length !== up.size) return false;
      for (const id of alive) if (!up.has(id)) return false;
    }
    return true;
  }

  #create(id: NodeId, extra: { seeds?: NodeId[]; members?: MemberUpdate[] }): SwimNode {
    const node = new SwimNode({
      transport: this.sim.transport(id),
      clock: this.sim.clockFor(id),
      random: seededRandom(this.#seed * 100_003 + Number(id)),
      config: this.#config,
      ...extra,
    });
    if (this.#log) {
      for (const type of EVENT_TYPES) {
        node.addEventListener(type, (event: MembershipEvent) => {
          this.events.push({ time: this.sim.now(), observer: id, type, node: event.member.node });
        });
      }
    }
    this.nodes.set(id, node);
    return node;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const periods = (ms: number): string => `${fmt(ms / PERIOD)} periods`;

/** Shortest suspicion timeout of a cluster of `n` live members (what confirmations reach). */
function minSuspicion(n: number): number {
  return LAN.suspicionMult * Math.max(1, Math.log10(n)) * PERIOD;
}

// --- detection ------------------------------------------------------------------------------

function detection(seeds: number) {
  const n = 100;
  const first: number[] = [];
  const allDeadAfterFirst: number[] = [];
  const allDeadAfterCrash: number[] = [];
  let falseSuspicions = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const c = new Cluster(n, seed, LAN);
    c.sim.runFor(10_000 + ((seed * 137) % 1000));
    const victim = NodeId(1 + ((seed * 31) % n));
    const crashAt = c.sim.now();
    c.crash(victim);
    c.sim.runFor(60_000);
    const suspected = c.events.filter((e) => e.type === 'suspected' && e.node === victim);
    const dead = c.events.filter((e) => e.type === 'dead' && e.node === victim);
    const observers = new Set(dead.map((e) => e.observer));
    if (suspected.length === 0 || observers.size !== n - 1) {
      throw new Error(`detection: seed ${seed} did not detect the crash everywhere`);
    }
    first.push(suspected[0]!.time - crashAt);
    allDeadAfterFirst.push(dead.at(-1)!.time - suspected[0]!.time);
    allDeadAfterCrash.push(dead.at(-1)!.time - crashAt);
    falseSuspicions += c.events.filter((e) => e.type === 'suspected' && e.node !== victim).length;
  }
  const firstBound = 1.6 * PERIOD + LAN.probeTimeout;
  const deadBound = minSuspicion(n - 1) + 3 * PERIOD;
  return {
    n,
    seeds,
    firstSuspicionMedianMs: median(first),
    firstSuspicionP90Ms: quantile(first, 0.9),
    firstSuspicionBoundMs: firstBound,
    allDeadAfterFirstSuspicionMedianMs: median(allDeadAfterFirst),
    allDeadAfterFirstSuspicionMaxMs: Math.max(...allDeadAfterFirst),
    allDeadAfterCrashMedianMs: median(allDeadAfterCrash),
    allDeadBoundMs: deadBound,
    falseSuspicions,
  };
}

// --- dissemination --------------------------------------------------------------------------

function dissemination(n: number, runs: number) {
  const times: number[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const c = new Cluster(n, seed, LAN, undefined, false);
    c.sim.runFor(5000);
    const joiner = NodeId(n + 1);
    const start = c.sim.now();
    c.join(joiner, NodeId(1 + seed));
    const limit = 4 * Math.ceil(Math.log2(n)) * PERIOD;
    let reached: number | undefined;
    while (c.sim.now() - start <= limit) {
      c.sim.runFor(50);
      let all = true;
      for (const node of c.live()) {
        if (node.list.stateOf(joiner) !== 'Alive') {
          all = false;
          break;
        }
      }
      if (all) {
        reached = c.sim.now() - start;
        break;
      }
    }
    if (reached === undefined) throw new Error(`dissemination: seed ${seed} did not reach all`);
    times.push(reached);
  }
  return {
    n,
    runs,
    medianMs: median(times),
    maxMs: Math.max(...times),
    boundMs: 2 * Math.ceil(Math.log2(n)) * PERIOD,
  };
}

// --- false positives ------------------------------------------------------------------------

function falsePositivesLoss(lifeguard: boolean, n: number, rounds: number) {
  const c = new Cluster(n, 42, swimConfig('lan', { lifeguard }), { loss: 0.1 });
  c.sim.runFor(rounds * PERIOD);
  return {
    lifeguard,
    deaths: c.events.filter((e) => e.type === 'dead').length,
    suspicions: c.events.filter((e) => e.type === 'suspected').length,
    converged: c.converged(),
  };
}

function falsePositivesSlow(lifeguard: boolean, n: number, rounds: number, seed: number) {
  const c = new Cluster(n, seed, swimConfig('lan', { lifeguard }));
  const slow = NodeId(n);
  for (const id of c.ids) {
    if (id !== slow) c.sim.setLink(id, slow, { latency: { kind: 'fixed', ms: 3 * PERIOD } });
  }
  c.sim.runFor(rounds * PERIOD);
  const healthy = (e: Logged) => e.node !== slow;
  return {
    lifeguard,
    healthyDeaths: c.events.filter((e) => e.type === 'dead' && healthy(e)).length,
    healthySuspicions: c.events.filter((e) => e.type === 'suspected' && healthy(e)).length,
    accusationsBySlowNode: c.nodes.get(slow)!.engine.stats.suspicionsRaised,
    slowNodeDeaths: c.events.filter((e) => e.type === 'dead' && !healthy(e)).length,
  };
}

// --- load -----------------------------------------------------------------------------------

function load(n: number) {
  const c = new Cluster(n, 7, LAN, undefined, false);
  c.sim.runFor(20 * PERIOD);
  const before = c.sim.stats.sent;
  const rounds = 100;
  c.sim.runFor(rounds * PERIOD);
  return { n, messagesPerMemberPerPeriod: (c.sim.stats.sent - before) / n / rounds };
}

// --- healing --------------------------------------------------------------------------------

function healing(seed: number, partitionMs = 60_000) {
  const n = 100;
  const c = new Cluster(n, seed, LAN, undefined, false);
  c.sim.runFor(10_000);
  c.sim.partition(c.ids.slice(0, n / 2), c.ids.slice(n / 2));
  c.sim.runFor(partitionMs);
  const split = c.nodes.get(NodeId(1))!.list.aliveMembers().length;
  c.sim.heal();
  const start = c.sim.now();
  let healedMs: number | undefined;
  while (c.sim.now() - start <= 60_000) {
    if (c.converged()) {
      healedMs = c.sim.now() - start;
      break;
    }
    c.sim.runFor(100);
  }
  return { seed, aliveSeenBeforeHeal: split, healedMs: healedMs ?? Number.POSITIVE_INFINITY };
}

// --- speed ----------------------------------------------------------------------------------

function speed(n: number, rounds: number) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const c = new Cluster(n, 99, LAN, undefined, false);
  c.sim.runFor(rounds * PERIOD);
  const used = process.cpuUsage(cpu);
  return {
    cpuMs: (used.user + used.system) / 1000,
    wallMs: performance.now() - wall,
    messages: c.sim.stats.sent,
    converged: c.converged(),
  };
}

const suite: Suite = {
  name: 'swim',
  async run() {
    const quick = process.env.SWIM_QUICK === '1';
    const det = detection(quick ? 10 : 60);
    console.log('detection', det);
    const dis = dissemination(1000, quick ? 1 : 3);
    console.log('dissemination', dis);
    const fpRounds = quick ? 200 : 1000;
    const lossOn = falsePositivesLoss(true, 100, fpRounds);
    const lossOff = falsePositivesLoss(false, 100, fpRounds);
    console.log('loss', lossOn, lossOff);
    const slowRounds = quick ? 200 : 1000;
    const slowOn = [1, 2, 3].map((seed) => falsePositivesSlow(true, 100, slowRounds, seed));
    const slowOff = [1, 2, 3].map((seed) => falsePositivesSlow(false, 100, slowRounds, seed));
    console.log('slow', slowOn, slowOff);
    const sizes = quick ? [10, 100] : [10, 30, 100, 300, 1000];
    const loads = sizes.map(load);
    console.log('load', loads);
    const heals = (quick ? [1] : [1, 2, 3]).map((seed) => healing(seed));
    console.log('healing', heals);
    // Longer than the LAN reclaimTime (300 s): each side has forgotten the other.
    const longHeals = (quick ? [1] : [1, 2]).map((seed) => healing(seed, 400_000));
    console.log('long healing', longHeals);
    const speeds = [speed(1000, quick ? 50 : 300), speed(1000, quick ? 50 : 300)];
    console.log('speed', speeds);

    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const slowOnDeaths = sum(slowOn.map((r) => r.healthyDeaths));
    const slowOffDeaths = sum(slowOff.map((r) => r.healthyDeaths));
    const slowOnSusp = sum(slowOn.map((r) => r.healthySuspicions));
    const slowOffSusp = sum(slowOff.map((r) => r.healthySuspicions));
    const slowOnAcc = sum(slowOn.map((r) => r.accusationsBySlowNode));
    const slowOffAcc = sum(slowOff.map((r) => r.accusationsBySlowNode));
    const factor = (off: number, on: number) =>
      on === 0 ? (off === 0 ? 'both 0' : `≥ ${off}× (${off} → 0)`) : `${fmt(off / on, 1)}×`;
    const cpu = median(speeds.map((s) => s.cpuMs));
    const flat = loads.map((l) => l.messagesPerMemberPerPeriod);

    const markdown = `
LAN settings (1 s period, 500 ms probe timeout, k = 3), deterministic simulator, virtual time;
1 ms links unless stated. "bound" is the target of the membership issue; ratio = measured / bound
(≤ 1 meets it).

| property | measured | bound | ratio |
| --- | --- | --- | --- |
| first suspicion after 1 of ${det.n} crashes, median of ${det.seeds} seeds | ${periods(det.firstSuspicionMedianMs)} (p90 ${periods(det.firstSuspicionP90Ms)}) | 1.6 periods + probe timeout = ${periods(det.firstSuspicionBoundMs)} | ${fmt(det.firstSuspicionMedianMs / det.firstSuspicionBoundMs)} |
| every live member marks it dead, after the first suspicion (median / worst) | ${periods(det.allDeadAfterFirstSuspicionMedianMs)} / ${periods(det.allDeadAfterFirstSuspicionMaxMs)} | suspicion timeout + 3 periods = ${periods(det.allDeadBoundMs)} | ${fmt(det.allDeadAfterFirstSuspicionMaxMs / det.allDeadBoundMs)} |
| a join reaches all ${dis.n} members (median / worst of ${dis.runs}) | ${periods(dis.medianMs)} / ${periods(dis.maxMs)} | 2 × ⌈log2 ${dis.n}⌉ = ${periods(dis.boundMs)} | ${fmt(dis.maxMs / dis.boundMs)} |
| healing: 50/50 partition of 100 for 60 s, full membership everywhere after healing | ${heals.map((h) => `${fmt(h.healedMs / 1000, 1)} s`).join(', ')} | 30 s | ${fmt(Math.max(...heals.map((h) => h.healedMs)) / 30_000)} |
| same, partition of 400 s (longer than reclaimTime: both sides forgot the other) | ${longHeals.map((h) => `${fmt(h.healedMs / 1000, 1)} s`).join(', ')} | 30 s | ${fmt(Math.max(...longHeals.map((h) => h.healedMs)) / 30_000)} |
| 1,000 members × ${speeds[0] === undefined ? 0 : quick ? 50 : 300} periods, CPU (median of ${speeds.length}) | ${fmt(cpu / 1000, 1)} s | 20 s | ${fmt(cpu / 20_000)} |

The SWIM paper expects the first detection e/(e−1) ≈ 1.58 periods after a crash; the bound above
adds the probe timeout because a suspicion is raised at the end of the failed probe's period.

False positives: "dead" and "suspected" count membership events about healthy members, summed
over every observer (one suspicion seen by 99 members counts 99). Lifeguard off = classic SWIM
(fixed suspicion timeout, no local health, no nacks, no suspicion checks).

| scenario (100 members) | Lifeguard on: dead / suspected | Lifeguard off: dead / suspected | reduction (off ÷ on) |
| --- | --- | --- | --- |
| ${fpRounds} periods, 10 % loss on every link | ${lossOn.deaths} / ${lossOn.suspicions} | ${lossOff.deaths} / ${lossOff.suspicions} | deaths ${factor(lossOff.deaths, lossOn.deaths)}, suspicions ${factor(lossOff.suspicions, lossOn.suspicions)} |
| ${slowRounds} periods × 3 seeds, one node's input delayed 3 periods (healthy nodes only) | ${slowOnDeaths} / ${slowOnSusp} | ${slowOffDeaths} / ${slowOffSusp} | deaths ${factor(slowOffDeaths, slowOnDeaths)}, suspicions ${factor(slowOffSusp, slowOnSusp)} |
| same, accusations raised by the slow node | ${slowOnAcc} | ${slowOffAcc} | ${factor(slowOffAcc, slowOnAcc)} |

Load: messages sent per member per period (Ping, Pong, PingReq, IndirectAck, Nack, Gossip, PushPull
all counted), steady state over 100 periods:

| members | ${loads.map((l) => l.n).join(' | ')} |
| --- | ${loads.map(() => '---').join(' | ')} |
| messages / member / period | ${flat.map((x) => fmt(x)).join(' | ')} |
| ratio to 10 members | ${flat.map((x) => fmt(x / flat[0]!)).join(' | ')} |
`;
    return {
      title: 'SWIM membership (simulated, LAN settings)',
      markdown,
      data: {
        detection: det,
        dissemination: dis,
        falsePositives: { loss: [lossOn, lossOff], slow: { on: slowOn, off: slowOff } },
        load: loads,
        healing: heals,
        longHealing: longHeals,
        speed: speeds,
      },
    };
  },
};

export default suite;
