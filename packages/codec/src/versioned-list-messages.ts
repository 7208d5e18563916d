import type {
  MembershipUpdate,
  NodeId,
  PartitionAssignment,
  PartitionId,
  PartitionTableUpdate,
} from '@tala-net/types';
import { countLimit, type ReadOptions } from './codec-options.js';
import { defineMessage } from './message-definition.js';
import { readCount, tooShort, trailing } from './payload-reader.js';
import {
  finishWriting,
  readU64,
  readU64At,
  viewForReading,
  viewForWriting,
  writeU32,
  writeU64,
  writeU64At,
} from './wire-bytes.js';
import { checkArray, checkObject, checkU32, checkU64 } from './wire-checks.js';
import { corrupted } from './wire-error.js';
import { HEADER_BYTES, NODE_ID_BYTES } from './wire-layout.js';

/** Fixed bytes of a versioned list: version (8) + count (4). */
const VERSIONED_LIST_BYTES = 12;
/** Smallest partition assignment: partitionId (4) + owner (8) + replica count (4). */
const ASSIGNMENT_MIN_BYTES = 16;

/** Default {@link CountLimits.membershipMembers}. */
const DEFAULT_MEMBERS = 65_536;
/** Default {@link CountLimits.partitionAssignments}. */
const DEFAULT_ASSIGNMENTS = 65_536;
/** Default {@link CountLimits.partitionReplicas}. */
const DEFAULT_REPLICAS = 262_144;

/** `MembershipUpdate` (tag 0x05): version u64, count u32, count × node id u64. Frozen. */
export const membershipUpdateMessage = defineMessage({
  tag: 0x05,
  type: 'MembershipUpdate',
  owner: '@tala-net/codec',
  payloadLength: (message) => VERSIONED_LIST_BYTES + NODE_ID_BYTES * message.members.length,
  checkedPayloadLength(message: MembershipUpdate) {
    checkObject(message, 'MembershipUpdate', 'message');
    checkU64(message.version, 'MembershipUpdate', 'version');
    const members = message.members;
    checkArray(members, 'MembershipUpdate', 'members');
    for (let i = 0; i < members.length; i++) checkU64(members[i], 'MembershipUpdate', 'members');
    return VERSIONED_LIST_BYTES + NODE_ID_BYTES * members.length;
  },
  writePayload(message, bytes, at) {
    const members = message.members;
    writeU64(bytes, at, message.version);
    writeU32(bytes, at + 8, members.length);
    let q = at + VERSIONED_LIST_BYTES;
    for (let i = 0; i < members.length; i++, q += NODE_ID_BYTES) writeU64(bytes, q, members[i]!);
  },
  readPayload(bytes, frameStart, end, options) {
    let at = frameStart + HEADER_BYTES;
    if (end - at < VERSIONED_LIST_BYTES) {
      throw tooShort('MembershipUpdate.version and count', VERSIONED_LIST_BYTES, end - at);
    }
    const version = readU64(bytes, at);
    const limit = countLimit(options.limits, 'membershipMembers', DEFAULT_MEMBERS);
    const count = readCount(
      bytes,
      frameStart,
      at + 8,
      end,
      'MembershipUpdate.members',
      NODE_ID_BYTES,
      limit,
    );
    at += VERSIONED_LIST_BYTES;
    if (end - at !== count * NODE_ID_BYTES) {
      throw corrupted(
        'MembershipUpdate.members',
        at - frameStart,
        `exactly ${count * NODE_ID_BYTES} bytes`,
        `${end - at}`,
      );
    }
    const members = new Array<NodeId>(count);
    for (let i = 0; i < count; i++, at += NODE_ID_BYTES) members[i] = readU64(bytes, at) as NodeId;
    return { type: 'MembershipUpdate', members, version };
  },
});

function checkedTableLength(message: PartitionTableUpdate): number {
  checkObject(message, 'PartitionTableUpdate', 'message');
  checkU64(message.version, 'PartitionTableUpdate', 'version');
  const assignments = message.assignments;
  checkArray(assignments, 'PartitionTableUpdate', 'assignments');
  let payload = VERSIONED_LIST_BYTES;
  for (let i = 0; i < assignments.length; i++) {
    const assignment = assignments[i]!;
    checkObject(assignment, 'PartitionTableUpdate', 'assignments[]');
    checkU32(assignment.partitionId, 'PartitionTableUpdate', 'partitionId');
    checkU64(assignment.owner, 'PartitionTableUpdate', 'owner');
    const replicas = assignment.replicas;
    checkArray(replicas, 'PartitionTableUpdate', 'replicas');
    for (let r = 0; r < replicas.length; r++) {
      checkU64(replicas[r], 'PartitionTableUpdate', 'replicas');
    }
    payload += ASSIGNMENT_MIN_BYTES + NODE_ID_BYTES * replicas.length;
  }
  return payload;
}

