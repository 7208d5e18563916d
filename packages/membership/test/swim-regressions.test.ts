import { SimulatedNetwork } from '@tala-net/transport-inprocess';
import { NodeId, seededRandom } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import {
  MAX_INCARNATION,
  MembershipList,
  type MemberUpdate,
  SwimEngine,
  SwimNode,
  swimConfig,
} from '../src/index.js';
import { DisseminationQueue, ProbeSchedule } from '../src/internal.js';
import { alive, cluster, deliverAll, sent, testConfig, timers } from './support/engines.js';
import { SwimCluster } from './support/swim-sim.js';

const n1 = NodeId(1);
const n2 = NodeId(2);
const n3 = NodeId(3);
const PROBE = { kind: 'probe' } as const;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (address: Uint8Array | undefined) => new TextDecoder().decode(address);

function gossip(from: NodeId, ...updates: MemberUpdate[]) {
  return { type: 'Gossip', from, updates } as const;
}

/** Engine 1 of a 3-member cluster, with member 3 declared dead at 0 and forgotten at reclaim. */
function forgotten(config = testConfig({ reclaimTime: 60_000 })) {
  const e = cluster(3, config).get(n1)!;
  e.start(0);
  const out = e.handleMessage(0, n2, gossip(n2, alive(3, 4n), { ...alive(3, 4n), state: 'Dead' }));
  const reclaim = timers(out, 'reclaim')[0]!;
  expect(reclaim.at).toBe(60_000);
  e.handleTimer(60_000, reclaim.timer);
  expect(e.member(n3)).toBeUndefined();
  return e;
}

describe('a member that flaps within one message', () => {
  it('arms one reclaim timer, and is reclaimed after its last departure', () => {
    const e = cluster(3, testConfig({ reclaimTime: 60_000 })).get(n1)!;
    e.start(0);
    // Node 3, speaking for itself: left and came back 200 times in one gossip.
    const flaps: MemberUpdate[] = [];
    for (let i = 1n; i <= 200n; i++) flaps.push(alive(3, i), { ...alive(3, i), state: 'Left' });
    const first = timers(e.handleMessage(0, n3, gossip(n3, ...flaps)), 'reclaim');
    expect(first).toHaveLength(1);
    expect(e.member(n3)?.state).toBe('Left');
    // It comes back and leaves again later: the pending timer serves, re-armed for the new time.
    expect(timers(e.handleMessage(10_000, n3, gossip(n3, alive(3, 201n))), 'reclaim')).toEqual([]);
    const again = e.handleMessage(20_000, n3, gossip(n3, { ...alive(3, 201n), state: 'Left' }));
    expect(timers(again, 'reclaim')).toEqual([]);
    const rearmed = timers(e.handleTimer(60_000, first[0]!.timer), 'reclaim');
    expect(rearmed.map((t) => t.at)).toEqual([80_000]);
    expect(e.member(n3)?.state).toBe('Left');
    e.handleTimer(80_000, rearmed[0]!.timer);
    expect(e.member(n3)).toBeUndefined();
  });
});

