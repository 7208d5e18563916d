import { encodedLength } from '@tala-net/codec';
import { NodeId, seededRandom, TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import {
  SwimEngine as Engine,
  type MemberUpdate,
  type SwimEngine,
  type SwimOutput,
  type SwimTimer,
} from '../src/index.js';
import { suspicionBounds } from '../src/internal.js';
import { alive, cluster, deliverAll, sent, testConfig, timers } from './support/engines.js';

const PROBE = { kind: 'probe' } as const;
const n1 = NodeId(1);
const n2 = NodeId(2);
const n3 = NodeId(3);
const n4 = NodeId(4);

function engine(engines: Map<NodeId, SwimEngine>, id: NodeId): SwimEngine {
  return engines.get(id)!;
}

/** Runs one probe of node 1 at `now` and returns the probed target and the output. */
function probe(e: SwimEngine, now: number) {
  const out = e.handleTimer(now, PROBE);
  const ping = sent(out, 'Ping')[0];
  return { out, ping };
}

/**
 * Fires a due suspicion timer: with Lifeguard, first the last look (one Ping to the suspect,
 * its suspicion piggybacked first, and a timer one probe timeout later), then the verdict.
 */
function verdict(e: SwimEngine, at: number, timer: SwimTimer) {
  const look = e.handleTimer(at, timer);
  expect(look.events).toEqual([]);
  const [ping] = sent(look, 'Ping');
  expect(ping?.to).toBe((timer as { node: NodeId }).node);
  expect(sent(look, 'Gossip')[0]?.message.updates[0]?.state).toBe('Suspect');
  const [again] = timers(look, 'suspicion');
  expect(again!.at).toBe(at + e.config.probeTimeout * (e.awareness + 1));
  return e.handleTimer(again!.at, again!.timer).events[0]!;
}

/**
 * Runs periods of `e` from `start`, every other target answering, until its probe of `target`
 * went unanswered; returns the output of the period that ended that probe and its time.
 */
function probeUntilFailed(e: SwimEngine, target: NodeId, start: number) {
  let probing = false;
  for (let at = start; at < start + 100_000; at += 1000) {
    const { out, ping } = probe(e, at);
    if (probing) return { out, at };
    if (ping === undefined) continue;
    if (ping.to === target) probing = true;
    else e.handleMessage(at + 1, ping.to, { type: 'Pong', from: ping.to, seq: ping.message.seq });
  }
  throw new Error('never probed');
}

describe('SwimEngine: direct probes', () => {
  it('answers a Ping with a Pong of the same seq', () => {
    const engines = cluster(2);
    const out = engine(engines, n2).handleMessage(0, n1, { type: 'Ping', from: n1, seq: 7n });
    expect(sent(out, 'Pong')).toEqual([{ to: n1, message: { type: 'Pong', from: n2, seq: 7n } }]);
  });

  it('probes one member per period and schedules the next period and the probe timeout', () => {
    const engines = cluster(2);
    const { out, ping } = probe(engine(engines, n1), 1000);
    expect(ping?.to).toBe(n2);
    expect(timers(out, 'probe')).toEqual([{ at: 2000, timer: { kind: 'probe' } }]);
    expect(timers(out, 'probeTimeout')[0]?.at).toBe(1500);
  });

  it('an acked probe raises no suspicion', () => {
    const engines = cluster(2);
    const a = engine(engines, n1);
    const { out } = probe(a, 1000);
    deliverAll(engines, n1, out, 1001);
    const timeout = timers(out, 'probeTimeout')[0]!;
    expect(sent(a.handleTimer(1500, timeout.timer), 'PingReq')).toEqual([]);
    const next = a.handleTimer(2000, PROBE);
    expect(next.events).toEqual([]);
    expect(a.list.stateOf(n2)).toBe('Alive');
  });

  it('ignores a Pong with the wrong seq or from another node', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    const { ping } = probe(a, 1000);
    const other = ping!.to === n2 ? n3 : n2;
    a.handleMessage(1001, ping!.to, { type: 'Pong', from: ping!.to, seq: 999n });
    a.handleMessage(1001, other, { type: 'Pong', from: other, seq: ping!.message.seq });
    const next = a.handleTimer(2000, PROBE);
    expect(next.events.map((e) => [e.type, e.member.node])).toEqual([['suspected', ping!.to]]);
  });
});

