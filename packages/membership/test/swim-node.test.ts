import { InProcessNetwork, SimulatedNetwork, VirtualClock } from '@tala-net/transport-inprocess';
import { type Message, NodeId, seededRandom, type Transport } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { type MembershipEvent, SwimNode, startMembership, swimConfig } from '../src/index.js';

function three() {
  const sim = new SimulatedNetwork({ seed: 1 });
  const ids = [NodeId(1), NodeId(2), NodeId(3)];
  for (const id of ids) sim.addNode(id);
  const nodes = ids.map(
    (id, i) =>
      new SwimNode({
        transport: sim.transport(id),
        clock: sim.clockFor(id),
        random: seededRandom(i + 1),
        config: 'local',
        seeds: [NodeId(1)],
      }),
  );
  return { sim, ids, nodes };
}

describe('SwimNode', () => {
  it('joins through a seed and reports members as typed events', () => {
    const { sim, nodes } = three();
    const joined: bigint[] = [];
    nodes[0]!.addEventListener('joined', (event: MembershipEvent) =>
      joined.push(event.member.node),
    );
    for (const node of nodes) node.start();
    sim.runFor(5000);
    expect(joined.sort()).toEqual([2n, 3n]);
    for (const node of nodes) expect(node.list.aliveMembers()).toHaveLength(3);
    expect(
      nodes[1]!
        .members()
        .map((m) => m.node)
        .sort(),
    ).toEqual([1n, 2n, 3n]);
    expect(nodes[0]!.stats.messagesSent).toBeGreaterThan(0);
    expect(nodes[0]!.stats.messagesReceived).toBeGreaterThan(0);
  });

  it('start and stop are idempotent, and stop clears every timer', () => {
    const { sim, ids, nodes } = three();
    const node = nodes[0]!;
    node.start();
    node.start();
    expect(node.running).toBe(true);
    expect(sim.clockFor(ids[0]!).pending).toBeGreaterThan(0);
    node.stop();
    node.stop();
    expect(node.running).toBe(false);
    expect(sim.clockFor(ids[0]!).pending).toBe(0);
    node.start(); // a stopped node stays stopped
    expect(node.running).toBe(false);
  });

  it('a throwing listener is counted and does not break the loop', () => {
    const { sim, nodes } = three();
    let calls = 0;
    nodes[0]!.addEventListener('joined', () => {
      calls++;
      throw new Error('listener bug');
    });
    for (const node of nodes) node.start();
    sim.runFor(5000);
    expect(calls).toBe(2);
    expect(nodes[0]!.stats.listenerErrors).toBe(2);
    expect(nodes[0]!.list.aliveMembers()).toHaveLength(3);
  });

  it('bad input is counted and ignored', () => {
    const { sim, ids, nodes } = three();
    for (const node of nodes) node.start();
    sim.runFor(3000);
    const t2 = sim.transport(ids[1]!);
    t2.send(ids[0]!, { type: 'Ping', from: NodeId(99), seq: 1n });
    t2.send(ids[0]!, {
      type: 'Gossip',
      from: ids[1]!,
      updates: [{ node: ids[2]!, state: 'Zombie', incarnation: 0n, address: new Uint8Array() }],
    } as unknown as Message);
    sim.runFor(3000);
    expect(nodes[0]!.stats.badInput).toBe(2);
    expect(nodes[0]!.list.aliveMembers()).toHaveLength(3);
  });

  it('a transport that throws on send is counted', () => {
    const net = new InProcessNetwork();
    const inner = net.addNode(NodeId(1));
    const transport = new Proxy(inner, {
      get(target, key) {
        if (key === 'send') {
          return () => {
            throw new Error('socket gone');
          };
        }
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Transport;
    const clock = new VirtualClock();
    const node = startMembership({
      transport,
      clock,
      random: seededRandom(1),
      config: swimConfig('local'),
      seeds: [NodeId(2)],
    });
    const reported: unknown[] = [];
    node.addEventListener('error', (event) => reported.push(event.source));
    clock.runFor(3000);
    expect(node.stats.sendErrors).toBeGreaterThan(0);
    expect(reported.length).toBe(node.stats.sendErrors - 1);
    expect(new Set(reported)).toEqual(new Set(['transport:send']));
    expect(node.running).toBe(true);
    node.stop();
  });

  it('stops when its signal aborts', () => {
    const { nodes } = three();
    const controller = new AbortController();
    const sim = new SimulatedNetwork({ seed: 2 });
    sim.addNode(NodeId(9));
    const node = new SwimNode({
      transport: sim.transport(NodeId(9)),
      clock: sim.clockFor(NodeId(9)),
      random: seededRandom(9),
      signal: controller.signal,
    });
    node.start();
    controller.abort();
    expect(node.running).toBe(false);
    expect(nodes).toHaveLength(3);
  });

  it('runs over the plain in-process network with a virtual clock', () => {
    const net = new InProcessNetwork();
    const clock = new VirtualClock();
    const nodes = [1, 2, 3].map((i) =>
      startMembership({
        transport: net.addNode(NodeId(i)),
        clock,
        random: seededRandom(i),
        config: 'local',
        seeds: [NodeId(1)],
      }),
    );
    clock.runFor(5000);
    for (const node of nodes) expect(node.list.aliveMembers()).toHaveLength(3);
    const left: bigint[] = [];
    nodes[0]!.addEventListener('left', (event) => left.push(event.member.node));
    nodes[2]!.leave();
    clock.runFor(2000);
    expect(left).toEqual([3n]);
    for (const node of nodes) node.stop();
  });
});

describe('SwimNode timers', () => {
  it('a clock that runs timers inside setTimer loses no timer and keeps none after stop', () => {
    const sim = new SimulatedNetwork({ seed: 4 });
    const ids = [NodeId(1), NodeId(2), NodeId(3)];
    for (const id of ids) sim.addNode(id);
    let immediate = 0;
    const nodes = ids.map((id, i) => {
      const clock = sim.clockFor(id);
      // Runs its first 20 timers at once, inside setTimer (the engine sets more timers while
      // one runs, so these nest), as a clock may run an overdue timer.
      let eagerLeft = 20;
      const eager = {
        now: () => clock.now(),
        setTimer: (at: number, callback: () => void) => {
          if (eagerLeft > 0) {
            eagerLeft--;
            immediate++;
            callback();
            return { at };
          }
          return clock.setTimer(at, callback);
        },
        clearTimer: (handle: Parameters<typeof clock.clearTimer>[0]) => clock.clearTimer(handle),
      };
      return new SwimNode({
        transport: sim.transport(id),
        clock: eager,
        random: seededRandom(i + 1),
        config: 'local',
        seeds: [NodeId(1)],
      });
    });
    for (const node of nodes) node.start();
    expect(immediate).toBe(60);
    sim.runFor(5000);
    for (const node of nodes) expect(node.list.aliveMembers()).toHaveLength(3);
    const sentBefore = nodes.map((node) => node.stats.messagesSent);
    sim.runFor(5000);
    // Still probing: no timer was lost.
    expect(nodes.map((node, i) => node.stats.messagesSent > sentBefore[i]!)).toEqual([
      true,
      true,
      true,
    ]);
    for (const node of nodes) node.stop();
    for (const id of ids) expect(sim.clockFor(id).pending).toBe(0);
  });
});
