import { NodeId, seededRandom } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type MemberUpdate,
  SwimEngine,
  type SwimNode,
  type SwimTimer,
  swimConfig,
} from '../src/index.js';
import { SwimCluster } from './support/swim-sim.js';

const states = ['Alive', 'Suspect', 'Dead', 'Left'] as const;

const update = fc.record({
  node: fc.integer({ min: 1, max: 5 }).map((i) => NodeId(i)),
  state: fc.constantFrom(...states),
  incarnation: fc.bigInt({ min: 0n, max: 6n }),
  address: fc.constant(new Uint8Array()),
}) as fc.Arbitrary<MemberUpdate>;

/** One input to an engine: a gossip or push-pull from a peer, or a timer. */
const input = fc.oneof(
  fc.record({
    kind: fc.constant('gossip' as const),
    from: fc.integer({ min: 2, max: 5 }),
    updates: fc.array(update, { maxLength: 4 }),
    sync: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('timer' as const),
    timer: fc.constantFrom<SwimTimer>(
      { kind: 'probe' },
      { kind: 'pushPull' },
      { kind: 'heal' },
      { kind: 'probeTimeout', seq: 1n },
    ),
  }),
);

/** A node sees itself Alive, and the incarnations it holds never go down. */
function checkNode(node: SwimNode, seen: Map<string, bigint>): void {
  expect(node.list.stateOf(node.id)).toBe('Alive');
  for (const member of node.members()) {
    const key = `${node.id}:${member.node}`;
    const before = seen.get(key);
    if (before !== undefined) expect(member.incarnation).toBeGreaterThanOrEqual(before);
    seen.set(key, member.incarnation);
  }
}

describe('SWIM properties', () => {
  it('incarnations never decrease and a node never marks itself dead, whatever it hears', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), fc.boolean(), (inputs, lifeguard) => {
        const self = NodeId(1);
        const engine = new SwimEngine({
          id: self,
          random: seededRandom(1),
          config: swimConfig('lan', { lifeguard }),
        });
        engine.start(0);
        const seen = new Map<NodeId, bigint>();
        let now = 0;
        for (const step of inputs) {
          now += 250;
          const before = engine.incarnation;
          if (step.kind === 'gossip') {
            const from = NodeId(step.from);
            engine.handleMessage(
              now,
              from,
              step.sync
                ? { type: 'PushPull', from, reply: true, members: step.updates }
                : { type: 'Gossip', from, updates: step.updates },
            );
            const aboutSelf = step.updates.filter((u) => u.node === self);
            // At most one rise per message: one above its own incarnation, or one above an
            // Alive record of itself (its previous run's); never above an accusation.
            const records = aboutSelf.filter((u) => u.state === 'Alive').map((u) => u.incarnation);
            const ceiling = [before, ...records].reduce((a, b) => (a > b ? a : b)) + 1n;
            expect(engine.incarnation).toBeLessThanOrEqual(ceiling);
            // An accusation at or above its incarnation is always refuted.
            if (aboutSelf.some((u) => u.state !== 'Alive' && u.incarnation >= before)) {
              expect(engine.incarnation).toBeGreaterThan(before);
            }
          } else {
            engine.handleTimer(now, step.timer);
          }
          for (const member of engine.members()) {
            const previous = seen.get(member.node);
            if (previous !== undefined) expect(member.incarnation).toBeGreaterThanOrEqual(previous);
            seen.set(member.node, member.incarnation);
          }
          expect(engine.list.stateOf(self)).toBe('Alive');
          expect(engine.member(self)?.state).toBe('Alive');
        }
      }),
      { numRuns: 300, seed: 0x5_1a, endOnFailure: false },
    );
  });

  it('with no faults, all nodes agree on the membership after convergence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom<'static' | 'seeds'>('static', 'seeds'),
        (n, seed, bootstrap) => {
          const c = new SwimCluster({ n, seed, bootstrap, config: swimConfig('local') });
          expect(c.runUntilConverged(60_000)).toBeDefined();
          // Agreement holds afterwards too, and nobody was ever declared dead.
          c.sim.runFor(20_000);
          expect(c.converged()).toBe(true);
          expect(c.events.filter((e) => e.type === 'dead' || e.type === 'suspected')).toEqual([]);
        },
      ),
      { numRuns: 25, seed: 0x5_1b },
    );
  });

  it('under loss and crashes, incarnations seen never decrease and nobody marks itself dead', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 10 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.integer({ min: 0, max: 2 }),
        (n, seed, loss, crashes) => {
          const c = new SwimCluster({ n, seed, link: { loss }, config: swimConfig('local') });
          const seen = new Map<string, bigint>();
          for (let step = 0; step < 60; step++) {
            if (step === 10) for (let i = 0; i < crashes; i++) c.crash(c.ids[i]!);
            c.sim.runFor(1000);
            for (const node of c.live()) checkNode(node, seen);
          }
        },
      ),
      { numRuns: 25, seed: 0x5_1c },
    );
  });
});