describe('forgotten members stay forgotten', () => {
  it('a Dead in a push-pull, or a Suspect / Dead / Left by gossip, does not bring one back', () => {
    const e = forgotten();
    const stale = [
      {
        type: 'PushPull',
        from: n2,
        reply: true,
        members: [alive(2), { ...alive(3, 4n), state: 'Dead' }],
      },
      gossip(n2, { ...alive(3, 4n), state: 'Suspect' }),
      gossip(n2, { ...alive(3, 9n), state: 'Dead' }),
      gossip(n2, { ...alive(3, 9n), state: 'Left' }),
      gossip(n2, { ...alive(9, 0n), state: 'Suspect' }), // never known at all
    ] as const;
    for (const message of stale) {
      expect(e.handleMessage(61_000, n2, message).events).toEqual([]);
    }
    expect(e.member(n3)).toBeUndefined();
    expect(e.member(NodeId(9))).toBeUndefined();
    expect(e.list.stateOf(n3)).toBeUndefined();
  });

  it('a stale Alive is ignored until the tombstone expires; a higher incarnation rejoins', () => {
    const e = forgotten();
    expect(e.handleMessage(61_000, n2, gossip(n2, alive(3, 4n))).events).toEqual([]);
    expect(e.stats.staleUpdates).toBe(1);
    const rejoin = e.handleMessage(62_000, n2, gossip(n2, alive(3, 5n)));
    expect(rejoin.events.map((c) => c.type)).toEqual(['joined']);
    expect(e.member(n3)?.incarnation).toBe(5n);
    // After reclaimTime more, the tombstone is gone: even an equal incarnation is news.
    const other = forgotten();
    expect(other.handleMessage(120_000, n2, gossip(n2, alive(3, 4n))).events).toHaveLength(1);
  });

  it('a forgotten member speaking for itself is told its death, refutes, and is accepted', () => {
    const e = forgotten();
    const back = new SwimEngine({ id: n3, random: seededRandom(3), incarnation: 4n });
    const out = e.handleMessage(61_000, n3, gossip(n3, alive(3, 4n)));
    const told = sent(out, 'Gossip')[0]!;
    expect(told.to).toBe(n3);
    expect(told.message.updates).toContainEqual(
      expect.objectContaining({ node: n3, state: 'Dead', incarnation: 4n }),
    );
    const answer = back.handleMessage(61_001, n1, told.message);
    expect(back.incarnation).toBe(5n);
    deliverAll(new Map([[n1, e]]), n3, answer, 61_002);
    expect(e.member(n3)).toMatchObject({ state: 'Alive', incarnation: 5n });
  });

  it('simulator: a crashed member is forgotten everywhere under 30 % loss', () => {
    const config = swimConfig('lan', { reclaimTime: 60_000, pushPullInterval: 5000 });
    const c = new SwimCluster({ n: 20, seed: 3, config, link: { loss: 0.3 } });
    c.sim.runFor(10_000);
    const victim = NodeId(5);
    c.crash(victim);
    c.sim.runFor(240_000);
    expect(c.live().filter((node) => node.member(victim) !== undefined)).toEqual([]);
    const crashAt = 10_000;
    // Nothing learned it back after it was forgotten.
    const joins = c.events.filter((e) => e.type === 'joined' && e.node === victim);
    expect(joins.filter((e) => e.time > crashAt)).toEqual([]);
  });
});

describe('healing after a partition longer than the reclaim time', () => {
  for (const bootstrap of ['static', 'seeds'] as const) {
    it(`re-merges (${bootstrap} bootstrap)`, () => {
      const config = swimConfig('lan', { reclaimTime: 60_000 });
      const c = new SwimCluster({ n: 10, seed: 5, bootstrap, config });
      expect(c.runUntilConverged(30_000)).toBeDefined();
      c.sim.partition(c.ids.slice(0, 5), c.ids.slice(5));
      c.sim.runFor(150_000); // both sides forget the other
      expect(c.nodes.get(n1)!.member(NodeId(10))).toBeUndefined();
      c.sim.heal();
      expect(c.runUntilConverged(60_000, 1000)).toBeDefined();
    });
  }
});

describe('restart with the same id and a new address', () => {
  it('the restarted node refutes the old record and the others adopt the new address', () => {
    const a = new SwimEngine({ id: n1, random: seededRandom(1) });
    a.start(0);
    const old = new SwimEngine({
      id: n2,
      random: seededRandom(2),
      seeds: [n1],
      address: bytes('old'),
    });
    const engines = new Map([
      [n1, a],
      [n2, old],
    ]);
    deliverAll(engines, n2, old.start(0), 0);
    expect(text(a.member(n2)?.address)).toBe('old');
    const fresh = new SwimEngine({
      id: n2,
      random: seededRandom(3),
      seeds: [n1],
      address: bytes('new'),
    });
    engines.set(n2, fresh);
    deliverAll(engines, n2, fresh.start(1000), 1000);
    expect(fresh.incarnation).toBe(1n);
    expect(a.member(n2)).toMatchObject({ state: 'Alive', incarnation: 1n });
    expect(text(a.member(n2)?.address)).toBe('new');
  });

  it('an Alive about itself at its incarnation with its own address changes nothing', () => {
    const e = new SwimEngine({ id: n1, random: seededRandom(1), address: bytes('me') });
    e.handleMessage(0, n2, gossip(n2, { ...alive(1), address: bytes('me') }));
    expect(e.incarnation).toBe(0n);
    e.handleMessage(0, n2, gossip(n2, { ...alive(1), address: bytes('other') }));
    expect(e.incarnation).toBe(1n);
  });
});

