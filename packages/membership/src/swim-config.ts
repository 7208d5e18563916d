import { TalaError } from '@tala-net/types';
import {
  BARE_UPDATE_BYTES,
  EMPTY_PUSH_PULL_FRAME_BYTES,
  largestUpdateLength,
  MAX_ADDRESS_BYTES,
  SMALLEST_GOSSIP_WITH_UPDATE_BYTES,
} from './swim-wire.js';

/**
 * Tuning of the SWIM engine. Every duration is in milliseconds. Build one with
 * {@link swimConfig} from a preset (`lan`, `wan`, `local`) and optional overrides.
 */
export interface SwimConfig {
  /**
   * Length of a protocol period: one member is probed per period. Lifeguard's local health
   * stretches it up to `awarenessMaxMultiplier` times on a struggling node.
   * @default 1000 (lan), 5000 (wan), 1000 (local)
   */
  readonly probeInterval: number;
  /**
   * How long to wait for the direct ack before asking `indirectChecks` members to probe.
   * Stretched like `probeInterval` by local health.
   * @default 500 (lan), 3000 (wan), 200 (local)
   */
  readonly probeTimeout: number;
  /**
   * Number of members asked to probe a target indirectly (`PingReq`) after a missed direct ack.
   * @default 3 (lan), 3 (wan), 1 (local)
   */
  readonly indirectChecks: number;
  /**
   * Suspicion timeout multiplier: the shortest suspicion timeout is
   * `suspicionMult × max(1, log10(n)) × probeInterval` for `n` live members.
   * @default 4 (lan), 6 (wan), 3 (local)
   */
  readonly suspicionMult: number;
  /**
   * Lifeguard: a suspicion starts at `suspicionMaxTimeoutMult ×` the shortest timeout and
   * shrinks towards it as independent confirmations arrive.
   * @default 6
   */
  readonly suspicionMaxTimeoutMult: number;
  /**
   * An update is piggybacked at most `retransmitMult × ⌈log10(n + 1)⌉` times.
   * @default 4 (lan), 4 (wan), 2 (local)
   */
  readonly retransmitMult: number;
  /**
   * Interval of the full-state exchange with one random member, scaled up for clusters above
   * 32 members (× `⌈log2(n) − 5⌉ + 1`). 0 disables push-pull.
   * @default 30000 (lan), 60000 (wan), 15000 (local)
   */
  readonly pushPullInterval: number;
  /**
   * Largest encoded size in bytes of a probe frame plus the `Gossip` frame piggybacked right
   * after it (one datagram). Sizes are the codec's own `encodedLength`, headers included.
   * @default 1400
   */
  readonly gossipBudget: number;
  /**
   * How long a dead or departed member is remembered (and offered healing syncs) before it is
   * forgotten.
   * @default 300000 (lan), 600000 (wan), 60000 (local)
   */
  readonly reclaimTime: number;
  /**
   * Interval of the healing draw: each node, with probability 1 / (live members), syncs with one
   * random recently-dead or recently forgotten member, or a seed or bootstrap member it does not
   * know (backing off per seed), so that both sides of a healed partition re-learn each other
   * while a dead member gets O(1) syncs per interval from the whole cluster. 0 disables healing.
   * @default 5000 (lan), 15000 (wan), 2000 (local)
   */
  readonly healInterval: number;
  /**
   * Lifeguard local health: the probe interval and timeout are multiplied by up to this factor
   * while the node's awareness score says it is struggling (1 disables it).
   * @default 8
   */
  readonly awarenessMaxMultiplier: number;
  /**
   * Lifeguard features on (local health, nacks, suspicion shortened by confirmations, the
   * suspect told by its accuser and first in piggybacks, a last look before the verdict). Off
   * gives classic SWIM with a fixed suspicion timeout.
   * @default true
   */
  readonly lifeguard: boolean;
  /**
   * Most member updates taken from one received `Gossip` or `PushPull` message; the rest are
   * ignored and counted in `droppedUpdates`. It also bounds how many forgotten members are
   * remembered (tombstones). Keep it at or above the largest expected cluster size.
   * @default 4096
   */
  readonly maxUpdatesPerMessage: number;
  /**
   * Most members (live, suspected, dead or departed) a node stores besides itself. An `Alive`
   * update about a new member beyond it is dropped and counted in `rejectedUpdates`.
   * @default 16384
   */
  readonly maxMembers: number;
  /**
   * Longest member address in bytes that a node stores or gossips. An update with a longer
   * address is dropped and counted in `rejectedUpdates`; this node's own address must fit.
   * @default 512
   */
  readonly maxAddressBytes: number;
  /**
   * Largest encoded `PushPull` frame in bytes. A full state that does not fit (or that has
   * more than `maxUpdatesPerMessage` members) is sent as this node's own update plus a window of
   * the others that starts at a random member, so repeated syncs cover everyone.
   * @default 1048576 (1 MiB)
   */
  readonly maxPushPullBytes: number;
}

