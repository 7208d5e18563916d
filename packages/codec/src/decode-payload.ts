import type {
  MemberUpdate,
  Message,
  MessageType,
  NodeId,
  PartitionAssignment,
  PartitionId,
  TalaError,
} from '@tala-net/types';
import { readU32, readU64 } from './wire-bytes.js';
import { corrupted } from './wire-error.js';
import {
  ASSIGNMENT_MIN_BYTES,
  GOSSIP_FIXED_BYTES,
  HEADER_BYTES,
  MEMBER_UPDATE_MIN_BYTES,
  MEMBER_UPDATE_STATE_CODES,
  NODE_ID_BYTES,
  PARTITION_BYTES,
  PROBE_BYTES,
  PUSH_PULL_FIXED_BYTES,
  PUSH_PULL_REPLY_FLAG,
  RELAYED_PROBE_BYTES,
  VERSIONED_LIST_BYTES,
} from './wire-layout.js';

/** Message type of each known tag; `undefined` for every unknown tag. */
const TAG_TYPES: readonly (MessageType | undefined)[] = (() => {
  const types = new Array<MessageType | undefined>(256).fill(undefined);
  types[0x01] = 'Ping';
  types[0x02] = 'Pong';
  types[0x03] = 'IntentForward';
  types[0x04] = 'SegmentSync';
  types[0x05] = 'MembershipUpdate';
  types[0x06] = 'PartitionTableUpdate';
  types[0x10] = 'PingReq';
  types[0x11] = 'IndirectAck';
  types[0x12] = 'Nack';
  types[0x13] = 'Gossip';
  types[0x14] = 'PushPull';
  return types;
})();

/**
 * Checks the 5-byte header at `start` of `bytes` (all five bytes present) and returns the
 * declared payload length. Throws on an unknown tag or a length above `maxFrameBytes`, before
 * any payload byte is looked at.
 */
export function readHeader(bytes: Uint8Array, start: number, maxFrameBytes: number): number {
  const tag = bytes[start]!;
  const type = TAG_TYPES[tag];
  if (type === undefined) {
    throw corrupted(
      'frame tag',
      0,
      'a known message tag',
      `0x${tag.toString(16).padStart(2, '0')}`,
    );
  }
  const length = readU32(bytes, start + 1);
  if (length > maxFrameBytes) {
    throw corrupted(
      `${type} frame length`,
      1,
      `at most ${maxFrameBytes} payload bytes`,
      `${length}`,
    );
  }
  return length;
}

/** The message type of a tag that {@link readHeader} accepted. */
export function typeOfTag(tag: number): MessageType {
  return TAG_TYPES[tag]!;
}

/**
 * Decodes the payload of the frame that starts at `start` of `bytes`, whose header has passed
 * {@link readHeader} and whose `length` payload bytes are all present. Byte-array fields are
 * views into `bytes` unless `copy`. Error offsets are relative to `start`.
 */
export function decodePayload(
  bytes: Uint8Array,
  start: number,
  length: number,
  copy: boolean,
): Message {
  const at = start + HEADER_BYTES;
  const end = at + length;
  switch (bytes[start]) {
    case 0x01:
      if (length !== PROBE_BYTES) throw wrongLength('Ping', length, PROBE_BYTES);
      return { type: 'Ping', from: readU64(bytes, at) as NodeId, seq: readU64(bytes, at + 8) };
    case 0x02:
      if (length !== PROBE_BYTES) throw wrongLength('Pong', length, PROBE_BYTES);
      return { type: 'Pong', from: readU64(bytes, at) as NodeId, seq: readU64(bytes, at + 8) };
    case 0x03:
      if (length < PARTITION_BYTES)
        throw tooShort('IntentForward.partition', PARTITION_BYTES, length);
      return {
        type: 'IntentForward',
        partition: readU32(bytes, at) as PartitionId,
        payload: copy ? copyOf(bytes, at + 4, end) : viewOf(bytes, at + 4, end),
      };
    case 0x04:
      if (length < PARTITION_BYTES)
        throw tooShort('SegmentSync.partition', PARTITION_BYTES, length);
      return {
        type: 'SegmentSync',
        partition: readU32(bytes, at) as PartitionId,
        segmentData: copy ? copyOf(bytes, at + 4, end) : viewOf(bytes, at + 4, end),
      };
    case 0x05:
      return membershipUpdate(bytes, start, end);
    case 0x06:
      return partitionTableUpdate(bytes, start, end);
    case 0x10:
    case 0x11:
    case 0x12:
      return relayedProbe(bytes, start, length);
    case 0x13: {
      if (length < GOSSIP_FIXED_BYTES)
        throw tooShort('Gossip.from and count', GOSSIP_FIXED_BYTES, length);
      const from = readU64(bytes, at) as NodeId;
      const updates = memberUpdates(bytes, start, at + 8, end, 'Gossip', 'updates', copy);
      return { type: 'Gossip', from, updates };
    }
    case 0x14: {
      if (length < PUSH_PULL_FIXED_BYTES)
        throw tooShort('PushPull.from, flags and count', PUSH_PULL_FIXED_BYTES, length);
      const from = readU64(bytes, at) as NodeId;
      const flags = bytes[at + 8]!;
      if ((flags & ~PUSH_PULL_REPLY_FLAG) !== 0) {
        throw corrupted(
          'PushPull.flags',
          at + 8 - start,
          'only bit 0 set',
          `0x${flags.toString(16)}`,
        );
      }
      const members = memberUpdates(bytes, start, at + 9, end, 'PushPull', 'members', copy);
      return { type: 'PushPull', from, reply: flags === PUSH_PULL_REPLY_FLAG, members };
    }
    default:
      // readHeader rejects every other tag before a payload is decoded.
      throw corrupted('frame tag', 0, 'a known message tag', `0x${bytes[start]!.toString(16)}`);
  }
}

