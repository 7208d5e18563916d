import type { SwimConfig, SwimPreset } from '@tala-net/membership';
import { type Clock, type Random, realClock, seededRandom, TalaError } from '@tala-net/types';
import { MAX_TABLE_PARTITIONS, MAX_TABLE_REPLICAS, MAX_ZONE_BYTES } from './cluster-messages.js';
import type { ClusterNodeOptions } from './cluster-node-options.js';
import type { CoordinatorAuthorityOptions } from './coordinator-authority.js';
import type { TableAuthority } from './table-authority.js';

/** {@link ClusterNodeOptions} with defaults applied (internal). */
export interface ResolvedClusterOptions {
  readonly listen: string;
  readonly seeds: readonly string[];
  readonly label: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly zone: string;
  readonly swim: SwimConfig | SwimPreset;
  readonly clock: Clock;
  readonly random: Random;
  readonly authority: TableAuthority | undefined;
  readonly coordinator: CoordinatorAuthorityOptions;
  readonly intentTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly replicationTimeoutMs: number;
  readonly intentWindow: number;
  readonly intentWindowMs: number;
  readonly segmentChunkBytes: number;
  readonly leaveTimeoutMs: number;
  readonly proxy: boolean;
  readonly messaging: NonNullable<ClusterNodeOptions['messaging']>;
}

function integer(value: unknown, fallback: number, min: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TalaError(
      'InvalidArgument',
      `ClusterNode: ${name} must be an integer in ${min} … ${max}, found ${String(value)}`,
    );
  }
  return value;
}

function text(value: unknown, fallback: string, name: string, maxBytes: number): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || new TextEncoder().encode(value).length > maxBytes) {
    throw new TalaError(
      'InvalidArgument',
      `ClusterNode: ${name} must be a string of at most ${maxBytes} UTF-8 bytes`,
    );
  }
  return value;
}

/** Applies the defaults of {@link ClusterNodeOptions}; throws `InvalidArgument` for a bad value. */
export function resolveClusterOptions(options: ClusterNodeOptions): ResolvedClusterOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TalaError('InvalidArgument', 'ClusterNode.start: expected an options object');
  }
  const seeds = options.seeds ?? [];
  if (
    !Array.isArray(seeds) ||
    seeds.some((seed) => typeof seed !== 'string' || seed.length === 0)
  ) {
    throw new TalaError(
      'InvalidArgument',
      'ClusterNode: seeds must be an array of host:port strings',
    );
  }
  return {
    listen: text(options.listen, '127.0.0.1:0', 'listen', 1024),
    seeds,
    label: text(options.label, 'tala', 'label', 255),
    partitions: integer(options.partitions, 64, 1, MAX_TABLE_PARTITIONS, 'partitions'),
    replicas: integer(options.replicas, 2, 0, MAX_TABLE_REPLICAS - 1, 'replicas'),
    zone: text(options.zone, '', 'zone', MAX_ZONE_BYTES),
    swim: options.swim ?? 'lan',
    clock: options.clock ?? realClock(),
    random:
      options.random ?? seededRandom(globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!),
    authority: options.authority,
    coordinator: {
      debounceMs: integer(options.tableDebounceMs, 200, 0, 3_600_000, 'tableDebounceMs'),
      pullIntervalMs: integer(
        options.tablePullIntervalMs,
        1000,
        1,
        3_600_000,
        'tablePullIntervalMs',
      ),
    },
    intentTimeoutMs: integer(options.intentTimeoutMs, 10_000, 1, 2_147_483_647, 'intentTimeoutMs'),
    attemptTimeoutMs: integer(
      options.attemptTimeoutMs,
      2_000,
      1,
      2_147_483_647,
      'attemptTimeoutMs',
    ),
    replicationTimeoutMs: integer(
      options.replicationTimeoutMs,
      1_000,
      1,
      2_147_483_647,
      'replicationTimeoutMs',
    ),
    intentWindow: integer(options.intentWindow, 65_536, 1, 1 << 24, 'intentWindow'),
    intentWindowMs: integer(options.intentWindowMs, 600_000, 1, 2_147_483_647, 'intentWindowMs'),
    segmentChunkBytes: integer(
      options.segmentChunkBytes,
      256 * 1024,
      16,
      8 * 1024 * 1024,
      'segmentChunkBytes',
    ),
    leaveTimeoutMs: integer(options.leaveTimeoutMs, 1_000, 0, 60_000, 'leaveTimeoutMs'),
    proxy: options.proxy === true,
    messaging: options.messaging ?? {},
  };
}