describe('timers firing early or late', () => {
  it('a suspicion timer fired early is re-armed at its deadline, then declares the death', () => {
    const e = cluster(3, testConfig({ lifeguard: false })).get(n1)!;
    e.start(0);
    const out = e.handleMessage(10, n2, gossip(n2, { ...alive(3), state: 'Suspect' }));
    const timer = timers(out, 'suspicion')[0]!;
    const early = e.handleTimer(timer.at - 1.4, timer.timer);
    expect(timers(early, 'suspicion')).toEqual([{ at: timer.at, timer: timer.timer }]);
    expect(e.member(n3)?.state).toBe('Suspect');
    e.handleTimer(timer.at, timer.timer);
    expect(e.member(n3)?.state).toBe('Dead');
  });

  it('a reclaim timer fired early is re-armed; a duplicate probe timeout asks no relays twice', () => {
    const e = cluster(4).get(n1)!;
    e.start(0);
    const out = e.handleMessage(0, n2, gossip(n2, { ...alive(3), state: 'Dead' }));
    const reclaim = timers(out, 'reclaim')[0]!;
    const early = e.handleTimer(reclaim.at - 1, reclaim.timer);
    expect(timers(early, 'reclaim')[0]?.at).toBe(reclaim.at);
    expect(e.member(n3)?.state).toBe('Dead');
    e.handleTimer(reclaim.at + 50, reclaim.timer); // late is fine
    expect(e.member(n3)).toBeUndefined();

    const probe = e.handleTimer(1000, PROBE);
    const timeout = timers(probe, 'probeTimeout')[0]!;
    expect(sent(e.handleTimer(timeout.at - 1, timeout.timer), 'PingReq').length).toBeGreaterThan(0);
    expect(sent(e.handleTimer(timeout.at, timeout.timer), 'PingReq')).toEqual([]);
  });
});

describe('Lifeguard nacks arrive within the requester period', () => {
  for (const [preset, latency] of [
    ['lan', 60],
    ['wan', 60],
    ['wan', 300],
  ] as const) {
    it(`${preset}, ${latency} ms one-way: healthy nodes keep local health 0 after a crash`, () => {
      const c = new SwimCluster({
        n: 10,
        seed: 4,
        config: swimConfig(preset),
        link: { latency: { kind: 'fixed', ms: latency } },
      });
      const period = c.config.probeInterval;
      c.sim.runFor(20 * period);
      c.crash(NodeId(5));
      let worst = 0;
      for (let i = 0; i < 60; i++) {
        c.sim.runFor(period / 2);
        for (const node of c.live()) worst = Math.max(worst, node.engine.awareness);
      }
      expect(worst).toBe(0);
      expect(c.eventsAbout('dead', NodeId(5)).length).toBe(9);
    });
  }
});

describe('input bounds', () => {
  it('rejects an incarnation that could not be refuted, and never goes above 2^64 − 1', () => {
    const e = cluster(2).get(n1)!;
    const max = 2n ** 64n - 1n;
    expect(MAX_INCARNATION).toBe(max - 1n);
    // An update above MAX_INCARNATION is dropped alone; the rest of its message is taken.
    e.handleMessage(0, n2, gossip(n2, { ...alive(1, max), state: 'Suspect' }, alive(3)));
    expect(e.incarnation).toBe(0n);
    expect(e.stats.rejectedUpdates).toBe(1);
    expect(e.member(n3)?.state).toBe('Alive');
    // An accusation at MAX_INCARNATION only raises the node one above its own incarnation.
    e.handleMessage(0, n2, gossip(n2, { ...alive(1, MAX_INCARNATION), state: 'Suspect' }));
    expect(e.incarnation).toBe(1n);
    // A member's Alive record of it at MAX_INCARNATION (its previous run, or a forgery by an
    // authenticated member) lifts it to 2^64 − 1, and nothing lifts it further.
    e.handleMessage(0, n2, gossip(n2, alive(1, MAX_INCARNATION), alive(1, MAX_INCARNATION)));
    expect(e.incarnation).toBe(max);
    e.handleMessage(0, n2, gossip(n2, { ...alive(1, MAX_INCARNATION), state: 'Dead' }));
    expect(e.incarnation).toBe(max);
    expect(() => new SwimEngine({ id: n1, random: seededRandom(1), incarnation: max })).toThrow();
  });

  it('rejects node ids, targets and seqs outside u64', () => {
    const e = cluster(2).get(n1)!;
    e.handleMessage(0, n2, gossip(n2, alive(3, 0n), { ...alive(1), node: (2n ** 64n) as NodeId }));
    e.handleMessage(0, n2, { type: 'PingReq', from: n2, seq: -1n, target: n3 });
    e.handleMessage(0, n2, { type: 'Ping', from: n2, seq: 2n ** 64n });
    expect(e.stats.badMessages).toBe(3);
    expect(e.member(n3)).toBeUndefined();
  });

  it('takes at most maxUpdatesPerMessage updates from one message, counting the rest', () => {
    const e = cluster(2, testConfig({ maxUpdatesPerMessage: 3 })).get(n1)!;
    const updates = Array.from({ length: 5 }, (_, i) => alive(10 + i));
    e.handleMessage(0, n2, gossip(n2, ...updates));
    expect(e.members().length).toBe(5);
    expect(e.stats.droppedUpdates).toBe(2);
    e.handleMessage(0, n2, { type: 'PushPull', from: n2, reply: true, members: updates });
    expect(e.stats.droppedUpdates).toBe(4);
    expect(() => swimConfig('lan', { maxUpdatesPerMessage: 0 })).toThrow();
  });

  it('counts messages of other protocols', () => {
    const e = cluster(2).get(n1)!;
    e.handleMessage(0, n2, { type: 'Heartbeat', from: n2 } as never);
    expect(e.stats.ignoredMessages).toBe(1);
  });
});

