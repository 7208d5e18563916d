import type { MembershipEventType, MemberUpdate } from '@tala-net/membership';
import type { NodeId, PartitionId } from '@tala-net/types';
import type { VersionedTable } from './versioned-table.js';

/** An intent delivered to the application by the owner of its partition (once per id). */
export class IntentEvent extends Event {
  /** The 16-byte intent id. */
  readonly id: Uint8Array;
  /** Its partition. */
  readonly partition: PartitionId;
  /** The application's bytes. */
  readonly payload: Uint8Array;

  constructor(id: Uint8Array, partition: PartitionId, payload: Uint8Array) {
    super('intent');
    this.id = id;
    this.partition = partition;
    this.payload = payload;
  }
}

/** The node adopted a newer partition table. */
export class TableEvent extends Event {
  /** The table the node routes by from now on. */
  readonly table: VersionedTable;
  /** The one it replaces, or `undefined` for the first. */
  readonly previous: VersionedTable | undefined;

  constructor(table: VersionedTable, previous: VersionedTable | undefined) {
    super('table');
    this.table = table;
    this.previous = previous;
  }
}

/** A change in the node's membership view (what SWIM reported). */
export class MemberEvent extends Event {
  /** `joined`, `suspected`, `alive`, `dead`, `left` or `updated`. */
  readonly change: MembershipEventType;
  /** The member's state after the change. */
  readonly member: MemberUpdate;
  /** Its id. */
  readonly node: NodeId;

  constructor(change: MembershipEventType, member: MemberUpdate) {
    super('member');
    this.change = change;
    this.member = member;
    this.node = member.node;
  }
}

/**
 * Events of a `ClusterNode` (besides `error`, an `ErrorReportEvent` for a failure the node
 * caught and survived).
 */
export interface ClusterNodeEventMap {
  /** An intent delivered to this node's application (this node owns its partition). */
  intent: IntentEvent;
  /** A newer partition table was adopted. */
  table: TableEvent;
  /** A membership change. */
  member: MemberEvent;
}
