import type { Clock, NodeId, Random } from '@tala-net/types';
import type { ClusterTable, TablePull } from './cluster-messages.js';
import type { VersionedTable } from './versioned-table.js';

/** What a {@link TableAuthority} may use of the node it runs in. */
export interface TableAuthorityContext {
  /** The node's id. */
  readonly id: NodeId;
  /** The node's zone (`''` for none). */
  readonly zone: string;
  /** Number of partitions. */
  readonly partitions: number;
  /** Holders wanted per partition (the owner and its replicas). */
  readonly replicationFactor: number;
  /** `true` when the node joins through seeds: then it never coordinates a cluster of itself alone. */
  readonly seeded: boolean;
  /** The node's clock. */
  readonly clock: Clock;
  /** The node's randomness. */
  readonly random: Random;
  /** Members that count as live in the local view (Alive or Suspect), this node included, ascending. */
  liveMembers(): readonly NodeId[];
  /** Members that are Alive in the local view, this node included, ascending. */
  aliveMembers(): readonly NodeId[];
  /** Sends a table message to a member (fire-and-forget; loss is normal). */
  send(to: NodeId, message: ClusterTable | TablePull): void;
  /** Makes `table` the one the node routes by; called with newer tables only. */
  adopt(table: VersionedTable): void;
  /** Reports a failure that did not stop the authority. */
  report(error: unknown, source: string): void;
}

/**
 * Decides the partition table a node routes by. The default,
 * {@link CoordinatorAuthority}, lets the lowest-id Alive member compute tables; an
 * implementation backed by an external consensus store can replace it (`ClusterNodeOptions.authority`).
 * A node calls the methods below from its event loop; none of them may throw.
 */
export interface TableAuthority {
  /** The table adopted last, or `undefined` before the first. */
  readonly table: VersionedTable | undefined;
  /** Starts the authority (timers, first pull). */
  start(context: TableAuthorityContext): void;
  /** Stops it: no more timers, sends or adoptions. Idempotent. */
  stop(): void;
  /** The local membership view changed (`joined` names a member seen for the first time or again). */
  membershipChanged(joined?: NodeId): void;
  /** A table message arrived from `from`. */
  receive(from: NodeId, message: ClusterTable | TablePull): void;
  /** `from` routes by a table of epoch `epoch` (seen in an intent): pull when it is newer. */
  observedEpoch(from: NodeId, epoch: bigint): void;
}
