import type { MemberUpdate, Message } from '@tala-net/types';
import { allocateFrame } from './frame-pool.js';
import { isU64, writeU32, writeU64 } from './wire-bytes.js';
import { describeInput, unencodable } from './wire-error.js';
import {
  ASSIGNMENT_MIN_BYTES,
  GOSSIP_FIXED_BYTES,
  HEADER_BYTES,
  MAX_ADDRESS_BYTES,
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

const STATE_CODE: ReadonlyMap<string, number> = new Map(
  MEMBER_UPDATE_STATE_CODES.map((state, code) => [state, code]),
);

/**
 * Encodes `message` as one frame `[tag:1][length:4 LE][payload]`, byte-identical to the Rust
 * reference for tags 0x01–0x06. The result holds exactly `encodedLength(message)` bytes that
 * no later call overwrites.
 *
 * Frames of 65 bytes to 4 KiB are views into a shared 16 KiB slab (as Node's `Buffer` pool
 * does), because a separate `ArrayBuffer` per small frame costs more than encoding it: their
 * `byteOffset` may be non-zero and their `buffer` holds other frames too. Use `bytes.slice()`
 * to get a standalone copy (e.g. to transfer its buffer to a worker), or {@link encodeInto} to
 * choose the memory yourself.
 *
 * Throws a `TalaError` with code `InvalidArgument` when a field is out of its wire range (a
 * `bigint` outside u64, a partition outside u32, an unknown member state, an address over
 * 65,535 bytes, a frame over 2^32−1 payload bytes).
 *
 * @example
 * ```ts
 * const bytes = encode({ type: 'Ping', from: NodeId(42), seq: 1n });
 * decode(bytes); // { type: 'Ping', from: 42n, seq: 1n }
 * ```
 */
export function encode(message: Message): Uint8Array {
  const length = checkedEncodedLength(message);
  const bytes = allocateFrame(length);
  writeFrame(message, bytes, 0, length - HEADER_BYTES);
  return bytes;
}

/**
 * Encodes `message` into `target` starting at `offset` and returns the number of bytes written
 * (`encodedLength(message)`). Encoding many frames into one buffer allocates nothing per frame.
 *
 * All-or-nothing: every field is validated and the frame is checked to fit in
 * `target.length − offset` before the first byte is written, so a `TalaError` with code
 * `InvalidArgument` (a value out of its wire range, or a target too small) leaves `target`
 * untouched.
 *
 * @example
 * ```ts
 * const buffer = new Uint8Array(1024);
 * let offset = 0;
 * for (const seq of [1n, 2n, 3n]) offset += encodeInto({ type: 'Ping', from: NodeId(7), seq }, buffer, offset);
 * ```
 */
export function encodeInto(message: Message, target: Uint8Array, offset = 0): number {
  const length = checkedEncodedLength(message);
  if (!Number.isInteger(offset) || offset < 0 || offset > target.length - length) {
    throw unencodable(
      `${message.type} into target`,
      `${length} bytes at offset ${offset} to fit`,
      `a target of ${target.length} bytes`,
    );
  }
  writeFrame(message, target, offset, length - HEADER_BYTES);
  return length;
}

/**
 * Validates every field of `message` against its wire range and returns its encoded length.
 * Runs before anything is written, so that a failed encode never leaves a partial frame.
 */
function checkedEncodedLength(message: Message): number {
  let payload: number;
  switch (message.type) {
    case 'Ping':
    case 'Pong':
      checkU64(message.from, message.type, 'from');
      checkU64(message.seq, message.type, 'seq');
      return HEADER_BYTES + PROBE_BYTES;
    case 'IntentForward':
      checkU32(message.partition, 'IntentForward', 'partition');
      checkBytes(message.payload, 'IntentForward', 'payload');
      payload = PARTITION_BYTES + message.payload.length;
      break;
    case 'SegmentSync':
      checkU32(message.partition, 'SegmentSync', 'partition');
      checkBytes(message.segmentData, 'SegmentSync', 'segmentData');
      payload = PARTITION_BYTES + message.segmentData.length;
      break;
    case 'MembershipUpdate': {
      checkU64(message.version, 'MembershipUpdate', 'version');
      const members = message.members;
      for (let i = 0; i < members.length; i++) checkU64(members[i]!, 'MembershipUpdate', 'members');
      payload = VERSIONED_LIST_BYTES + NODE_ID_BYTES * members.length;
      break;
    }
    case 'PartitionTableUpdate': {
      checkU64(message.version, 'PartitionTableUpdate', 'version');
      payload = VERSIONED_LIST_BYTES;
      const assignments = message.assignments;
      for (let i = 0; i < assignments.length; i++) {
        const assignment = assignments[i]!;
        checkU32(assignment.partitionId, 'PartitionTableUpdate', 'partitionId');
        checkU64(assignment.owner, 'PartitionTableUpdate', 'owner');
        const replicas = assignment.replicas;
        for (let r = 0; r < replicas.length; r++) {
          checkU64(replicas[r]!, 'PartitionTableUpdate', 'replicas');
        }
        payload += ASSIGNMENT_MIN_BYTES + NODE_ID_BYTES * replicas.length;
      }
      break;
    }
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack':
      checkU64(message.from, message.type, 'from');
      checkU64(message.seq, message.type, 'seq');
      checkU64(message.target, message.type, 'target');
      return HEADER_BYTES + RELAYED_PROBE_BYTES;
    case 'Gossip':
      checkU64(message.from, 'Gossip', 'from');
      payload = GOSSIP_FIXED_BYTES + checkedMemberUpdatesLength(message.updates, 'Gossip.updates');
      break;
    case 'PushPull':
      checkU64(message.from, 'PushPull', 'from');
      payload =
        PUSH_PULL_FIXED_BYTES + checkedMemberUpdatesLength(message.members, 'PushPull.members');
      break;
    default:
      throw unencodable(
        'message',
        'a known message type',
        String((message as { type?: unknown }).type),
      );
  }
  if (payload > 0xffff_ffff) {
    throw unencodable(`${message.type}`, 'at most 2^32−1 payload bytes', `${payload}`);
  }
  return HEADER_BYTES + payload;
}

function checkedMemberUpdatesLength(updates: readonly MemberUpdate[], where: string): number {
  let length = 0;
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i]!;
    checkU64(update.node, where, 'node');
    checkU64(update.incarnation, where, 'incarnation');
    if (!STATE_CODE.has(update.state)) {
      throw unencodable(`${where}.state`, 'Alive, Suspect, Dead or Left', String(update.state));
    }
    checkBytes(update.address, where, 'address');
    if (update.address.length > MAX_ADDRESS_BYTES) {
      throw unencodable(
        `${where}.address`,
        `at most ${MAX_ADDRESS_BYTES} bytes`,
        `${update.address.length}`,
      );
    }
    length += MEMBER_UPDATE_MIN_BYTES + update.address.length;
  }
  return length;
}

