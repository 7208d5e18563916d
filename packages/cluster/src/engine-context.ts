import type { SwimNode } from '@tala-net/membership';
import type { Conduit, Network } from '@tala-net/network';
import type { NodeId, PartitionId } from '@tala-net/types';
import type { PartitionState } from './partition-state.js';
import type { ResolvedClusterOptions } from './resolved-cluster-options.js';
import type { VersionedTable } from './versioned-table.js';

/** Counters of the intent and segment paths (part of the status document). */
export interface EngineCounters {
  intentsDelivered: number;
  intentsDuplicate: number;
  intentsInDoubt: number;
  intentsForwarded: number;
  intentsSubmitted: number;
  intentsFailed: number;
  segmentBytesSent: number;
  segmentBytesReceived: number;
}

/** What the intent router and the segment replicator share (internal). */
export interface EngineContext {
  readonly id: NodeId;
  readonly options: ResolvedClusterOptions;
  readonly network: Network;
  readonly membership: SwimNode;
  readonly counters: EngineCounters;
  /** Partition states by partition. */
  readonly states: Map<PartitionId, PartitionState>;
  /** The table the node routes by. */
  table(): VersionedTable | undefined;
  /** `true` while the node runs. */
  running(): boolean;
  /** `from` routes by a table of epoch `epoch`. */
  observedEpoch(from: NodeId, epoch: bigint): void;
  /** Reports a caught failure. */
  report(error: unknown, source: string): void;
  /** `false` when `node` is Dead or Left in the local view (an unknown node may be live). */
  isLive(node: NodeId): boolean;
  /** A new, empty, unsynced partition state. */
  createState(partition: PartitionId): PartitionState;
  /** The conduit of the segment channel. */
  segmentConduit(): Conduit;
}