function tableLength(message: PartitionTableUpdate): number {
  let length = VERSIONED_LIST_BYTES;
  for (const assignment of message.assignments) {
    length += ASSIGNMENT_MIN_BYTES + NODE_ID_BYTES * assignment.replicas.length;
  }
  return length;
}

function writeTable(message: PartitionTableUpdate, bytes: Uint8Array, at: number): void {
  const assignments = message.assignments;
  const view = viewForWriting(bytes);
  writeU64At(view, at, message.version);
  view.setUint32(at + 8, assignments.length, true);
  let q = at + VERSIONED_LIST_BYTES;
  for (let i = 0; i < assignments.length; i++) {
    const assignment = assignments[i]!;
    const replicas = assignment.replicas;
    view.setUint32(q, assignment.partitionId, true);
    writeU64At(view, q + 4, assignment.owner);
    view.setUint32(q + 12, replicas.length, true);
    q += ASSIGNMENT_MIN_BYTES;
    for (let r = 0; r < replicas.length; r++, q += NODE_ID_BYTES) writeU64At(view, q, replicas[r]!);
  }
  finishWriting(view, bytes, at, q);
}

function readTable(
  bytes: Uint8Array,
  frameStart: number,
  end: number,
  options: ReadOptions,
): PartitionTableUpdate {
  let at = frameStart + HEADER_BYTES;
  if (end - at < VERSIONED_LIST_BYTES) {
    throw tooShort('PartitionTableUpdate.version and count', VERSIONED_LIST_BYTES, end - at);
  }
  const version = readU64(bytes, at);
  const count = readCount(
    bytes,
    frameStart,
    at + 8,
    end,
    'PartitionTableUpdate.assignments',
    ASSIGNMENT_MIN_BYTES,
    countLimit(options.limits, 'partitionAssignments', DEFAULT_ASSIGNMENTS),
  );
  at += VERSIONED_LIST_BYTES;
  let replicaBudget = countLimit(options.limits, 'partitionReplicas', DEFAULT_REPLICAS);
  const assignments = new Array<PartitionAssignment>(count);
  const view = viewForReading(bytes);
  for (let i = 0; i < count; i++) {
    if (end - at < ASSIGNMENT_MIN_BYTES) {
      throw corrupted(
        `PartitionTableUpdate.assignments[${i}]`,
        at - frameStart,
        `at least ${ASSIGNMENT_MIN_BYTES} bytes`,
        `${end - at}`,
      );
    }
    const partitionId = view.getUint32(at, true) as PartitionId;
    const owner = readU64At(view, at + 4) as NodeId;
    const replicaCount = readCount(
      bytes,
      frameStart,
      at + 12,
      end,
      'PartitionTableUpdate.assignments[].replicas',
      NODE_ID_BYTES,
      replicaBudget,
      i,
    );
    replicaBudget -= replicaCount;
    at += ASSIGNMENT_MIN_BYTES;
    const replicas = new Array<NodeId>(replicaCount);
    for (let r = 0; r < replicaCount; r++, at += NODE_ID_BYTES) {
      replicas[r] = readU64At(view, at) as NodeId;
    }
    assignments[i] = { partitionId, owner, replicas };
  }
  if (at !== end) throw trailing('PartitionTableUpdate', at - frameStart, end - at);
  return { type: 'PartitionTableUpdate', assignments, version };
}

/**
 * `PartitionTableUpdate` (tag 0x06): version u64, count u32, then per assignment partitionId u32,
 * owner u64, replica count u32 and the replicas u64. Frozen to the Rust reference.
 */
export const partitionTableUpdateMessage = defineMessage({
  tag: 0x06,
  type: 'PartitionTableUpdate',
  owner: '@tala-net/codec',
  payloadLength: tableLength,
  checkedPayloadLength: checkedTableLength,
  writePayload: writeTable,
  // The reader itself, not a wrapper: a wrapper and its calls would be inlined into the decoder's
  // dispatch and spend the inlining budget that the small kinds need there.
  readPayload: readTable,
});