/** Names of the {@link SwimConfig} presets. */
export const SwimPreset = {
  /** A local network: 1 s periods, 500 ms probe timeout, 3 indirect probes. */
  lan: 'lan',
  /** A wide-area network: slower periods, longer timeouts and suspicion. */
  wan: 'wan',
  /** One machine (tests, loopback): short timeouts, one indirect probe. */
  local: 'local',
} as const;

/** One of the values of {@link SwimPreset}. */
export type SwimPreset = (typeof SwimPreset)[keyof typeof SwimPreset];

const LAN: SwimConfig = {
  probeInterval: 1000,
  probeTimeout: 500,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  retransmitMult: 4,
  pushPullInterval: 30_000,
  gossipBudget: 1400,
  reclaimTime: 300_000,
  healInterval: 5000,
  awarenessMaxMultiplier: 8,
  lifeguard: true,
  maxUpdatesPerMessage: 4096,
  maxMembers: 16_384,
  maxAddressBytes: 512,
  maxPushPullBytes: 1024 * 1024,
};

/** The preset configurations, in the spirit of memberlist's LAN/WAN/local defaults. */
export const swimPresets: Readonly<Record<SwimPreset, SwimConfig>> = {
  lan: LAN,
  wan: {
    ...LAN,
    probeInterval: 5000,
    probeTimeout: 3000,
    suspicionMult: 6,
    pushPullInterval: 60_000,
    reclaimTime: 600_000,
    healInterval: 15_000,
  },
  local: {
    ...LAN,
    probeTimeout: 200,
    indirectChecks: 1,
    suspicionMult: 3,
    retransmitMult: 2,
    pushPullInterval: 15_000,
    reclaimTime: 60_000,
    healInterval: 2000,
  },
};

/**
 * A complete, validated {@link SwimConfig}: the `preset` with `overrides` applied. Throws a
 * `TalaError` with code `InvalidArgument` for an unknown preset or an out-of-range field.
 *
 * @example
 * ```ts
 * const config = swimConfig('lan', { probeInterval: 2000 });
 * config.probeTimeout; // 500
 * ```
 */
export function swimConfig(
  preset: SwimPreset = 'lan',
  overrides: Partial<SwimConfig> = {},
): SwimConfig {
  const base = swimPresets[preset];
  if (base === undefined) {
    throw new TalaError('InvalidArgument', `swimConfig: unknown preset ${String(preset)}`);
  }
  const config: SwimConfig = { ...base, ...overrides };
  positive(config.probeInterval, 'probeInterval');
  positive(config.probeTimeout, 'probeTimeout');
  if (config.probeTimeout > config.probeInterval) {
    throw new TalaError(
      'InvalidArgument',
      `swimConfig: probeTimeout (${config.probeTimeout}) must not exceed probeInterval (${config.probeInterval})`,
    );
  }
  integer(config.indirectChecks, 'indirectChecks', 0);
  positive(config.suspicionMult, 'suspicionMult');
  if (!(config.suspicionMaxTimeoutMult >= 1)) {
    throw new TalaError(
      'InvalidArgument',
      `swimConfig: suspicionMaxTimeoutMult must be ≥ 1, found ${config.suspicionMaxTimeoutMult}`,
    );
  }
  positive(config.retransmitMult, 'retransmitMult');
  nonNegative(config.pushPullInterval, 'pushPullInterval');
  integer(config.gossipBudget, 'gossipBudget', SMALLEST_GOSSIP_WITH_UPDATE_BYTES);
  nonNegative(config.reclaimTime, 'reclaimTime');
  nonNegative(config.healInterval, 'healInterval');
  integer(config.awarenessMaxMultiplier, 'awarenessMaxMultiplier', 1);
  integer(config.maxUpdatesPerMessage, 'maxUpdatesPerMessage', 1);
  integer(config.maxMembers, 'maxMembers', 1);
  integer(config.maxAddressBytes, 'maxAddressBytes', 0);
  if (config.maxAddressBytes > MAX_ADDRESS_BYTES) {
    throw new TalaError(
      'InvalidArgument',
      `swimConfig: maxAddressBytes must be ≤ ${MAX_ADDRESS_BYTES}, found ${config.maxAddressBytes}`,
    );
  }
  // Room for the frame, this node's own update and one other member at the longest address.
  const smallestSync =
    EMPTY_PUSH_PULL_FRAME_BYTES +
    BARE_UPDATE_BYTES +
    config.maxAddressBytes +
    largestUpdateLength(config.maxAddressBytes);
  integer(config.maxPushPullBytes, 'maxPushPullBytes', smallestSync);
  if (typeof config.lifeguard !== 'boolean') {
    throw new TalaError('InvalidArgument', 'swimConfig: lifeguard must be a boolean');
  }
  return config;
}

function positive(value: number, name: string): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TalaError('InvalidArgument', `swimConfig: ${name} must be > 0, found ${value}`);
  }
}

function nonNegative(value: number, name: string): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new TalaError('InvalidArgument', `swimConfig: ${name} must be ≥ 0, found ${value}`);
  }
}

function integer(value: number, name: string, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) {
    throw new TalaError(
      'InvalidArgument',
      `swimConfig: ${name} must be an integer ≥ ${min}, found ${value}`,
    );
  }
}
