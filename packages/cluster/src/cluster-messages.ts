import {
  checkArray,
  checkBoolean,
  checkBytes,
  checkObject,
  checkU32,
  checkU64,
  corrupted,
  defaultRegistry,
  defineMessage,
  HEADER_BYTES,
  type MessageRegistry,
  unencodable,
} from '@tala-net/codec';
import type { NodeId, PartitionAssignment, PartitionId } from '@tala-net/types';
import { PayloadReader, PayloadWriter } from './wire-cursor.js';

/** Bytes of an intent id. */
export const INTENT_ID_LENGTH = 16;
/** Most partitions a {@link ClusterTable} may describe (the partition package's limit). */
export const MAX_TABLE_PARTITIONS = 1 << 24;
/** Most members a {@link ClusterTable} may name. */
export const MAX_TABLE_MEMBERS = 65_536;
/** Most replicas of one partition in a {@link ClusterTable}. */
export const MAX_TABLE_REPLICAS = 255;
/** Most UTF-8 bytes of a zone name in a {@link TablePull}. */
export const MAX_ZONE_BYTES = 255;
/** Most hops an intent makes between nodes before it is refused. */
export const MAX_INTENT_HOPS = 255;

/**
 * A partition table with its ordering key: what the coordinator broadcasts (tag 0x50). Tables
 * are ordered by `epoch`, then by `coordinator` (the lower id wins a tie), so that two tables
 * made on both sides of a network partition order the same way on every node.
 */
export interface ClusterTable {
  /** The message kind. */
  readonly type: 'ClusterTable';
  /** Raised by each new table: one more than the highest epoch its coordinator had seen. */
  readonly epoch: bigint;
  /** The node that computed the table. */
  readonly coordinator: NodeId;
  /** Number of partitions (every partition `0 … partitions − 1` has an assignment). */
  readonly partitions: number;
  /** The members the table was computed for, ascending. */
  readonly members: readonly NodeId[];
  /** Partitions the coordinator's rebalance plan had no source for (new, or every holder lost). */
  readonly fresh: readonly PartitionId[];
  /** Owner and replicas of each partition, by ascending partition id. */
  readonly assignments: readonly PartitionAssignment[];
}

/**
 * Asks a node for its table (tag 0x51), telling it which table the sender has (`epoch` 0 and
 * `coordinator` 0 for none) and the sender's zone. The receiver answers with its
 * {@link ClusterTable} when its own is newer.
 */
export interface TablePull {
  /** The message kind. */
  readonly type: 'TablePull';
  /** The epoch of the sender's table (0 for none). */
  readonly epoch: bigint;
  /** The coordinator of the sender's table (0 for none). */
  readonly coordinator: NodeId;
  /** The sender's zone (`''` for none). */
  readonly zone: string;
}

/** An intent on its way to the owner of its partition (tag 0x52, a request payload). */
export interface IntentSubmit {
  /** The message kind. */
  readonly type: 'IntentSubmit';
  /** The 16-byte intent id. */
  readonly id: Uint8Array;
  /** Its partition, by the sender's table. */
  readonly partition: PartitionId;
  /** The epoch of the sender's table (a receiver with an older one pulls). */
  readonly epoch: bigint;
  /** Nodes it went through so far (0 from the submitter). */
  readonly hops: number;
  /** The application's bytes. */
  readonly payload: Uint8Array;
}

/** The owner's answer to an {@link IntentSubmit} (tag 0x53, a response payload). */
export interface IntentReceipt {
  /** The message kind. */
  readonly type: 'IntentReceipt';
  /** The intent's partition. */
  readonly partition: PartitionId;
  /** The node that delivered the intent. */
  readonly owner: NodeId;
  /** `true` when the id had been delivered before (within the window) and was not delivered again. */
  readonly duplicate: boolean;
}

/**
 * A holder's answer to segment bytes or a fetch (tag 0x54): the logical range `[start, end)` of
 * the partition's segment it holds after applying them, and whether it holds the segment in
 * full (`synced`).
 */
export interface SegmentAck {
  /** The message kind. */
  readonly type: 'SegmentAck';
  /** The partition whose segment this is. */
  readonly partition: PartitionId;
  /** First logical offset the holder keeps. */
  readonly start: bigint;
  /** Logical offset after the last byte the holder keeps. */
  readonly end: bigint;
  /** `true` when the holder holds the segment in full. */
  readonly synced: boolean;
}