function checkU64(value: bigint, type: string, field: string): void {
  if (!isU64(value)) {
    throw unencodable(
      `${type}.${field}`,
      'a bigint in 0 … 2^64−1',
      `${typeof value} ${String(value)}`,
    );
  }
}

function checkU32(value: number, type: string, field: string): void {
  if (typeof value !== 'number' || value >>> 0 !== value) {
    throw unencodable(
      `${type}.${field}`,
      'an integer in 0 … 2^32−1',
      `${typeof value} ${String(value)}`,
    );
  }
}

function checkBytes(value: Uint8Array, type: string, field: string): void {
  if (!(value instanceof Uint8Array)) {
    throw unencodable(`${type}.${field}`, 'a Uint8Array', describeInput(value));
  }
}

/**
 * Writes the frame of a validated `message` at byte `at` of `bytes`, which has room for it.
 * `payloadLength` is the length {@link checkedEncodedLength} computed, minus the header.
 */
function writeFrame(message: Message, bytes: Uint8Array, at: number, payloadLength: number): void {
  const p = at + HEADER_BYTES;
  // Byte fields first: TypedArray#set copies correctly even when the source is a view of the
  // target range (e.g. a zero-copy decoded frame re-encoded in place), before the fixed fields
  // overwrite it.
  if (message.type === 'IntentForward') bytes.set(message.payload, p + PARTITION_BYTES);
  else if (message.type === 'SegmentSync') bytes.set(message.segmentData, p + PARTITION_BYTES);
  writeU32(bytes, at + 1, payloadLength);
  switch (message.type) {
    case 'Ping':
      bytes[at] = 0x01;
      writeU64(bytes, p, message.from);
      writeU64(bytes, p + 8, message.seq);
      return;
    case 'Pong':
      bytes[at] = 0x02;
      writeU64(bytes, p, message.from);
      writeU64(bytes, p + 8, message.seq);
      return;
    case 'IntentForward':
      bytes[at] = 0x03;
      writeU32(bytes, p, message.partition);
      return;
    case 'SegmentSync':
      bytes[at] = 0x04;
      writeU32(bytes, p, message.partition);
      return;
    case 'MembershipUpdate': {
      bytes[at] = 0x05;
      const members = message.members;
      writeU64(bytes, p, message.version);
      writeU32(bytes, p + 8, members.length);
      let q = p + VERSIONED_LIST_BYTES;
      for (let i = 0; i < members.length; i++, q += NODE_ID_BYTES) writeU64(bytes, q, members[i]!);
      return;
    }
    case 'PartitionTableUpdate': {
      bytes[at] = 0x06;
      const assignments = message.assignments;
      writeU64(bytes, p, message.version);
      writeU32(bytes, p + 8, assignments.length);
      let q = p + VERSIONED_LIST_BYTES;
      for (let i = 0; i < assignments.length; i++) {
        const assignment = assignments[i]!;
        const replicas = assignment.replicas;
        writeU32(bytes, q, assignment.partitionId);
        writeU64(bytes, q + 4, assignment.owner);
        writeU32(bytes, q + 12, replicas.length);
        q += ASSIGNMENT_MIN_BYTES;
        for (let r = 0; r < replicas.length; r++, q += NODE_ID_BYTES) {
          writeU64(bytes, q, replicas[r]!);
        }
      }
      return;
    }
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack':
      bytes[at] = message.type === 'PingReq' ? 0x10 : message.type === 'IndirectAck' ? 0x11 : 0x12;
      writeU64(bytes, p, message.from);
      writeU64(bytes, p + 8, message.seq);
      writeU64(bytes, p + 16, message.target);
      return;
    case 'Gossip':
      bytes[at] = 0x13;
      writeU64(bytes, p, message.from);
      writeU32(bytes, p + 8, message.updates.length);
      writeMemberUpdates(message.updates, bytes, p + 12);
      return;
    case 'PushPull':
      bytes[at] = 0x14;
      writeU64(bytes, p, message.from);
      bytes[p + 8] = message.reply ? PUSH_PULL_REPLY_FLAG : 0;
      writeU32(bytes, p + 9, message.members.length);
      writeMemberUpdates(message.members, bytes, p + 13);
      return;
  }
}

function writeMemberUpdates(updates: readonly MemberUpdate[], bytes: Uint8Array, at: number): void {
  // Addresses that are views of the target could be overwritten by earlier fields: copy them.
  let aliased = false;
  for (let i = 0; i < updates.length; i++)
    if (updates[i]!.address.buffer === bytes.buffer) aliased = true;
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i]!;
    const address = aliased ? new Uint8Array(update.address) : update.address;
    writeU64(bytes, at, update.node);
    writeU64(bytes, at + 8, update.incarnation);
    bytes[at + 16] = STATE_CODE.get(update.state)!;
    bytes[at + 17] = address.length;
    bytes[at + 18] = address.length >>> 8;
    bytes.set(address, at + MEMBER_UPDATE_MIN_BYTES);
    at += MEMBER_UPDATE_MIN_BYTES + address.length;
  }
}
