import { InProcessNetwork, SimulatedNetwork, VirtualClock } from '@tala-net/transport-inprocess';
import { type ErrorReportEvent, NodeId, seededRandom, type TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { type MemberUpdate, SwimNode, startMembership, swimConfig } from '../src/index.js';

/**
 * Lets settled promises run their callbacks (a dial resolves in a microtask, outside the
 * virtual clock). A turn of the event loop, not a wait for time to pass.
 */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `ms` of virtual time in `step` ms slices, letting dial callbacks run between them. */
async function run(sim: SimulatedNetwork, ms: number, step = 100): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    await settle();
    sim.runFor(step);
  }
  await settle();
}

const config = swimConfig('local', { reclaimTime: 10_000 });
const decoder = new TextDecoder();

function simulated(count: number, seed = 1) {
  const sim = new SimulatedNetwork({ seed });
  const ids = Array.from({ length: count }, (_, i) => NodeId(i + 1));
  for (const id of ids) sim.addNode(id);
  const node = (id: NodeId, seeds: readonly (NodeId | string)[], extra = {}) =>
    new SwimNode({
      transport: sim.transport(id),
      clock: sim.clockFor(id),
      random: seededRandom(Number(id)),
      config,
      seeds,
      ...extra,
    });
  return { sim, ids, node };
}