/** Asks a holder for the segment bytes of a partition from logical offset `offset` (tag 0x55). */
export interface SegmentFetch {
  /** The message kind. */
  readonly type: 'SegmentFetch';
  /** The partition whose segment is asked for. */
  readonly partition: PartitionId;
  /** The logical offset to send bytes from. */
  readonly offset: bigint;
}

/**
 * Asks the previous owner of a partition what became of an intent it may have accepted (tag
 * 0x56, a request payload): sent by a new owner that finds the id accepted and not marked
 * delivered in the segment.
 */
export interface IntentOutcomeQuery {
  /** The message kind. */
  readonly type: 'IntentOutcomeQuery';
  /** The intent's partition. */
  readonly partition: PartitionId;
  /** The 16-byte intent id. */
  readonly id: Uint8Array;
  /** The epoch of the asking owner's table. */
  readonly epoch: bigint;
}

/**
 * What a previous owner knows of an intent (see {@link IntentOutcomeQuery}): `delivered`,
 * `released` (it accepted the intent, did not deliver it and never will: the asker takes it
 * over; answered once per id) or `unknown`.
 */
export type IntentOutcomeKind = 'unknown' | 'delivered' | 'released';

/** The answer to an {@link IntentOutcomeQuery} (tag 0x57, a response payload). */
export interface IntentOutcome {
  /** The message kind. */
  readonly type: 'IntentOutcome';
  /** The intent's partition. */
  readonly partition: PartitionId;
  /** What the answering node knows. */
  readonly outcome: IntentOutcomeKind;
}

declare module '@tala-net/types' {
  interface MessageMap {
    /** Tag 0x50, see {@link ClusterTable}. */
    ClusterTable: ClusterTable;
    /** Tag 0x51, see {@link TablePull}. */
    TablePull: TablePull;
    /** Tag 0x52, see {@link IntentSubmit}. */
    IntentSubmit: IntentSubmit;
    /** Tag 0x53, see {@link IntentReceipt}. */
    IntentReceipt: IntentReceipt;
    /** Tag 0x54, see {@link SegmentAck}. */
    SegmentAck: SegmentAck;
    /** Tag 0x55, see {@link SegmentFetch}. */
    SegmentFetch: SegmentFetch;
    /** Tag 0x56, see {@link IntentOutcomeQuery}. */
    IntentOutcomeQuery: IntentOutcomeQuery;
    /** Tag 0x57, see {@link IntentOutcome}. */
    IntentOutcome: IntentOutcome;
  }
}

const OWNER = '@tala-net/cluster';
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function assignmentLength(assignment: PartitionAssignment): number {
  return 16 + 8 * assignment.replicas.length;
}

function checkedTableLength(message: ClusterTable): number {
  const type = 'ClusterTable';
  checkObject(message, type, 'message');
  checkU64(message.epoch, type, 'epoch');
  checkU64(message.coordinator, type, 'coordinator');
  checkU32(message.partitions, type, 'partitions');
  checkArray(message.members, type, 'members');
  checkArray(message.fresh, type, 'fresh');
  checkArray(message.assignments, type, 'assignments');
  for (const member of message.members) checkU64(member, type, 'members');
  for (const partition of message.fresh) checkU32(partition, type, 'fresh');
  let length = 32 + 8 * message.members.length + 4 * message.fresh.length;
  for (const assignment of message.assignments) {
    checkObject(assignment, type, 'assignments');
    checkU32(assignment.partitionId, type, 'assignments.partitionId');
    checkU64(assignment.owner, type, 'assignments.owner');
    checkArray(assignment.replicas, type, 'assignments.replicas');
    if (assignment.replicas.length > MAX_TABLE_REPLICAS) {
      throw unencodable(
        'ClusterTable.assignments.replicas',
        `at most ${MAX_TABLE_REPLICAS}`,
        `${assignment.replicas.length}`,
      );
    }
    for (const replica of assignment.replicas) checkU64(replica, type, 'assignments.replicas');
    length += assignmentLength(assignment);
  }
  return length;
}

/**
 * `ClusterTable` (tag 0x50): epoch u64, coordinator u64, partitions u32, member count u32 and
 * member ids u64, fresh count u32 and partition ids u32, assignment count u32, then per
 * assignment partition u32, owner u64, replica count u32 and replica ids u64.
 */