describe('SwimEngine: indirect probes', () => {
  it('asks k members to probe after the probe timeout, and their ack clears the probe', () => {
    const engines = cluster(5);
    const a = engine(engines, n1);
    const { out, ping } = probe(a, 1000);
    const target = ping!.to;
    // The direct ping is lost.
    const timeout = timers(out, 'probeTimeout')[0]!;
    const indirect = a.handleTimer(1500, timeout.timer);
    const requests = sent(indirect, 'PingReq');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.to)).size).toBe(3);
    for (const r of requests) {
      expect(r.to).not.toBe(target);
      expect(r.message).toMatchObject({ from: n1, target, seq: ping!.message.seq });
    }
    const produced = deliverAll(engines, n1, indirect, 1501);
    const acks = produced.flatMap((p) => sent(p.out, 'IndirectAck'));
    expect(acks).toHaveLength(3);
    expect(a.handleTimer(2000, PROBE).events).toEqual([]);
    expect(a.list.stateOf(target)).toBe('Alive');
  });

  it('a relay sends a Nack when the target stays silent (Lifeguard)', () => {
    const engines = cluster(3);
    const relay = engine(engines, n2);
    const out = relay.handleMessage(0, n1, { type: 'PingReq', from: n1, seq: 5n, target: n3 });
    const ping = sent(out, 'Ping')[0]!;
    expect(ping.to).toBe(n3);
    const timeout = timers(out, 'relayTimeout')[0]!;
    expect(timeout.at).toBe(250); // half of the requester's remaining 500 ms
    expect(sent(relay.handleTimer(250, timeout.timer), 'Nack')).toEqual([
      { to: n1, message: { type: 'Nack', from: n2, seq: 5n, target: n3 } },
    ]);
  });

  it('without Lifeguard a relay sends no Nack', () => {
    const engines = cluster(3, testConfig({ lifeguard: false }));
    const out = engine(engines, n2).handleMessage(0, n1, {
      type: 'PingReq',
      from: n1,
      seq: 5n,
      target: n3,
    });
    const timeout = timers(out, 'relayTimeout')[0]!;
    expect(engine(engines, n2).handleTimer(400, timeout.timer).messages).toEqual([]);
  });

  it('a relay forwards the ack of the target as an IndirectAck with the original seq', () => {
    const engines = cluster(3);
    const relay = engine(engines, n2);
    const out = relay.handleMessage(0, n1, { type: 'PingReq', from: n1, seq: 5n, target: n3 });
    const relaySeq = sent(out, 'Ping')[0]!.message.seq;
    const ack = relay.handleMessage(1, n3, { type: 'Pong', from: n3, seq: relaySeq });
    expect(sent(ack, 'IndirectAck')).toEqual([
      { to: n1, message: { type: 'IndirectAck', from: n2, seq: 5n, target: n3 } },
    ]);
    // A late timeout sends nothing.
    expect(relay.handleTimer(400, timers(out, 'relayTimeout')[0]!.timer).messages).toEqual([]);
  });
});

