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

describe('ProbeSchedule', () => {
  it('never probes a member twice in a round, and probes every member within 2n − 1 periods', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.array(step, { maxLength: 300 }),
        fc.integer(),
        (initial, steps, seed) => {
          const schedule = new ProbeSchedule(seededRandom(seed));
          const members = new Set<NodeId>();
          for (let i = 1; i <= initial; i++) members.add(NodeId(i));
          const current = () => [...members];
          const probeable = (node: NodeId) => members.has(node);
          /** Period of the last probe of each member, or of the period it (re)joined. */
          const since = new Map<NodeId, number>();
          /** Joins since that period: each may lengthen the wait by one period. */
          const joinsSince = new Map<NodeId, number>();
          for (const node of members) since.set(node, 0);
          for (const node of members) joinsSince.set(node, 0);
          let period = 0;
          for (const s of steps) {
            if (s.kind === 'join' && !members.has(NodeId(s.node))) {
              for (const [node, joins] of joinsSince) joinsSince.set(node, joins + 1);
              members.add(NodeId(s.node));
              since.set(NodeId(s.node), period);
              joinsSince.set(NodeId(s.node), 0);
              schedule.insert(NodeId(s.node));
            } else if (s.kind === 'leave') {
              members.delete(NodeId(s.node));
              since.delete(NodeId(s.node));
              joinsSince.delete(NodeId(s.node));
            } else if (s.kind === 'probe') {
              period++;
              const target = schedule.next(current, probeable);
              if (members.size === 0) {
                expect(target).toBeUndefined();
                continue;
              }
              expect(target).toBeDefined();
              expect(members.has(target!)).toBe(true);
              since.set(target!, period);
              joinsSince.set(target!, 0);
              // A fixed membership of at most 30 waits at most 2 × 30 − 1 periods; each member
              // that joined during the wait may add one period.
              for (const [node, last] of since) {
                expect(period - last, `member ${node}`).toBeLessThanOrEqual(
                  2 * 30 - 1 + joinsSince.get(node)!,
                );
              }
            }
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