function relayedProbe(bytes: Uint8Array, start: number, length: number): Message {
  const type = bytes[start] === 0x10 ? 'PingReq' : bytes[start] === 0x11 ? 'IndirectAck' : 'Nack';
  if (length !== RELAYED_PROBE_BYTES) throw wrongLength(type, length, RELAYED_PROBE_BYTES);
  const at = start + HEADER_BYTES;
  return {
    type,
    from: readU64(bytes, at) as NodeId,
    seq: readU64(bytes, at + 8),
    target: readU64(bytes, at + 16) as NodeId,
  };
}

function membershipUpdate(bytes: Uint8Array, start: number, end: number): Message {
  let at = start + HEADER_BYTES;
  if (end - at < VERSIONED_LIST_BYTES) {
    throw tooShort('MembershipUpdate.version and count', VERSIONED_LIST_BYTES, end - at);
  }
  const version = readU64(bytes, at);
  const count = readCount(bytes, start, at + 8, end, 'MembershipUpdate.members', NODE_ID_BYTES);
  at += VERSIONED_LIST_BYTES;
  if (end - at !== count * NODE_ID_BYTES) {
    throw corrupted(
      'MembershipUpdate.members',
      at - start,
      `exactly ${count * NODE_ID_BYTES} bytes`,
      `${end - at}`,
    );
  }
  const members = new Array<NodeId>(count);
  for (let i = 0; i < count; i++, at += NODE_ID_BYTES) members[i] = readU64(bytes, at) as NodeId;
  return { type: 'MembershipUpdate', members, version };
}

function partitionTableUpdate(bytes: Uint8Array, start: number, end: number): Message {
  let at = start + HEADER_BYTES;
  if (end - at < VERSIONED_LIST_BYTES) {
    throw tooShort('PartitionTableUpdate.version and count', VERSIONED_LIST_BYTES, end - at);
  }
  const version = readU64(bytes, at);
  const count = readCount(
    bytes,
    start,
    at + 8,
    end,
    'PartitionTableUpdate.assignments',
    ASSIGNMENT_MIN_BYTES,
  );
  at += VERSIONED_LIST_BYTES;
  const assignments = new Array<PartitionAssignment>(count);
  for (let i = 0; i < count; i++) {
    if (end - at < ASSIGNMENT_MIN_BYTES) {
      throw corrupted(
        `PartitionTableUpdate.assignments[${i}]`,
        at - start,
        `at least ${ASSIGNMENT_MIN_BYTES} bytes`,
        `${end - at}`,
      );
    }
    const partitionId = readU32(bytes, at) as PartitionId;
    const owner = readU64(bytes, at + 4) as NodeId;
    const replicaCount = readCount(
      bytes,
      start,
      at + 12,
      end,
      'PartitionTableUpdate.assignments[].replicas',
      NODE_ID_BYTES,
      i,
    );
    at += ASSIGNMENT_MIN_BYTES;
    const replicas = new Array<NodeId>(replicaCount);
    for (let r = 0; r < replicaCount; r++, at += NODE_ID_BYTES) {
      replicas[r] = readU64(bytes, at) as NodeId;
    }
    assignments[i] = { partitionId, owner, replicas };
  }
  if (at !== end) throw trailing('PartitionTableUpdate', at - start, end - at);
  return { type: 'PartitionTableUpdate', assignments, version };
}