describe('SwimEngine: suspicion', () => {
  it('suspects a member that acked neither directly nor indirectly, and gossips it', () => {
    const engines = cluster(4);
    const a = engine(engines, n1);
    const { ping } = probe(a, 1000);
    const target = ping!.to;
    const next = a.handleTimer(2000, PROBE);
    expect(next.events).toMatchObject([
      { type: 'suspected', previous: 'Alive', member: { node: target, state: 'Suspect' } },
    ]);
    expect(a.list.stateOf(target)).toBe('Suspect');
    const gossip = sent(next, 'Gossip').flatMap((g) => g.message.updates);
    expect(gossip).toContainEqual(expect.objectContaining({ node: target, state: 'Suspect' }));
    expect(a.stats.suspicionsRaised).toBe(1);
  });

  it('declares a suspect dead when its suspicion times out', () => {
    const config = testConfig({ lifeguard: false });
    const engines = cluster(3, config);
    const a = engine(engines, n1);
    const out = a.handleMessage(0, n2, {
      type: 'Gossip',
      from: n2,
      updates: [{ ...alive(3), state: 'Suspect' }],
    });
    const { min } = suspicionBounds(config, 3);
    expect(min).toBe(4000);
    const timer = timers(out, 'suspicion')[0]!;
    expect(timer.at).toBe(min);
    expect(a.handleTimer(min - 1, timer.timer).events).toEqual([]);
    const dead = a.handleTimer(min, timer.timer);
    expect(dead.events).toMatchObject([{ type: 'dead', member: { node: n3, state: 'Dead' } }]);
    expect(a.list.stateOf(n3)).toBe('Dead');
  });

  it('Lifeguard: a suspicion starts long; only distinct accusers shorten it', () => {
    const config = testConfig({ suspicionMult: 4, suspicionMaxTimeoutMult: 6 });
    const engines = cluster(10, config);
    const a = engine(engines, n1);
    const suspect: MemberUpdate = { ...alive(10), state: 'Suspect', accuser: n2 };
    const out = a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: [suspect] });
    const { min, max } = suspicionBounds(config, 10);
    expect(timers(out, 'suspicion')[0]!.at).toBe(max);
    // A member that only hears of a suspicion sends the suspect nothing (no herd of checks).
    expect(out.messages).toEqual([]);
    // Members relaying the same accusation confirm nothing; nor does an accuser we do not know.
    const relayed = a.handleMessage(1, n3, { type: 'Gossip', from: n3, updates: [suspect] });
    expect(timers(relayed, 'suspicion')).toEqual([]);
    for (const accuser of [NodeId(99), n1]) {
      // A stranger, or this node itself (only its own probe makes it an accuser).
      const named = a.handleMessage(1, n3, {
        type: 'Gossip',
        from: n3,
        updates: [{ ...suspect, accuser }],
      });
      expect(timers(named, 'suspicion')).toEqual([]);
    }
    // A second accuser shortens it, and its name is gossiped on.
    const second = a.handleMessage(2, n4, {
      type: 'Gossip',
      from: n4,
      updates: [{ ...suspect, accuser: n3 }],
    });
    const shorter = timers(second, 'suspicion')[0]!.at;
    expect(shorter).toBeLessThan(max);
    expect(shorter).toBeGreaterThan(min);
    expect(a.member(NodeId(10))).toMatchObject({ state: 'Suspect', accuser: n3 });
    // Our own round-robin probe of the suspect fails: we are the third accuser, k = 2
    // confirmations reach the minimum.
    const failed = probeUntilFailed(a, NodeId(10), 1000);
    const third = timers(failed.out, 'suspicion').find((t) => t.timer.node === NodeId(10))!;
    expect(third.at).toBe(min);
    expect(verdict(a, Math.max(min, failed.at), third.timer).type).toBe('dead');
  });

  it('Lifeguard: a member that only hears of a suspicion keeps the long timeout', () => {
    const config = testConfig();
    const engines = cluster(10, config);
    const a = engine(engines, n1);
    const suspect: MemberUpdate = { ...alive(10), state: 'Suspect', accuser: n2 };
    const out = a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: [suspect] });
    a.handleMessage(2, n3, { type: 'Gossip', from: n3, updates: [suspect] });
    const more = a.handleMessage(2, n4, { type: 'Gossip', from: n4, updates: [suspect] });
    expect(more.timers).toEqual([]);
    const { max } = suspicionBounds(config, 10);
    expect(a.handleTimer(max - 1, timers(out, 'suspicion')[0]!.timer).events).toEqual([]);
    // Not an accuser itself: no last look, the verdict comes at the deadline.
    expect(a.handleTimer(max, timers(out, 'suspicion')[0]!.timer).events[0]?.type).toBe('dead');
  });

  it('the suspect tells its refutation to the accuser named, not only to the sender', () => {
    const engines = cluster(4);
    const b = engine(engines, n2);
    const out = b.handleMessage(0, n1, {
      type: 'Gossip',
      from: n1,
      updates: [{ ...alive(2), state: 'Suspect', accuser: n3 }],
    });
    expect(b.incarnation).toBe(1n);
    expect(sent(out, 'Gossip').map((g) => g.to)).toEqual([n1, n3]);
    // A stale accusation naming its accuser is answered to both as well.
    const stale = b.handleMessage(1, n1, {
      type: 'Gossip',
      from: n1,
      updates: [{ ...alive(2), state: 'Suspect', accuser: n4 }],
    });
    expect(sent(stale, 'Gossip').map((g) => g.to)).toEqual([n1, n4]);
    // A stranger named as accuser is not told (no reflection to a target of the sender's pick).
    const picked = b.handleMessage(2, n1, {
      type: 'Gossip',
      from: n1,
      updates: [{ ...alive(2, 1n), state: 'Suspect', accuser: NodeId(99) }],
    });
    expect(sent(picked, 'Gossip').map((g) => g.to)).toEqual([n1]);
  });

  it('the accuser tells the suspect at once', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    const first = a.handleTimer(1000, PROBE);
    const target = sent(first, 'Ping')[0]!.to;
    const next = a.handleTimer(2000, PROBE);
    expect(sent(next, 'Gossip')).toContainEqual({
      to: target,
      message: {
        type: 'Gossip',
        from: n1,
        updates: [expect.objectContaining({ node: target, state: 'Suspect' })],
      },
    });
  });

  it('the accuser keeps its suspicion to itself for a probe timeout, then tells it again and gossips it', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    const target = sent(a.handleTimer(1000, PROBE), 'Ping')[0]!.to;
    const other = target === n2 ? n3 : n2;
    const next = a.handleTimer(2000, PROBE);
    const about = (out: SwimOutput) =>
      sent(out, 'Gossip')
        .filter((g) => g.message.updates.some((u) => u.node === target && u.state === 'Suspect'))
        .map((g) => g.to);
    expect(about(next)).toEqual([target]);
    // During the hold, nobody else hears of it.
    expect(about(a.handleMessage(2100, other, { type: 'Ping', from: other, seq: 7n }))).toEqual([]);
    // The hold ends a probe timeout later (stretched by local health), long before the verdict.
    const [hold, deadline] = timers(next, 'suspicion').sort((x, y) => x.at - y.at);
    expect(hold!.at).toBeGreaterThanOrEqual(2000 + a.config.probeTimeout);
    expect(hold!.at).toBeLessThan(deadline!.at);
    // A suspect that refutes in time is never gossiped as suspect.
    const refuted = cluster(3);
    const b = engine(refuted, n1);
    b.handleTimer(1000, PROBE);
    b.handleTimer(2000, PROBE);
    b.handleMessage(2002, target, {
      type: 'Gossip',
      from: target,
      updates: [alive(Number(target), 1n)],
    });
    expect(about(b.handleTimer(hold!.at, hold!.timer))).toEqual([]);
    // Otherwise the suspect is told once more, and the suspicion is gossiped.
    expect(about(a.handleTimer(hold!.at, hold!.timer))).toEqual([target]);
    const after = a.handleMessage(hold!.at + 1, other, { type: 'Ping', from: other, seq: 8n });
    expect(about(after)).toEqual([other]);
  });

  it('the suspected member answers the member that told it with its refutation', () => {
    const engines = cluster(3);
    const b = engine(engines, n2);
    const out = b.handleMessage(0, n1, {
      type: 'Gossip',
      from: n1,
      updates: [{ ...alive(2, 0n), state: 'Suspect' }],
    });
    expect(sent(out, 'Gossip')).toEqual([
      {
        to: n1,
        message: {
          type: 'Gossip',
          from: n2,
          updates: [expect.objectContaining({ node: n2, state: 'Alive', incarnation: 1n })],
        },
      },
    ]);
  });

  it('the suspected member refutes with a higher incarnation, which clears the suspicion', () => {
    const engines = cluster(3);
    const b = engine(engines, n2);
    const out = b.handleMessage(0, n1, {
      type: 'Gossip',
      from: n1,
      updates: [{ ...alive(2, 4n), state: 'Suspect' }],
    });
    expect(out.events).toEqual([]);
    // One above its own incarnation, never above the accusation's.
    expect(b.incarnation).toBe(1n);
    expect(b.stats.refutations).toBe(1);
    expect(b.awareness).toBe(1);
    // The refutation is piggybacked on its next message.
    const pong = b.handleMessage(1, n3, { type: 'Ping', from: n3, seq: 1n });
    const updates = sent(pong, 'Gossip').flatMap((g) => g.message.updates);
    expect(updates).toContainEqual(
      expect.objectContaining({ node: n2, state: 'Alive', incarnation: 1n }),
    );
    // Node 3, which suspected node 2 at incarnation 4, accepts it as alive again.
    const c = engine(engines, n3);
    c.handleMessage(2, n1, {
      type: 'Gossip',
      from: n1,
      updates: [{ ...alive(2, 4n), state: 'Suspect' }],
    });
    expect(c.list.stateOf(n2)).toBe('Suspect');
    const back = c.handleMessage(3, n2, { type: 'Gossip', from: n2, updates });
    expect(back.events).toMatchObject([{ type: 'alive', previous: 'Suspect' }]);
    expect(c.member(n2)?.incarnation).toBe(1n);
  });

  it('ignores a stale suspicion (older incarnation) and a suspicion timer after refutation', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    const out = a.handleMessage(0, n2, {
      type: 'Gossip',
      from: n2,
      updates: [{ ...alive(3, 1n), state: 'Suspect' }],
    });
    a.handleMessage(1, n3, { type: 'Gossip', from: n3, updates: [alive(3, 2n)] });
    expect(
      a.handleMessage(2, n2, {
        type: 'Gossip',
        from: n2,
        updates: [{ ...alive(3, 1n), state: 'Suspect' }],
      }).events,
    ).toEqual([]);
    expect(a.handleTimer(1e9, timers(out, 'suspicion')[0]!.timer).events).toEqual([]);
    expect(a.list.stateOf(n3)).toBe('Alive');
  });

  it('tells a suspected member first when probing it (Lifeguard buddy system)', () => {
    const engines = cluster(2);
    const a = engine(engines, n1);
    // Make node 2 suspect through a failed probe.
    probe(a, 1000);
    a.handleTimer(2000, PROBE); // suspects 2 and probes it again
    const { out } = probe(a, 3000);
    const gossip = sent(out, 'Gossip').find((g) => g.to === n2)!;
    expect(gossip.message.updates[0]).toMatchObject({ node: n2, state: 'Suspect' });
  });
});

