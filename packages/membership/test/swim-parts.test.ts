import { NodeId, seededRandom, TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { swimConfig, swimPresets } from '../src/index.js';
import {
  DisseminationQueue,
  LocalHealth,
  PendingTimers,
  ProbeSchedule,
  retransmitLimit,
  suspicionBounds,
  suspicionTimeout,
} from '../src/internal.js';

describe('swimConfig', () => {
  it('gives the presets, with overrides', () => {
    expect(swimConfig()).toEqual(swimPresets.lan);
    expect(swimConfig('lan')).toMatchObject({
      probeInterval: 1000,
      probeTimeout: 500,
      indirectChecks: 3,
    });
    expect(swimConfig('wan')).toMatchObject({
      probeInterval: 5000,
      probeTimeout: 3000,
      suspicionMult: 6,
    });
    expect(swimConfig('local')).toMatchObject({
      probeTimeout: 200,
      indirectChecks: 1,
      retransmitMult: 2,
    });
    expect(swimConfig('lan', { lifeguard: false }).lifeguard).toBe(false);
  });

  it('rejects out-of-range fields and unknown presets with InvalidArgument', () => {
    const bad = [
      () => swimConfig('lan', { probeInterval: 0 }),
      () => swimConfig('lan', { probeTimeout: 2000 }),
      () => swimConfig('lan', { indirectChecks: 1.5 }),
      () => swimConfig('lan', { suspicionMaxTimeoutMult: 0.5 }),
      () => swimConfig('lan', { gossipBudget: 20 }),
      () => swimConfig('lan', { reclaimTime: -1 }),
      () => swimConfig('lan', { pushPullInterval: Number.NaN }),
      () => swimConfig('mars' as 'lan'),
    ];
    for (const call of bad) {
      expect(call).toThrow(TalaError);
      try {
        call();
      } catch (error) {
        expect((error as TalaError).code).toBe('InvalidArgument');
      }
    }
  });
});

describe('suspicion timeouts', () => {
  it('scale with log10(n) and start at the max multiple with Lifeguard', () => {
    const lan = swimConfig('lan');
    expect(suspicionBounds(lan, 5)).toEqual({ min: 4000, max: 24_000 });
    expect(suspicionBounds(lan, 1000)).toEqual({ min: 12_000, max: 72_000 });
    expect(suspicionBounds(swimConfig('lan', { lifeguard: false }), 100)).toEqual({
      min: 8000,
      max: 8000,
    });
  });

  it('shrink from max to min as confirmations arrive', () => {
    expect(suspicionTimeout(1000, 6000, 2, 0)).toBe(6000);
    const one = suspicionTimeout(1000, 6000, 2, 1);
    expect(one).toBeLessThan(6000);
    expect(one).toBeGreaterThan(1000);
    expect(suspicionTimeout(1000, 6000, 2, 2)).toBe(1000);
    expect(suspicionTimeout(1000, 6000, 2, 5)).toBe(1000);
    expect(suspicionTimeout(1000, 6000, 0, 0)).toBe(1000);
  });
});

describe('dissemination queue', () => {
  it('limits retransmissions to mult × ⌈log10(n + 1)⌉', () => {
    expect(retransmitLimit(4, 9)).toBe(4);
    expect(retransmitLimit(4, 10)).toBe(8);
    expect(retransmitLimit(4, 1000)).toBe(16);
  });

  it('replaces an older update about the same member', () => {
    const queue = new DisseminationQueue();
    const address = new Uint8Array();
    queue.enqueue({ node: NodeId(1), state: 'Alive', incarnation: 0n, address });
    queue.enqueue({ node: NodeId(1), state: 'Suspect', incarnation: 0n, address });
    expect(queue.size).toBe(1);
    expect(queue.peek(NodeId(1))?.state).toBe('Suspect');
    expect(queue.take(1400, 1)).toHaveLength(1);
    expect(queue.size).toBe(0);
  });
});

describe('local health', () => {
  it('stays within 0 … max − 1 and scales intervals by score + 1', () => {
    const health = new LocalHealth(8);
    health.apply(-3);
    expect(health.score).toBe(0);
    health.apply(20);
    expect(health.score).toBe(7);
    expect(health.scale(1000)).toBe(8000);
    expect(new LocalHealth(1).multiplier).toBe(1);
  });
});

describe('probe schedule', () => {
  it('visits every member once per round, in a different order each round', () => {
    const schedule = new ProbeSchedule(seededRandom(3));
    const members = () => [1, 2, 3, 4, 5, 6].map((i) => NodeId(i));
    const rounds: bigint[][] = [];
    for (let r = 0; r < 4; r++) {
      const round: bigint[] = [];
      for (let i = 0; i < 6; i++) round.push(schedule.next(members, () => true)!);
      expect([...round].sort()).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
      rounds.push(round);
    }
    expect(new Set(rounds.map((r) => r.join())).size).toBeGreaterThan(1);
    expect(
      new ProbeSchedule(seededRandom(1)).next(
        () => [],
        () => true,
      ),
    ).toBeUndefined();
  });
});

describe('PendingTimers', () => {
  it('reuses freed slots and clears exactly the pending timers', () => {
    const timers = new PendingTimers();
    const handles = [0, 1, 2].map((i) => {
      const slot = timers.reserve();
      timers.fill(slot, { at: i });
      return slot;
    });
    expect(handles).toEqual([0, 1, 2]);
    timers.release(1);
    expect(timers.size).toBe(2);
    const reused = timers.reserve();
    expect(reused).toBe(1);
    timers.fill(reused, { at: 3 });
    const cleared: unknown[] = [];
    timers.clearAll((handle) => cleared.push(handle));
    expect(cleared).toEqual([{ at: 0 }, { at: 3 }, { at: 2 }]);
    expect(timers.size).toBe(0);
    expect(timers.reserve()).toBe(0);
  });
});