describe('SwimNode over addresses', () => {
  it('joins a cluster knowing only an address, and fills the address books', async () => {
    const { sim, ids, node } = simulated(3);
    const [n1, n2, n3] = ids as [NodeId, NodeId, NodeId];
    const nodes = [node(n1, []), node(n2, ['sim:1']), node(n3, ['sim:1'])];
    for (const n of nodes) n.start();
    await run(sim, 5000);
    for (const n of nodes) expect(n.list.aliveMembers().sort()).toEqual([n1, n2, n3]);
    expect(nodes[1]!.stats.seedDials).toBe(1);
    expect(nodes[1]!.stats.seedDialFailures).toBe(0);
    // Every node knows where the others are: from the dial, then from gossip.
    expect([...sim.transport(n1).addressBook.entries()].sort()).toEqual([
      [n2, 'sim:2'],
      [n3, 'sim:3'],
    ]);
    expect(sim.transport(n2).addressBook.get(n1)).toBe('sim:1');
    expect(sim.transport(n2).addressBook.get(n3)).toBe('sim:3');
    expect(sim.transport(n3).addressBook.get(n2)).toBe('sim:2');
  });

  it('gossips the transport address by default; an explicit address wins', () => {
    const { ids, node } = simulated(2);
    const byDefault = node(ids[0]!, []);
    expect(decoder.decode(byDefault.member(ids[0]!)!.address)).toBe('sim:1');
    const explicit = node(ids[1]!, [], { address: new TextEncoder().encode('10.0.0.2:7946') });
    expect(decoder.decode(explicit.member(ids[1]!)!.address)).toBe('10.0.0.2:7946');
  });

  it('retries a seed address that does not answer yet, and joins once it does', async () => {
    const { sim, ids, node } = simulated(2);
    const [n1, n2] = ids as [NodeId, NodeId];
    const cut = sim.partition([n1], [n2]);
    const seed = node(n1, []);
    const joiner = node(n2, ['sim:1']);
    seed.start();
    joiner.start();
    // probeInterval 1 s, doubling: attempts at 0, 1 s, 3 s, 7 s.
    await run(sim, 3500);
    expect(joiner.stats.seedDials).toBe(3);
    expect(joiner.stats.seedDialFailures).toBe(3);
    expect(joiner.list.aliveMembers()).toEqual([n2]);
    cut.heal();
    await run(sim, 6000);
    expect(joiner.stats.seedDials).toBe(4);
    expect(joiner.list.aliveMembers().sort()).toEqual([n1, n2]);
    expect(seed.list.aliveMembers().sort()).toEqual([n1, n2]);
  });

  it('gives up on a seed address after seedDialAttempts, reporting it', async () => {
    const { sim, ids, node } = simulated(1);
    const errors: ErrorReportEvent[] = [];
    const lonely = node(ids[0]!, ['sim:9'], { seedDialAttempts: 3 });
    lonely.addEventListener('error', (event) => errors.push(event as ErrorReportEvent));
    lonely.start();
    await run(sim, 20_000, 500);
    expect(lonely.stats.seedDials).toBe(3);
    expect(lonely.stats.seedDialFailures).toBe(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.source).toBe('seed:dial');
    expect((errors[0]!.error as TalaError).code).toBe('Unreachable');
    expect(((errors[0]!.error as TalaError).cause as TalaError).code).toBe('Unreachable');
    // Nothing is left scheduled for the dialler.
    lonely.stop();
    expect(sim.clockFor(ids[0]!).pending).toBe(0);
  });

  it('stop aborts the dialling: no retry and no join afterwards', async () => {
    const { sim, ids, node } = simulated(2);
    const cut = sim.partition([ids[0]!], [ids[1]!]);
    node(ids[0]!, []).start();
    const joiner = node(ids[1]!, ['sim:1']);
    joiner.start();
    await run(sim, 500);
    expect(joiner.stats.seedDialFailures).toBe(1);
    joiner.stop();
    cut.heal();
    await run(sim, 10_000, 500);
    expect(joiner.stats.seedDials).toBe(1);
    expect(sim.clockFor(ids[1]!).pending).toBe(0);
  });

  it('address book entries appear with members and disappear when they are forgotten', async () => {
    const { sim, ids, node } = simulated(3);
    const [n1, n2, n3] = ids as [NodeId, NodeId, NodeId];
    const nodes = [node(n1, []), node(n2, [n1]), node(n3, [n1])];
    for (const n of nodes) n.start();
    await run(sim, 4000);
    const book1 = sim.transport(n1).addressBook;
    expect(book1.get(n3)).toBe('sim:3');
    // An entry the application set for a stranger is left alone.
    book1.set(NodeId(42), 'elsewhere:1');

    nodes[2]!.stop();
    sim.crash(n3);
    await run(sim, 8000, 500);
    expect(nodes[0]!.member(n3)?.state).toBe('Dead');
    expect(book1.get(n3)).toBe('sim:3'); // dead, not yet forgotten: healing may still use it
    await run(sim, config.reclaimTime + 2000, 1000);
    expect(nodes[0]!.member(n3)).toBeUndefined();
    expect(book1.has(n3)).toBe(false);
    expect(book1.get(n2)).toBe('sim:2');
    expect(book1.get(NodeId(42))).toBe('elsewhere:1');
  });

  it('keeps the address of a seed reached by its address when that seed is forgotten', async () => {
    const { sim, ids, node } = simulated(2);
    const [n1, n2] = ids as [NodeId, NodeId];
    const seed = node(n1, []);
    const joiner = node(n2, ['sim:1']);
    seed.start();
    joiner.start();
    await run(sim, 3000);
    expect(joiner.list.aliveMembers().sort()).toEqual([n1, n2]);
    seed.stop();
    sim.crash(n1);
    await run(sim, config.reclaimTime + 12_000, 1000);
    expect(joiner.member(n1)).toBeUndefined();
    expect(sim.transport(n2).addressBook.get(n1)).toBe('sim:1');
  });

  it('records only addresses that decode as UTF-8, counting the others', () => {
    const sim = new SimulatedNetwork({ seed: 3 });
    sim.addNode(NodeId(1));
    const members: MemberUpdate[] = [
      { node: NodeId(2), state: 'Alive', incarnation: 0n, address: new Uint8Array([0xff, 0xfe]) },
      {
        node: NodeId(3),
        state: 'Alive',
        incarnation: 0n,
        address: new TextEncoder().encode('h3:1'),
      },
      { node: NodeId(4), state: 'Alive', incarnation: 0n, address: new Uint8Array() },
    ];
    const node = new SwimNode({
      transport: sim.transport(NodeId(1)),
      clock: sim.clockFor(NodeId(1)),
      random: seededRandom(1),
      config,
      members,
    });
    node.start();
    const book = sim.transport(NodeId(1)).addressBook;
    expect([...book.entries()]).toEqual([[NodeId(3), 'h3:1']]);
    expect(node.stats.addressesIgnored).toBe(1);
    node.stop();
  });

  it('refuses a seed that is neither an id nor an address', () => {
    const sim = new SimulatedNetwork({ seed: 4 });
    const transport = sim.addNode(NodeId(1));
    for (const seeds of [[''], [7], [null]]) {
      expect(
        () => new SwimNode({ transport, seeds: seeds as unknown as NodeId[], config }),
      ).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
    expect(() => new SwimNode({ transport, config, seedDialAttempts: 0 })).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
  });

  it('joins knowing only an address over the plain in-process network', async () => {
    const net = new InProcessNetwork();
    const clock = new VirtualClock();
    const nodes = [1, 2, 3].map((i) =>
      startMembership({
        transport: net.addNode(NodeId(i)),
        clock,
        random: seededRandom(i),
        config: 'local',
        seeds: i === 1 ? [] : ['inproc:1'],
      }),
    );
    await settle();
    clock.runFor(5000);
    for (const node of nodes) expect(node.list.aliveMembers()).toHaveLength(3);
    for (const node of nodes) node.stop();
  });
});
