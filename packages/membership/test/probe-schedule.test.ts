import { NodeId, seededRandom } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProbeSchedule } from '../src/internal.js';

/** Steps of a membership that changes while probing goes on. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('probe' as const) }),
  fc.record({ kind: fc.constant('join' as const), node: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('leave' as const), node: fc.integer({ min: 1, max: 30 }) }),
);

/**
 * A membership that changes while a {@link ProbeSchedule} probes it, checking on every probe
 * that the target is a member and that nobody waits too long.
 */
class Watched {
  readonly members = new Set<NodeId>();
  readonly schedule: ProbeSchedule;
  /** Period of each member's last probe, or of its (re)join. */
  readonly #since = new Map<NodeId, number>();
  /** Joins since then: each may lengthen the wait by one period. */
  readonly #joinsSince = new Map<NodeId, number>();
  #period = 0;

  constructor(initial: number, seed: number) {
    this.schedule = new ProbeSchedule(seededRandom(seed));
    for (let i = 1; i <= initial; i++) this.#mark(NodeId(i), 0);
  }

  join(node: NodeId): void {
    if (this.members.has(node)) return;
    for (const [other, joins] of this.#joinsSince) this.#joinsSince.set(other, joins + 1);
    this.#mark(node, this.#period);
    this.schedule.insert(node);
  }

  leave(node: NodeId): void {
    this.members.delete(node);
    this.#since.delete(node);
    this.#joinsSince.delete(node);
  }

  probe(): void {
    this.#period++;
    const target = this.schedule.next(
      () => [...this.members],
      (node) => this.members.has(node),
    );
    if (this.members.size === 0) {
      expect(target).toBeUndefined();
      return;
    }
    expect(target !== undefined && this.members.has(target)).toBe(true);
    this.#mark(target!, this.#period);
    // A fixed membership of at most 30 waits at most 2 × 30 − 1 periods; each member that
    // joined during the wait may add one period.
    for (const [node, last] of this.#since) {
      const bound = 2 * 30 - 1 + this.#joinsSince.get(node)!;
      expect(this.#period - last, `member ${node}`).toBeLessThanOrEqual(bound);
    }
  }

  #mark(node: NodeId, period: number): void {
    this.members.add(node);
    this.#since.set(node, period);
    this.#joinsSince.set(node, 0);
  }
}

describe('ProbeSchedule', () => {
  it('probes only members, and every member within 2n − 1 periods (plus one per joiner)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.array(step, { maxLength: 300 }),
        fc.integer(),
        (initial, steps, seed) => {
          const watched = new Watched(initial, seed);
          for (const s of steps) {
            if (s.kind === 'join') watched.join(NodeId(s.node));
            else if (s.kind === 'leave') watched.leave(NodeId(s.node));
            else watched.probe();
          }
        },
      ),
      { seed: 0x5eed_0011, numRuns: 200 },
    );
  });

  it('probes a fixed membership exactly once per round, within 2n − 1 periods', () => {
    const n = 25;
    const schedule = new ProbeSchedule(seededRandom(9));
    const members = Array.from({ length: n }, (_, i) => NodeId(i + 1));
    const last = new Map<NodeId, number>();
    for (let period = 0; period < 10 * n; period++) {
      const target = schedule.next(
        () => [...members],
        () => true,
      )!;
      if (period % n === 0) expect(new Set(last.keys()).size).toBe(period === 0 ? 0 : n);
      const previous = last.get(target);
      if (previous !== undefined) {
        expect(period - previous).toBeLessThanOrEqual(2 * n - 1);
        // Once per round: a round is n consecutive periods.
        expect(Math.floor(previous / n)).toBeLessThan(Math.floor(period / n));
      }
      last.set(target, period);
    }
  });

  it('inserts a joiner among the unprobed members, at a random place', () => {
    const places = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const schedule = new ProbeSchedule(seededRandom(seed));
      const members = [1, 2, 3, 4, 5, 6].map((i) => NodeId(i));
      const probed = [
        schedule.next(
          () => members,
          () => true,
        )!,
      ];
      probed.push(
        schedule.next(
          () => members,
          () => true,
        )!,
      );
      schedule.insert(NodeId(7));
      const rest: NodeId[] = [];
      for (let i = 0; i < 5; i++)
        rest.push(
          schedule.next(
            () => members,
            () => true,
          )!,
        );
      // The round is the 6 members and the joiner, each once.
      expect(new Set([...probed, ...rest]).size).toBe(7);
      places.add(rest.indexOf(NodeId(7)));
    }
    expect(places.size).toBe(5);
  });
});
