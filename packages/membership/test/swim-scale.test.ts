import { describe, expect, it } from 'vitest';
import { SwimCluster } from './support/swim-sim.js';

const PERIOD = 1000;

describe('SWIM at scale (simulator, LAN settings)', () => {
  it('200 nodes joining at once through one seed are converged and quiet within 15 s', () => {
    const seed = 3;
    const c = new SwimCluster({ n: 200, seed, bootstrap: 'seeds', log: false });
    let convergedAt: number | undefined;
    const quietAfter = c.runUntil(
      () => {
        if (convergedAt === undefined && c.converged()) convergedAt = c.sim.now();
        return convergedAt !== undefined && c.quiet();
      },
      40 * PERIOD,
      PERIOD,
    );
    expect(quietAfter, `seed ${seed}`).toBeLessThanOrEqual(15 * PERIOD);
    for (const node of c.live()) {
      expect(node.list.aliveMembers()).toHaveLength(200);
      expect(node.engine.queuedUpdates).toBe(0);
    }
  });

  it('a steady cluster sends no extra gossip: two messages per member per period', () => {
    const c = new SwimCluster({ n: 60, seed: 4, log: false });
    c.sim.runFor(40 * PERIOD);
    const before = c.sim.stats.sent;
    const load = c.runMeasuringLoad(50 * PERIOD, PERIOD);
    const perMemberPerPeriod = (c.sim.stats.sent - before) / 60 / 50;
    expect(perMemberPerPeriod).toBeGreaterThan(1.9);
    expect(perMemberPerPeriod).toBeLessThan(2.2);
    expect(load.maxReceived).toBeLessThanOrEqual(8);
    expect(load.node).toBeDefined();
  });
});