describe('SwimEngine: incarnation rules', () => {
  it('a node never accepts a death of itself: it refutes one above its own incarnation', () => {
    const engines = cluster(2);
    const b = engine(engines, n2);
    b.handleMessage(0, n1, {
      type: 'Gossip',
      from: n1,
      updates: [{ ...alive(2, 3n), state: 'Dead' }],
    });
    // Not 4: an accusation never raises a member above what it announced itself.
    expect(b.incarnation).toBe(1n);
    expect(b.list.stateOf(n2)).toBe('Alive');
  });

  it('ignores accusations about itself below its incarnation', () => {
    const engines = cluster(2);
    const b = engine(engines, n2);
    b.handleMessage(0, n1, {
      type: 'Gossip',
      from: n1,
      updates: [{ ...alive(2, 0n), state: 'Dead' }],
    });
    b.handleMessage(0, n1, {
      type: 'Gossip',
      from: n1,
      updates: [{ ...alive(2, 0n), state: 'Suspect' }],
    });
    expect(b.incarnation).toBe(1n);
  });

  it('Dead overrides Alive at the same incarnation; only a higher Alive revives', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    a.handleMessage(0, n2, {
      type: 'Gossip',
      from: n2,
      updates: [{ ...alive(3, 0n), state: 'Dead' }],
    });
    expect(a.list.stateOf(n3)).toBe('Dead');
    expect(
      a.handleMessage(1, n2, { type: 'Gossip', from: n2, updates: [alive(3, 0n)] }).events,
    ).toEqual([]);
    const out = a.handleMessage(2, n2, { type: 'Gossip', from: n2, updates: [alive(3, 1n)] });
    expect(out.events).toMatchObject([{ type: 'alive', previous: 'Dead' }]);
  });

  it('Left overrides Dead at the same incarnation, and is never re-added when unknown', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: [{ ...alive(3), state: 'Dead' }] });
    const out = a.handleMessage(1, n2, {
      type: 'Gossip',
      from: n2,
      updates: [{ ...alive(3), state: 'Left' }],
    });
    expect(out.events).toMatchObject([{ type: 'left', previous: 'Dead' }]);
    const unknown = a.handleMessage(2, n2, {
      type: 'Gossip',
      from: n2,
      updates: [{ ...alive(9), state: 'Dead' }],
    });
    expect(unknown.events).toEqual([]);
    expect(a.member(NodeId(9))).toBeUndefined();
  });

  it('a new member learned by gossip is joined and re-gossiped', () => {
    const engines = cluster(2);
    const a = engine(engines, n1);
    const out = a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: [alive(7, 2n)] });
    expect(out.events).toMatchObject([
      { type: 'joined', member: { node: NodeId(7), incarnation: 2n } },
    ]);
    expect(a.queuedUpdates).toBe(1);
    expect(a.list.stateOf(NodeId(7))).toBe('Alive');
  });

  it('an Alive with a higher incarnation but the same state is an update', () => {
    const engines = cluster(2);
    const a = engine(engines, n1);
    const address = new TextEncoder().encode('10.0.0.2:7000');
    const out = a.handleMessage(0, n2, {
      type: 'Gossip',
      from: n2,
      updates: [{ ...alive(2, 1n), address }],
    });
    expect(out.events).toMatchObject([{ type: 'updated', previous: 'Alive' }]);
    expect(a.member(n2)?.address).toEqual(address);
  });
});