export const clusterTableMessage = defineMessage({
  tag: 0x50,
  type: 'ClusterTable',
  owner: OWNER,
  payloadLength: (message) =>
    32 +
    8 * message.members.length +
    4 * message.fresh.length +
    message.assignments.reduce((sum, a) => sum + assignmentLength(a), 0),
  checkedPayloadLength: checkedTableLength,
  writePayload(message, bytes, at) {
    const out = new PayloadWriter(bytes, at)
      .u64(message.epoch)
      .u64(message.coordinator)
      .u32(message.partitions)
      .u32(message.members.length);
    for (const member of message.members) out.u64(member);
    out.u32(message.fresh.length);
    for (const partition of message.fresh) out.u32(partition);
    out.u32(message.assignments.length);
    for (const { partitionId, owner, replicas } of message.assignments) {
      out.u32(partitionId).u64(owner).u32(replicas.length);
      for (const replica of replicas) out.u64(replica);
    }
  },
  readPayload(bytes, frameStart, end) {
    const r = new PayloadReader(bytes, frameStart, end, 'ClusterTable');
    const epoch = r.u64('epoch');
    const coordinator = r.u64('coordinator') as NodeId;
    const partitions = r.u32('partitions');
    const members: NodeId[] = [];
    const memberCount = r.count('members', 8, MAX_TABLE_MEMBERS);
    for (let i = 0; i < memberCount; i++) members.push(r.u64('members') as NodeId);
    const fresh: PartitionId[] = [];
    const freshCount = r.count('fresh', 4, MAX_TABLE_PARTITIONS);
    for (let i = 0; i < freshCount; i++) fresh.push(r.u32('fresh') as PartitionId);
    const assignments: PartitionAssignment[] = [];
    const assignmentCount = r.count('assignments', 16, MAX_TABLE_PARTITIONS);
    for (let i = 0; i < assignmentCount; i++) {
      const partitionId = r.u32('assignments.partitionId') as PartitionId;
      const owner = r.u64('assignments.owner') as NodeId;
      const replicaCount = r.count('assignments.replicas', 8, MAX_TABLE_REPLICAS);
      const replicas: NodeId[] = [];
      for (let j = 0; j < replicaCount; j++) replicas.push(r.u64('assignments.replicas') as NodeId);
      assignments.push({ partitionId, owner, replicas });
    }
    r.finish();
    return { type: 'ClusterTable', epoch, coordinator, partitions, members, fresh, assignments };
  },
});

function zoneBytes(zone: string): Uint8Array {
  const bytes = utf8.encode(zone);
  if (bytes.length > MAX_ZONE_BYTES) {
    throw unencodable('TablePull.zone', `at most ${MAX_ZONE_BYTES} UTF-8 bytes`, `${bytes.length}`);
  }
  return bytes;
}

/** `TablePull` (tag 0x51): epoch u64, coordinator u64, zone length u8, zone UTF-8. */
export const tablePullMessage = defineMessage({
  tag: 0x51,
  type: 'TablePull',
  owner: OWNER,
  payloadLength: (message) => 17 + utf8.encode(message.zone).length,
  checkedPayloadLength(message: TablePull) {
    checkObject(message, 'TablePull', 'message');
    checkU64(message.epoch, 'TablePull', 'epoch');
    checkU64(message.coordinator, 'TablePull', 'coordinator');
    if (typeof message.zone !== 'string')
      throw unencodable('TablePull.zone', 'a string', typeof message.zone);
    return 17 + zoneBytes(message.zone).length;
  },
  writePayload(message, bytes, at) {
    const zone = zoneBytes(message.zone);
    new PayloadWriter(bytes, at)
      .u64(message.epoch)
      .u64(message.coordinator)
      .u8(zone.length)
      .bytes(zone);
  },
  readPayload(bytes, frameStart, end) {
    const r = new PayloadReader(bytes, frameStart, end, 'TablePull');
    const epoch = r.u64('epoch');
    const coordinator = r.u64('coordinator') as NodeId;
    const zoneLength = r.u8('zone length');
    const raw = r.bytes('zone', zoneLength);
    r.finish();
    let zone: string;
    try {
      zone = fromUtf8.decode(raw);
    } catch {
      throw corrupted('TablePull.zone', HEADER_BYTES + 17, 'UTF-8', 'invalid UTF-8 bytes');
    }
    return { type: 'TablePull', epoch, coordinator, zone };
  },
});

