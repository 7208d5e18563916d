import { NodeId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { swimConfig } from '../src/index.js';
import { suspicionBounds } from '../src/internal.js';
import { SwimCluster } from './support/swim-sim.js';

const lan = swimConfig('lan');
const PERIOD = lan.probeInterval;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('SWIM in the simulator (LAN settings, virtual time)', () => {
  it('nodes joining through one seed converge to the full membership', () => {
    const c = new SwimCluster({ n: 30, seed: 3, bootstrap: 'seeds' });
    expect(c.runUntilConverged(30_000)).toBeDefined();
    for (const node of c.live()) expect(node.list.aliveMembers()).toHaveLength(30);
  });

  it('detection: first suspicion within 1.6 periods + probe timeout (median), all dead soon after', () => {
    const n = 50;
    const firstSuspicions: number[] = [];
    for (let seed = 1; seed <= 15; seed++) {
      const c = new SwimCluster({ n, seed });
      c.sim.runFor(5000);
      const victim = NodeId(1 + (seed % n));
      const crashAt = c.sim.now();
      c.crash(victim);
      c.sim.runFor(40_000);
      const suspected = c.eventsAbout('suspected', victim);
      const dead = c.eventsAbout('dead', victim);
      expect(suspected.length).toBeGreaterThan(0);
      const first = suspected[0]!.time;
      firstSuspicions.push(first - crashAt);
      // Every live member marks it dead within the suspicion timeout + 3 periods, after the
      // probe timeout for which the first accuser keeps its suspicion to itself.
      expect(new Set(dead.map((e) => e.observer)).size).toBe(n - 1);
      const { min } = suspicionBounds(lan, n);
      expect(dead.at(-1)!.time - first).toBeLessThanOrEqual(min + lan.probeTimeout + 3 * PERIOD);
      // Nobody else was suspected.
      expect(c.events.filter((e) => e.type === 'suspected' && e.node !== victim)).toEqual([]);
    }
    expect(median(firstSuspicions)).toBeLessThanOrEqual(1.6 * PERIOD + lan.probeTimeout);
  });

  it('dissemination: a new member reaches all 128 members within 2 × ⌈log2 n⌉ periods', () => {
    const n = 128;
    const c = new SwimCluster({ n, seed: 5 });
    c.sim.runFor(35_000); // let the start-up push-pulls pass
    const joiner = NodeId(n + 1);
    c.sim.addNode(joiner);
    c.ids.push(joiner);
    const joinedAt = c.sim.now();
    c.restart(joiner, [NodeId(1)]);
    let reached: number | undefined;
    for (let t = 0; t <= 2 * Math.ceil(Math.log2(n)) * PERIOD; t += 100) {
      if (c.live().every((node) => node.list.stateOf(joiner) === 'Alive')) {
        reached = c.sim.now() - joinedAt;
        break;
      }
      c.sim.runFor(100);
    }
    expect(reached).toBeDefined();
  });

  it('false positives: 10 % packet loss for 300 periods marks no healthy node dead', () => {
    const c = new SwimCluster({ n: 40, seed: 7, link: { loss: 0.1 } });
    c.sim.runFor(300 * PERIOD);
    expect(c.events.filter((e) => e.type === 'dead')).toEqual([]);
    // A false suspicion mostly stays with its accuser: the suspect hears of it first and refutes
    // before it is gossiped (a few, whose messages were lost, reach more members).
    let raised = 0;
    for (const node of c.nodes.values()) raised += node.engine.stats.suspicionsRaised;
    const suspected = c.events.filter((e) => e.type === 'suspected').length;
    console.log(
      `10 % loss, 40 members: ${raised} suspicions raised, ${suspected} members suspecting`,
    );
    expect(raised).toBeGreaterThan(0);
    expect(suspected).toBeLessThanOrEqual(4 * raised);
    // Under loss a refutation may be in flight at any instant: it settles within a few periods.
    expect(c.runUntilConverged(10 * PERIOD)).toBeDefined();
  });

  it('a slow node (processing delayed by 3 periods) gets no healthy node marked dead', () => {
    const run = (lifeguard: boolean) => {
      const c = new SwimCluster({ n: 30, seed: 11, config: swimConfig('lan', { lifeguard }) });
      const slow = NodeId(30);
      for (const id of c.ids) {
        if (id !== slow) c.sim.setLink(id, slow, { latency: { kind: 'fixed', ms: 3 * PERIOD } });
      }
      c.sim.runFor(200 * PERIOD);
      const healthy = (e: { node: NodeId }) => e.node !== slow;
      return {
        dead: c.events.filter((e) => e.type === 'dead' && healthy(e)).length,
        suspected: c.events.filter((e) => e.type === 'suspected' && healthy(e)).length,
        accusations: c.nodes.get(slow)!.engine.stats.suspicionsRaised,
      };
    };
    const withLifeguard = run(true);
    const without = run(false);
    expect(withLifeguard.dead).toBe(0);
    expect(withLifeguard.accusations).toBeLessThan(without.accusations);
    expect(withLifeguard.suspected).toBeLessThan(without.suspected);
  });

  it('healing: a 50/50 partition for 60 s re-merges within 30 s of healing', () => {
    const c = new SwimCluster({ n: 20, seed: 13 });
    c.sim.runFor(5000);
    const left = c.ids.slice(0, 10);
    const right = c.ids.slice(10);
    c.sim.partition(left, right);
    c.sim.runFor(60_000);
    // Each side has declared the other dead.
    expect(c.nodes.get(left[0]!)!.list.stateOf(right[0]!)).toBe('Dead');
    c.sim.heal();
    const healedIn = c.runUntilConverged(30_000);
    expect(healedIn).toBeDefined();
  });

  it('healing: one healing contact re-merges both sides within 15 periods, before and after reclaimTime', () => {
    // 20 members split 10/10, for 60 s (each side holds the other Dead) and for longer than
    // reclaimTime (each side has forgotten the other). Healing contacts are rare (about one per
    // healInterval across the cluster): the first one must bring everyone back.
    const PERIOD = swimConfig('lan').probeInterval;
    const worst: number[] = [];
    for (const partitionMs of [60_000, 320_000]) {
      let most = 0;
      for (const seed of [1, 2, 3, 4, 5]) {
        const c = new SwimCluster({ n: 20, seed, log: false });
        c.sim.runFor(5000);
        c.sim.partition(c.ids.slice(0, 10), c.ids.slice(10));
        c.sim.runFor(partitionMs);
        const other = c.nodes.get(NodeId(1))!.member(NodeId(20));
        expect(other === undefined || other.state === 'Dead').toBe(true);
        c.sim.heal();
        const healedIn = c.runUntilConverged(60_000) ?? Number.POSITIVE_INFINITY;
        most = Math.max(most, healedIn);
      }
      worst.push(most / PERIOD);
    }
    console.log(
      `healing (20 members, seeds 1-5): worst ${worst.join(' / ')} periods after 60 s / 320 s`,
    );
    for (const periods of worst) expect(periods).toBeLessThanOrEqual(15);
  });

  it('a crashed node restarted with the same id rejoins with a higher incarnation', () => {
    const c = new SwimCluster({ n: 10, seed: 17 });
    c.sim.runFor(5000);
    const id = NodeId(4);
    c.crash(id);
    c.sim.runFor(30_000);
    expect(c.nodes.get(NodeId(1))!.list.stateOf(id)).toBe('Dead');
    const node = c.restart(id, [NodeId(1)]);
    expect(c.runUntilConverged(20_000)).toBeDefined();
    expect(node.engine.incarnation).toBeGreaterThan(0n);
    for (const other of c.live())
      expect(other.engine.member(id)?.incarnation).toBe(node.engine.incarnation);
  });

  it('a graceful leave reaches every member, which then stop probing it', () => {
    const c = new SwimCluster({ n: 20, seed: 19 });
    c.sim.runFor(5000);
    const leaver = c.nodes.get(NodeId(7))!;
    leaver.leave();
    c.sim.runFor(10 * PERIOD);
    leaver.stop();
    c.sim.crash(NodeId(7));
    c.sim.runFor(20 * PERIOD);
    const observers = new Set(c.eventsAbout('left', NodeId(7)).map((e) => e.observer));
    expect(observers.size).toBe(19);
    expect(c.eventsAbout('dead', NodeId(7))).toEqual([]);
    expect(c.eventsAbout('suspected', NodeId(7))).toEqual([]);
  });

  it('load: messages per member per period stay flat from 10 to 80 members', () => {
    const perMemberPerPeriod = (n: number) => {
      const c = new SwimCluster({ n, seed: 23 });
      c.sim.runFor(40 * PERIOD);
      const before = c.sim.stats.sent;
      c.sim.runFor(100 * PERIOD);
      return (c.sim.stats.sent - before) / n / 100;
    };
    const small = perMemberPerPeriod(10);
    const large = perMemberPerPeriod(80);
    expect(large / small).toBeLessThan(1.5);
    expect(large).toBeLessThan(4);
  });
});