describe('SwimEngine: dissemination', () => {
  it('piggybacks each update at most mult × ⌈log10(n + 1)⌉ times', () => {
    const config = testConfig({ retransmitMult: 2 });
    const engines = cluster(3, config); // limit = 2 × ⌈log10(4)⌉ = 2
    const a = engine(engines, n1);
    a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: [alive(9)] });
    let carried = 0;
    for (let seq = 1n; seq <= 5n; seq++) {
      const out = a.handleMessage(1, n2, { type: 'Ping', from: n2, seq });
      carried += sent(out, 'Gossip').length;
    }
    expect(carried).toBe(2);
  });

  it('sends the least-sent updates first, newest first among equals', () => {
    const engines = cluster(2);
    const a = engine(engines, n1);
    a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: [alive(10)] });
    a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: [alive(11)] });
    const first = sent(a.handleMessage(1, n2, { type: 'Ping', from: n2, seq: 1n }), 'Gossip')[0]!;
    expect(first.message.updates.map((u) => u.node)).toEqual([NodeId(11), NodeId(10)]);
    a.handleMessage(2, n2, { type: 'Gossip', from: n2, updates: [alive(12)] });
    const second = sent(a.handleMessage(3, n2, { type: 'Ping', from: n2, seq: 2n }), 'Gossip')[0]!;
    expect(second.message.updates.map((u) => u.node)).toEqual([NodeId(12), NodeId(11), NodeId(10)]);
  });

  it('keeps every Gossip frame within the size budget', () => {
    const config = testConfig({ gossipBudget: 200 });
    const engines = cluster(2, config);
    const a = engine(engines, n1);
    const address = new Uint8Array(20);
    const updates = Array.from({ length: 30 }, (_, i) => ({ ...alive(100 + i), address }));
    a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates });
    const seen = new Set<NodeId>();
    for (let seq = 1n; seq <= 20n; seq++) {
      for (const g of sent(a.handleMessage(1, n2, { type: 'Ping', from: n2, seq }), 'Gossip')) {
        expect(encodedLength(g.message)).toBeLessThanOrEqual(200);
        for (const u of g.message.updates) seen.add(u.node);
      }
    }
    expect(encodedLength({ type: 'Gossip', from: n1, updates: [] })).toBe(17);
    expect(seen.size).toBe(30);
  });
});

describe('SwimEngine: probe schedule', () => {
  it('probes every member within 2n − 1 periods (randomized round-robin)', () => {
    const n = 9;
    const engines = cluster(n + 1);
    const a = engine(engines, n1);
    const lastProbe = new Map<NodeId, number>();
    let worstGap = 0;
    for (let period = 0; period < 200; period++) {
      const { out, ping } = probe(a, period * 1000);
      deliverAll(engines, n1, out, period * 1000 + 1);
      const target = ping!.to;
      const previous = lastProbe.get(target);
      if (previous !== undefined) worstGap = Math.max(worstGap, period - previous);
      lastProbe.set(target, period);
    }
    expect(lastProbe.size).toBe(n);
    expect(worstGap).toBeLessThanOrEqual(2 * n - 1);
  });

  it('does not probe dead or departed members', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: [{ ...alive(3), state: 'Dead' }] });
    for (let period = 0; period < 10; period++) {
      expect(probe(a, period * 1000).ping?.to).toBe(n2);
    }
  });
});