/** `IntentSubmit` (tag 0x52, 29 + n bytes): id 16 bytes, partition u32, epoch u64, hops u8, payload to the end. */
export const intentSubmitMessage = defineMessage({
  tag: 0x52,
  type: 'IntentSubmit',
  owner: OWNER,
  payloadLength: (message) => 29 + message.payload.length,
  checkedPayloadLength(message: IntentSubmit) {
    const type = 'IntentSubmit';
    checkObject(message, type, 'message');
    checkBytes(message.id, type, 'id');
    if (message.id.length !== INTENT_ID_LENGTH) {
      throw unencodable('IntentSubmit.id', `${INTENT_ID_LENGTH} bytes`, `${message.id.length}`);
    }
    checkU32(message.partition, type, 'partition');
    checkU64(message.epoch, type, 'epoch');
    if (!Number.isInteger(message.hops) || message.hops < 0 || message.hops > MAX_INTENT_HOPS) {
      throw unencodable(
        'IntentSubmit.hops',
        `an integer in 0 … ${MAX_INTENT_HOPS}`,
        `${message.hops}`,
      );
    }
    checkBytes(message.payload, type, 'payload');
    return 29 + message.payload.length;
  },
  writePayload(message, bytes, at) {
    new PayloadWriter(bytes, at)
      .bytes(message.id)
      .u32(message.partition)
      .u64(message.epoch)
      .u8(message.hops)
      .bytes(message.payload);
  },
  readPayload(bytes, frameStart, end) {
    const r = new PayloadReader(bytes, frameStart, end, 'IntentSubmit');
    const id = r.bytes('id', INTENT_ID_LENGTH);
    const partition = r.u32('partition') as PartitionId;
    const epoch = r.u64('epoch');
    const hops = r.u8('hops');
    const payload = r.rest();
    return { type: 'IntentSubmit', id, partition, epoch, hops, payload };
  },
});

/** `IntentReceipt` (tag 0x53): partition u32, owner u64, duplicate u8 (0 or 1). 13 bytes. */
export const intentReceiptMessage = defineMessage({
  tag: 0x53,
  type: 'IntentReceipt',
  owner: OWNER,
  payloadLength: () => 13,
  checkedPayloadLength(message: IntentReceipt) {
    checkObject(message, 'IntentReceipt', 'message');
    checkU32(message.partition, 'IntentReceipt', 'partition');
    checkU64(message.owner, 'IntentReceipt', 'owner');
    checkBoolean(message.duplicate, 'IntentReceipt', 'duplicate');
    return 13;
  },
  writePayload(message, bytes, at) {
    new PayloadWriter(bytes, at)
      .u32(message.partition)
      .u64(message.owner)
      .u8(message.duplicate ? 1 : 0);
  },
  readPayload(bytes, frameStart, end) {
    const r = new PayloadReader(bytes, frameStart, end, 'IntentReceipt');
    const partition = r.u32('partition') as PartitionId;
    const owner = r.u64('owner') as NodeId;
    const duplicate = r.flag('duplicate');
    r.finish();
    return { type: 'IntentReceipt', partition, owner, duplicate };
  },
});

/** `SegmentAck` (tag 0x54): partition u32, start u64, end u64, synced u8 (0 or 1). 21 bytes. */
export const segmentAckMessage = defineMessage({
  tag: 0x54,
  type: 'SegmentAck',
  owner: OWNER,
  payloadLength: () => 21,
  checkedPayloadLength(message: SegmentAck) {
    checkObject(message, 'SegmentAck', 'message');
    checkU32(message.partition, 'SegmentAck', 'partition');
    checkU64(message.start, 'SegmentAck', 'start');
    checkU64(message.end, 'SegmentAck', 'end');
    checkBoolean(message.synced, 'SegmentAck', 'synced');
    return 21;
  },
  writePayload(message, bytes, at) {
    new PayloadWriter(bytes, at)
      .u32(message.partition)
      .u64(message.start)
      .u64(message.end)
      .u8(message.synced ? 1 : 0);
  },
  readPayload(bytes, frameStart, end) {
    const r = new PayloadReader(bytes, frameStart, end, 'SegmentAck');
    const partition = r.u32('partition') as PartitionId;
    const start = r.u64('start');
    const segmentEnd = r.u64('end');
    const synced = r.flag('synced');
    r.finish();
    return { type: 'SegmentAck', partition, start, end: segmentEnd, synced };
  },
});