describe('one datagram per probe', () => {
  it('the probe frame and its Gossip frame together stay within gossipBudget', () => {
    const budget = 21 + 17 + 3 * 19 + 10; // a Pong, a Gossip header, three updates and change
    const e = cluster(2, testConfig({ gossipBudget: budget })).get(n1)!;
    e.handleMessage(0, n2, gossip(n2, ...Array.from({ length: 8 }, (_, i) => alive(10 + i))));
    const out = e.handleMessage(1, n2, { type: 'Ping', from: n2, seq: 1n });
    expect(sent(out, 'Gossip')[0]!.message.updates).toHaveLength(3);
  });
});

describe('small parts', () => {
  it('DisseminationQueue: replacing an update keeps one entry per member', () => {
    const queue = new DisseminationQueue();
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 10; i++) queue.enqueue(alive(i, BigInt(round)));
    }
    expect(queue.size).toBe(10);
    const taken = queue.take(10_000, 5);
    expect(taken).toHaveLength(10);
    expect(taken.every((u) => u.incarnation === 49n)).toBe(true);
  });

  it('ProbeSchedule: a member inserted again in the same round is probed once', () => {
    const schedule = new ProbeSchedule(seededRandom(1));
    const members = [NodeId(1), NodeId(2), NodeId(3)];
    const seen: NodeId[] = [];
    seen.push(
      schedule.next(
        () => [...members],
        () => true,
      )!,
    );
    schedule.insert(seen[0]!); // e.g. dead and alive again within the round
    schedule.insert(members.find((m) => m !== seen[0])!);
    for (let i = 0; i < 2; i++)
      seen.push(
        schedule.next(
          () => [...members],
          () => true,
        )!,
      );
    expect(new Set(seen).size).toBe(3);
  });

  it('MembershipList.members is a fresh snapshot', () => {
    const list = new MembershipList();
    list.addMember(n1);
    const members = list.members;
    members[0]![1] = 'Dead';
    members.push([n2, 'Alive']);
    expect(list.stateOf(n1)).toBe('Alive');
    expect(list.members).toEqual([[n1, 'Alive']]);
    expect(list.members).not.toBe(list.members);
  });
});

describe('SwimNode driver', () => {
  function pair() {
    const sim = new SimulatedNetwork({ seed: 2 });
    sim.addNode(n1);
    sim.addNode(n2);
    const address = bytes('a1');
    const make = (id: NodeId, seed: number) =>
      new SwimNode({
        transport: sim.transport(id),
        clock: sim.clockFor(id),
        random: seededRandom(seed),
        config: 'local',
        address: id === n1 ? address : bytes('a2'),
        ...(id === n1 ? {} : { seeds: [n1] }),
      });
    return { sim, address, a: make(n1, 1), b: make(n2, 2) };
  }

  it('a listener that stops the node mid-batch gets no further events', () => {
    const { sim, a } = pair();
    const seen: bigint[] = [];
    a.addEventListener('joined', (event) => {
      seen.push(event.member.node);
      a.stop();
    });
    a.start();
    // One message, three new members (the sender joins first): three `joined` events in one batch.
    sim.transport(n2).send(n1, gossip(n2, alive(2), alive(7), alive(8)));
    sim.runFor(50);
    expect(a.running).toBe(false);
    expect(seen).toEqual([2n]);
  });

  it('members(), member() and event.member are copies; the address option is copied', () => {
    const { sim, address, a, b } = pair();
    b.addEventListener('joined', (event) => event.member.address.set(bytes('ev')));
    a.start();
    b.start();
    address.set(bytes('zz')); // the caller's buffer, changed after construction
    expect(text(a.member(n1)?.address)).toBe('a1');
    const mine = a.members()[0]!;
    mine.address.set(bytes('xx'));
    (mine as { state: string }).state = 'Dead';
    a.member(n1)!.address.set(bytes('yy'));
    expect(a.member(n1)).toMatchObject({ state: 'Alive' });
    expect(text(a.member(n1)?.address)).toBe('a1');
    sim.runFor(3000);
    expect(text(b.member(n1)?.address)).toBe('a1');
  });
});