describe('SwimEngine: local health (Lifeguard)', () => {
  it('missing nacks raise the awareness score, which stretches the probe interval and timeout', () => {
    const engines = cluster(5);
    const a = engine(engines, n1);
    const { out } = probe(a, 0);
    a.handleTimer(500, timers(out, 'probeTimeout')[0]!.timer); // 3 PingReqs, no Nack comes back
    const next = a.handleTimer(1000, PROBE);
    expect(a.awareness).toBe(3);
    expect(timers(next, 'probe')[0]!.at).toBe(1000 + 4 * 1000);
    expect(timers(next, 'probeTimeout')[0]!.at).toBe(1000 + 4 * 500);
  });

  it('nacks from every relay mean the target failed, not this node', () => {
    const engines = cluster(5);
    const a = engine(engines, n1);
    const { out, ping } = probe(a, 0);
    const indirect = a.handleTimer(500, timers(out, 'probeTimeout')[0]!.timer);
    for (const r of sent(indirect, 'PingReq')) {
      a.handleMessage(900, r.to, {
        type: 'Nack',
        from: r.to,
        seq: ping!.message.seq,
        target: ping!.to,
      });
    }
    a.handleTimer(1000, PROBE);
    expect(a.awareness).toBe(0);
    expect(a.list.stateOf(ping!.to)).toBe('Suspect');
  });

  it('successful probes bring the score back down', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    a.handleMessage(0, n2, {
      type: 'Gossip',
      from: n2,
      updates: [{ ...alive(1, 0n), state: 'Suspect' }],
    });
    expect(a.awareness).toBe(1);
    const { out } = probe(a, 1000);
    deliverAll(engines, n1, out, 1001);
    expect(a.awareness).toBe(0);
  });

  it('without Lifeguard the score stays 0', () => {
    const engines = cluster(5, testConfig({ lifeguard: false }));
    const a = engine(engines, n1);
    const { out } = probe(a, 0);
    a.handleTimer(500, timers(out, 'probeTimeout')[0]!.timer);
    const next = a.handleTimer(1000, PROBE);
    expect(a.awareness).toBe(0);
    expect(timers(next, 'probe')[0]!.at).toBe(2000);
  });
});