function memberUpdates(
  bytes: Uint8Array,
  start: number,
  countAt: number,
  end: number,
  type: 'Gossip' | 'PushPull',
  field: string,
  copy: boolean,
): MemberUpdate[] {
  const count = readCount(bytes, start, countAt, end, `${type}.${field}`, MEMBER_UPDATE_MIN_BYTES);
  let at = countAt + 4;
  const updates = new Array<MemberUpdate>(count);
  for (let i = 0; i < count; i++) {
    if (end - at < MEMBER_UPDATE_MIN_BYTES) {
      throw corrupted(
        `${type}.${field}[${i}]`,
        at - start,
        `at least ${MEMBER_UPDATE_MIN_BYTES} bytes`,
        `${end - at}`,
      );
    }
    const node = readU64(bytes, at) as NodeId;
    const incarnation = readU64(bytes, at + 8);
    const code = bytes[at + 16]!;
    const state = MEMBER_UPDATE_STATE_CODES[code];
    if (state === undefined) {
      throw corrupted(
        `${type}.${field}[${i}].state`,
        at + 16 - start,
        'a state code 0…3',
        `${code}`,
      );
    }
    const addressLength = bytes[at + 17]! | (bytes[at + 18]! << 8);
    at += MEMBER_UPDATE_MIN_BYTES;
    if (end - at < addressLength) {
      throw corrupted(
        `${type}.${field}[${i}].address`,
        at - start,
        `at least ${addressLength} bytes`,
        `${end - at}`,
      );
    }
    const address = copy
      ? copyOf(bytes, at, at + addressLength)
      : viewOf(bytes, at, at + addressLength);
    at += addressLength;
    updates[i] = { node, incarnation, state, address };
  }
  if (at !== end) throw trailing(type, at - start, end - at);
  return updates;
}

/**
 * Reads the u32 count at `countAt` (whose 4 bytes the caller has checked) and checks that
 * `count` elements of at least `elementBytes` bytes fit between the count and `end`, before
 * anything is allocated for them. A field name with `[]` gets `index` put between the brackets
 * (only when there is an error to report: no string is built per element).
 */
function readCount(
  bytes: Uint8Array,
  start: number,
  countAt: number,
  end: number,
  field: string,
  elementBytes: number,
  index = -1,
): number {
  if (end - countAt < 4) {
    throw corrupted(
      `${indexed(field, index)} count`,
      countAt - start,
      'at least 4 bytes',
      `${end - countAt}`,
    );
  }
  const count = readU32(bytes, countAt);
  const remaining = end - countAt - 4;
  if (count * elementBytes > remaining) {
    throw corrupted(
      `${indexed(field, index)} count`,
      countAt - start,
      `at most ${Math.floor(remaining / elementBytes)} entries of ≥${elementBytes} bytes in the ${remaining} remaining bytes`,
      `${count}`,
    );
  }
  return count;
}

function wrongLength(type: string, length: number, expected: number): TalaError {
  return corrupted(`${type}.payload`, HEADER_BYTES, `exactly ${expected} bytes`, `${length}`);
}

function tooShort(field: string, expected: number, length: number): TalaError {
  return corrupted(field, HEADER_BYTES, `at least ${expected} bytes`, `${length}`);
}

function trailing(type: string, offset: number, remaining: number): TalaError {
  return corrupted(`${type} payload end`, offset, 'no trailing bytes', `${remaining}`);
}

function indexed(field: string, index: number): string {
  return index < 0 ? field : field.replace('[]', `[${index}]`);
}

/**
 * A plain `Uint8Array` view of `bytes[start, end)`. Not `subarray`: on a Node `Buffer` that
 * would return a `Buffer`, whose `slice` is a view, surprising code that copies with `slice`.
 */
function viewOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}

/**
 * A copy of `bytes[start, end)` in memory of its own. Not `bytes.slice`: on a Node `Buffer`
 * (a `Uint8Array` subclass callers may pass) `slice` returns a view, not a copy.
 */
function copyOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const copy = new Uint8Array(end - start);
  copy.set(bytes.subarray(start, end));
  return copy;
}