/** `SegmentFetch` (tag 0x55): partition u32, offset u64. 12 bytes. */
export const segmentFetchMessage = defineMessage({
  tag: 0x55,
  type: 'SegmentFetch',
  owner: OWNER,
  payloadLength: () => 12,
  checkedPayloadLength(message: SegmentFetch) {
    checkObject(message, 'SegmentFetch', 'message');
    checkU32(message.partition, 'SegmentFetch', 'partition');
    checkU64(message.offset, 'SegmentFetch', 'offset');
    return 12;
  },
  writePayload(message, bytes, at) {
    new PayloadWriter(bytes, at).u32(message.partition).u64(message.offset);
  },
  readPayload(bytes, frameStart, end) {
    const r = new PayloadReader(bytes, frameStart, end, 'SegmentFetch');
    const partition = r.u32('partition') as PartitionId;
    const offset = r.u64('offset');
    r.finish();
    return { type: 'SegmentFetch', partition, offset };
  },
});

/** `IntentOutcomeQuery` (tag 0x56): partition u32, id 16 bytes, epoch u64. 28 bytes. */
export const intentOutcomeQueryMessage = defineMessage({
  tag: 0x56,
  type: 'IntentOutcomeQuery',
  owner: OWNER,
  payloadLength: () => 28,
  checkedPayloadLength(message: IntentOutcomeQuery) {
    const type = 'IntentOutcomeQuery';
    checkObject(message, type, 'message');
    checkU32(message.partition, type, 'partition');
    checkBytes(message.id, type, 'id');
    if (message.id.length !== INTENT_ID_LENGTH) {
      throw unencodable(`${type}.id`, `${INTENT_ID_LENGTH} bytes`, `${message.id.length}`);
    }
    checkU64(message.epoch, type, 'epoch');
    return 28;
  },
  writePayload(message, bytes, at) {
    new PayloadWriter(bytes, at).u32(message.partition).bytes(message.id).u64(message.epoch);
  },
  readPayload(bytes, frameStart, end) {
    const r = new PayloadReader(bytes, frameStart, end, 'IntentOutcomeQuery');
    const partition = r.u32('partition') as PartitionId;
    const id = r.bytes('id', INTENT_ID_LENGTH);
    const epoch = r.u64('epoch');
    r.finish();
    return { type: 'IntentOutcomeQuery', partition, id, epoch };
  },
});

/** Wire values of {@link IntentOutcomeKind}, by index. */
const OUTCOMES: readonly IntentOutcomeKind[] = ['unknown', 'delivered', 'released'];

/** `IntentOutcome` (tag 0x57): partition u32, outcome u8 (0 unknown, 1 delivered, 2 released). 5 bytes. */
export const intentOutcomeMessage = defineMessage({
  tag: 0x57,
  type: 'IntentOutcome',
  owner: OWNER,
  payloadLength: () => 5,
  checkedPayloadLength(message: IntentOutcome) {
    checkObject(message, 'IntentOutcome', 'message');
    checkU32(message.partition, 'IntentOutcome', 'partition');
    if (!OUTCOMES.includes(message.outcome)) {
      throw unencodable('IntentOutcome.outcome', OUTCOMES.join(', '), String(message.outcome));
    }
    return 5;
  },
  writePayload(message, bytes, at) {
    new PayloadWriter(bytes, at).u32(message.partition).u8(OUTCOMES.indexOf(message.outcome));
  },
  readPayload(bytes, frameStart, end) {
    const r = new PayloadReader(bytes, frameStart, end, 'IntentOutcome');
    const partition = r.u32('partition') as PartitionId;
    const value = r.u8('outcome');
    const outcome = OUTCOMES[value];
    if (outcome === undefined)
      throw corrupted('IntentOutcome.outcome', HEADER_BYTES + 4, '0, 1 or 2', `${value}`);
    r.finish();
    return { type: 'IntentOutcome', partition, outcome };
  },
});

/** The cluster's message definitions (tags 0x50–0x57), by ascending tag. */
export const clusterMessages = [
  clusterTableMessage,
  tablePullMessage,
  intentSubmitMessage,
  intentReceiptMessage,
  segmentAckMessage,
  segmentFetchMessage,
  intentOutcomeQueryMessage,
  intentOutcomeMessage,
] as const;

/**
 * Registers the cluster's messages with `registry` (idempotent).
 *
 * @example
 * ```ts
 * registerClusterMessages();
 * decode(encode({ type: 'SegmentFetch', partition: PartitionId(3), offset: 0n }));
 * ```
 */
export function registerClusterMessages(registry: MessageRegistry = defaultRegistry): void {
  registry.register(...clusterMessages);
}