describe('SwimEngine: push-pull, join, leave, reclaim', () => {
  it('joins through a seed with a push-pull, and both sides learn each other', () => {
    const seed = new Engine({ id: n1, random: seededRandom(1), config: testConfig() });
    const joiner = new Engine({
      id: n2,
      random: seededRandom(2),
      config: testConfig(),
      seeds: [n1],
    });
    seed.start(0);
    const out = joiner.start(0);
    const push = sent(out, 'PushPull');
    expect(push).toHaveLength(1);
    expect(push[0]!.message).toMatchObject({ from: n2, reply: false });
    const reply = seed.handleMessage(1, n2, push[0]!.message);
    expect(reply.events).toMatchObject([{ type: 'joined', member: { node: n2 } }]);
    const pull = sent(reply, 'PushPull')[0]!;
    expect(pull.message.reply).toBe(true);
    const learned = joiner.handleMessage(2, n1, pull.message);
    expect(learned.events).toMatchObject([{ type: 'joined', member: { node: n1 } }]);
    expect(sent(learned, 'PushPull')).toEqual([]); // a reply is not answered
    expect(joiner.list.aliveMembers()).toEqual([n2, n1]);
    expect(seed.list.aliveMembers()).toEqual([n1, n2]);
  });

  it('a push-pull carries every member, and a death in it only makes the receiver suspect', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    a.handleMessage(0, n2, {
      type: 'PushPull',
      from: n2,
      reply: true,
      members: [alive(2), { ...alive(3), state: 'Dead' }],
    });
    expect(a.list.stateOf(n3)).toBe('Suspect');
  });

  it('a periodic push-pull goes to one random alive member', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    const out = a.handleTimer(30_000, { kind: 'pushPull' });
    const push = sent(out, 'PushPull');
    expect(push).toHaveLength(1);
    expect(push[0]!.message.members).toHaveLength(3);
    expect(timers(out, 'pushPull')[0]!.at).toBe(60_000);
  });

  it('a seed that cannot be reached is retried every period while alone', () => {
    const joiner = new Engine({
      id: n2,
      random: seededRandom(2),
      config: testConfig(),
      seeds: [n1],
    });
    joiner.start(0);
    expect(sent(joiner.handleTimer(1000, PROBE), 'PushPull').map((p) => p.to)).toEqual([n1]);
  });

  it('a seed added after start is asked at once, retried every period, and never twice', () => {
    const joiner = new Engine({ id: n2, random: seededRandom(2), config: testConfig() });
    joiner.start(0);
    expect(sent(joiner.handleTimer(1000, PROBE), 'PushPull')).toEqual([]);
    const out = joiner.addSeed(1500, n1);
    expect(sent(out, 'PushPull').map((p) => [p.to, p.message.reply])).toEqual([[n1, false]]);
    expect(sent(joiner.handleTimer(2000, PROBE), 'PushPull').map((p) => p.to)).toEqual([n1]);
    // Known already, or this node itself: nothing.
    expect(joiner.addSeed(2500, n1).messages).toEqual([]);
    expect(joiner.addSeed(2500, n2).messages).toEqual([]);
    // Answered: it is a member, and the joiner stops asking.
    const seed = new Engine({ id: n1, random: seededRandom(1), config: testConfig() });
    seed.start(0);
    const reply = seed.handleMessage(2600, n2, sent(out, 'PushPull')[0]!.message);
    joiner.handleMessage(2700, n1, sent(reply, 'PushPull')[0]!.message);
    expect(joiner.list.aliveMembers()).toEqual([n2, n1]);
    const later = joiner.handleTimer(3000, PROBE);
    expect(sent(later, 'PushPull')).toEqual([]);
  });

  it('a seed added before start is contacted on start; a bad id is refused', () => {
    const joiner = new Engine({ id: n2, random: seededRandom(2), config: testConfig() });
    expect(joiner.addSeed(0, n3).messages).toEqual([]);
    expect(sent(joiner.start(0), 'PushPull').map((p) => p.to)).toEqual([n3]);
    expect(() => joiner.addSeed(0, -1n as NodeId)).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
  });

  it('leaves gracefully: announces Left, stops probing, others mark it left', () => {
    const engines = cluster(4);
    const a = engine(engines, n1);
    const out = a.leave(0);
    expect(a.left).toBe(true);
    expect(a.list.stateOf(n1)).toBe('Dead');
    const gossip = sent(out, 'Gossip');
    expect(gossip).toHaveLength(3);
    const produced = deliverAll(engines, n1, out, 1);
    expect(produced.flatMap((p) => p.out.events).filter((e) => e.type === 'left')).toHaveLength(3);
    expect(engine(engines, n2).list.stateOf(n1)).toBe('Dead');
    expect(engine(engines, n2).member(n1)?.state).toBe('Left');
    expect(a.handleTimer(1000, PROBE).messages).toEqual([]);
    // It still answers probes, with its departure piggybacked.
    const pong = a.handleMessage(2, n2, { type: 'Ping', from: n2, seq: 1n });
    expect(sent(pong, 'Pong')).toHaveLength(1);
    expect(a.leave(3).messages).toEqual([]);
  });

  it('forgets a dead member after the reclaim time', () => {
    const config = testConfig({ reclaimTime: 10_000 });
    const engines = cluster(3, config);
    const a = engine(engines, n1);
    const out = a.handleMessage(0, n2, {
      type: 'Gossip',
      from: n2,
      updates: [{ ...alive(3), state: 'Dead' }],
    });
    const reclaim = timers(out, 'reclaim')[0]!;
    expect(reclaim.at).toBe(10_000);
    const version = a.list.version;
    a.handleTimer(10_000, reclaim.timer);
    expect(a.member(n3)).toBeUndefined();
    expect(a.list.stateOf(n3)).toBeUndefined();
    expect(a.list.version).toBe(version + 1n);
  });

  it('a member revived before its reclaim time is not forgotten', () => {
    const engines = cluster(3, testConfig({ reclaimTime: 10_000 }));
    const a = engine(engines, n1);
    const out = a.handleMessage(0, n2, {
      type: 'Gossip',
      from: n2,
      updates: [{ ...alive(3), state: 'Dead' }],
    });
    a.handleMessage(1, n3, { type: 'Gossip', from: n3, updates: [alive(3, 1n)] });
    a.handleTimer(10_000, timers(out, 'reclaim')[0]!.timer);
    expect(a.list.stateOf(n3)).toBe('Alive');
  });
});

describe('SwimEngine: healing and restarts', () => {
  it('periodically syncs with a recently-dead member, so a healed partition re-merges', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    const b = engine(engines, n2);
    // During a partition each side declared the other dead (node 3 told them, then crashed).
    const killB = { ...alive(2), state: 'Dead' as const };
    const killA = { ...alive(1), state: 'Dead' as const };
    a.handleMessage(0, n3, { type: 'Gossip', from: n3, updates: [killB] });
    b.handleMessage(0, n3, { type: 'Gossip', from: n3, updates: [killA] });
    engines.delete(n3);
    expect(a.list.stateOf(n2)).toBe('Dead');
    expect(b.list.stateOf(n1)).toBe('Dead');
    // Healed: a healing sync (drawn with probability 1 / live members) crosses, each side
    // refutes its death and tells the other.
    let heal = a.handleTimer(5000, { kind: 'heal' });
    for (let t = 10_000; sent(heal, 'PushPull').length === 0; t += 5000) {
      expect(t).toBeLessThan(200_000);
      heal = a.handleTimer(t, { kind: 'heal' });
    }
    expect(sent(heal, 'PushPull').map((p) => p.to)).toEqual([n2]);
    deliverAll(engines, n1, heal, 300_000);
    expect(b.incarnation).toBe(1n);
    expect(a.incarnation).toBe(1n);
    expect(a.list.stateOf(n2)).toBe('Alive');
    expect(b.list.stateOf(n1)).toBe('Alive');
  });

  it('a restarted node with the same id rises above its old incarnation and is accepted', () => {
    const engines = cluster(3);
    const a = engine(engines, n1);
    // Node 3 lived to incarnation 4, then died.
    for (const state of ['Alive', 'Dead'] as const) {
      a.handleMessage(0, n2, { type: 'Gossip', from: n2, updates: [{ ...alive(3, 4n), state }] });
    }
    expect(a.member(n3)).toMatchObject({ state: 'Dead', incarnation: 4n });
    const restarted = new Engine({
      id: n3,
      random: seededRandom(33),
      config: testConfig(),
      seeds: [n1],
    });
    engines.set(n3, restarted);
    const out = restarted.start(10_000);
    deliverAll(engines, n3, out, 10_001);
    // Node 1 reminded it of the Alive record of its previous run: it rose above it.
    expect(restarted.incarnation).toBe(5n);
    expect(a.list.stateOf(n3)).toBe('Alive');
    expect(a.member(n3)?.incarnation).toBe(5n);
  });

  it('heals towards a seed that is not known yet', () => {
    const joiner = new Engine({
      id: n2,
      random: seededRandom(2),
      config: testConfig(),
      seeds: [n1],
    });
    expect(sent(joiner.handleTimer(5000, { kind: 'heal' }), 'PushPull').map((p) => p.to)).toEqual([
      n1,
    ]);
  });
});

describe('SwimEngine: hostile input', () => {
  it('counts and ignores malformed messages and messages that claim another sender', () => {
    const engines = cluster(2);
    const a = engine(engines, n1);
    expect(a.handleMessage(0, n2, { type: 'Ping', from: n3, seq: 1n }).messages).toEqual([]);
    const bad = { type: 'Gossip', from: n2, updates: [{ node: n3, state: 'Zombie' }] };
    expect(a.handleMessage(0, n2, bad as never).events).toEqual([]);
    const negative = { type: 'Gossip', from: n2, updates: [{ ...alive(3, -1n) }] };
    a.handleMessage(0, n2, negative as never);
    a.handleMessage(0, n2, { type: 'Ping', from: n2, seq: 'x' } as never);
    expect(a.stats.badMessages).toBe(4);
    expect(a.member(n3)).toBeUndefined();
  });

  it('ignores messages that are not SWIM messages', () => {
    const engines = cluster(2);
    const a = engine(engines, n1);
    const out = a.handleMessage(0, n2, { type: 'MembershipUpdate', members: [], version: 1n });
    expect(out).toEqual({ messages: [], timers: [], events: [] });
    expect(a.stats.badMessages).toBe(0);
  });

  it('answers a PingReq about itself with an IndirectAck', () => {
    const engines = cluster(2);
    const out = engine(engines, n2).handleMessage(0, n1, {
      type: 'PingReq',
      from: n1,
      seq: 3n,
      target: n2,
    });
    expect(sent(out, 'IndirectAck')).toHaveLength(1);
  });
});

describe('SwimEngine.list', () => {
  it("is a view of the engine's members, in order, Left shown as Dead, changed only by the engine", () => {
    const a = new Engine({ id: NodeId(1), random: seededRandom(1), config: testConfig() });
    a.start(0);
    const version = a.list.version;
    for (const node of [3, 2, 4]) {
      const update: MemberUpdate = {
        node: NodeId(node),
        state: 'Alive',
        incarnation: 0n,
        address: new Uint8Array(),
      };
      a.handleMessage(1, NodeId(node), { type: 'Gossip', from: NodeId(node), updates: [update] });
    }
    a.handleMessage(2, NodeId(2), {
      type: 'Gossip',
      from: NodeId(2),
      updates: [{ node: NodeId(2), state: 'Left', incarnation: 0n, address: new Uint8Array() }],
    });
    expect(a.list.members).toEqual([
      [NodeId(1), 'Alive'],
      [NodeId(3), 'Alive'],
      [NodeId(2), 'Dead'],
      [NodeId(4), 'Alive'],
    ]);
    expect(a.list.aliveMembers()).toEqual([NodeId(1), NodeId(3), NodeId(4)]);
    expect(a.list.size).toBe(4);
    expect(a.list.stateOf(NodeId(2))).toBe('Dead');
    expect(a.list.stateOf(NodeId(9))).toBeUndefined();
    // Three members added, one departed: four changes.
    expect(a.list.version).toBe(version + 4n);
    expect(() => a.list.addMember(NodeId(9))).toThrow(TalaError);
    expect(() => a.list.removeMember(NodeId(3))).toThrow(TalaError);
    expect(a.list.stateOf(NodeId(3))).toBe('Alive');
    a.leave(3);
    expect(a.list.stateOf(NodeId(1))).toBe('Dead');
    expect(a.list.aliveMembers()).toEqual([NodeId(3), NodeId(4)]);
  });
});
