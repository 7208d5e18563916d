import type {
  MemberUpdate,
  Message,
  NodeId,
  PartitionAssignment,
  PartitionId,
} from '@tala-net/types';
import { DEFAULT_MAX_FRAME_BYTES, type DecodeOptions } from './codec-options.js';
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

const TAG_NAMES: Readonly<Record<number, Message['type']>> = {
  1: 'Ping',
  2: 'Pong',
  3: 'IntentForward',
  4: 'SegmentSync',
  5: 'MembershipUpdate',
  6: 'PartitionTableUpdate',
  16: 'PingReq',
  17: 'IndirectAck',
  18: 'Nack',
  19: 'Gossip',
  20: 'PushPull',
};

/**
 * Decodes exactly one frame. Strict: the input must be one whole frame and nothing more, every
 * field must be present, and every count is checked against the bytes present before anything
 * is allocated, so `encode(decode(bytes))` equals `bytes` for every accepted input. (The Rust
 * reference ignores trailing bytes; tala-net rejects them.)
 *
 * Byte-array fields are views into `bytes` unless `options.copy` is set.
 *
 * Throws a `TalaError` with code `SegmentCorrupted` naming the message kind, field, byte offset,
 * what was expected and what was found.
 *
 * @example
 * ```ts
 * const message = decode(new Uint8Array([0x03, 4, 0, 0, 0, 3, 0, 0, 0]));
 * // { type: 'IntentForward', partition: 3, payload: Uint8Array [] }
 * ```
 */
export function decode(bytes: Uint8Array, options?: DecodeOptions): Message {
  const maxFrameBytes = options?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (bytes.length < HEADER_BYTES) {
    throw corrupted('frame header', 0, `${HEADER_BYTES} bytes`, `${bytes.length}`);
  }
  const tag = bytes[0]!;
  const type = TAG_NAMES[tag];
  if (type === undefined) {
    throw corrupted(
      'frame tag',
      0,
      'a known message tag',
      `0x${tag.toString(16).padStart(2, '0')}`,
    );
  }
  const length = readU32(bytes, 1);
  if (length > maxFrameBytes) {
    throw corrupted(
      `${type} frame length`,
      1,
      `at most ${maxFrameBytes} payload bytes`,
      `${length}`,
    );
  }
  if (bytes.length !== HEADER_BYTES + length) {
    throw corrupted(
      `${type} frame`,
      HEADER_BYTES,
      `${length} payload bytes`,
      `${bytes.length - HEADER_BYTES}`,
    );
  }
  return new PayloadReader(bytes, type, options?.copy === true).read();
}

/** Reads one payload, with `at` the absolute offset into the frame. */
class PayloadReader {
  private at = HEADER_BYTES;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly type: Message['type'],
    private readonly copy: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  read(): Message {
    const type = this.type;
    switch (type) {
      case 'Ping':
      case 'Pong': {
        this.expectExactly(PROBE_BYTES);
        return { type, from: this.u64() as NodeId, seq: this.u64() };
      }
      case 'IntentForward': {
        this.expectAtLeast(PARTITION_BYTES, 'partition');
        return { type, partition: this.u32() as PartitionId, payload: this.rest() };
      }
      case 'SegmentSync': {
        this.expectAtLeast(PARTITION_BYTES, 'partition');
        return { type, partition: this.u32() as PartitionId, segmentData: this.rest() };
      }
      case 'MembershipUpdate': {
        this.expectAtLeast(VERSIONED_LIST_BYTES, 'version and count');
        const version = this.u64();
        const count = this.count('members', NODE_ID_BYTES);
        this.expectExactly(count * NODE_ID_BYTES, 'members');
        const members = new Array<NodeId>(count);
        for (let i = 0; i < count; i++) members[i] = this.u64() as NodeId;
        return { type, members, version };
      }
      case 'PartitionTableUpdate':
        return this.partitionTableUpdate();
      case 'PingReq':
      case 'IndirectAck':
      case 'Nack': {
        this.expectExactly(RELAYED_PROBE_BYTES);
        return { type, from: this.u64() as NodeId, seq: this.u64(), target: this.u64() as NodeId };
      }
      case 'Gossip': {
        this.expectAtLeast(GOSSIP_FIXED_BYTES, 'from and count');
        const from = this.u64() as NodeId;
        const updates = this.memberUpdates('updates');
        this.expectEnd();
        return { type, from, updates };
      }
      case 'PushPull': {
        this.expectAtLeast(PUSH_PULL_FIXED_BYTES, 'from, flags and count');
        const from = this.u64() as NodeId;
        const flags = this.bytes[this.at]!;
        if ((flags & ~PUSH_PULL_REPLY_FLAG) !== 0) {
          throw corrupted('PushPull.flags', this.at, 'only bit 0 set', `0x${flags.toString(16)}`);
        }
        this.at += 1;
        const members = this.memberUpdates('members');
        this.expectEnd();
        return { type, from, reply: flags === PUSH_PULL_REPLY_FLAG, members };
      }
    }
  }

  private partitionTableUpdate(): Message {
    this.expectAtLeast(VERSIONED_LIST_BYTES, 'version and count');
    const version = this.u64();
    const count = this.count('assignments', ASSIGNMENT_MIN_BYTES);
    const assignments = new Array<PartitionAssignment>(count);
    for (let i = 0; i < count; i++) {
      this.expectAtLeast(ASSIGNMENT_MIN_BYTES, `assignments[${i}]`);
      const partitionId = this.u32() as PartitionId;
      const owner = this.u64() as NodeId;
      const replicaCount = this.count(`assignments[${i}].replicas`, NODE_ID_BYTES);
      const replicas = new Array<NodeId>(replicaCount);
      for (let r = 0; r < replicaCount; r++) replicas[r] = this.u64() as NodeId;
      assignments[i] = { partitionId, owner, replicas };
    }
    this.expectEnd();
    return { type: 'PartitionTableUpdate', assignments, version };
  }

  private memberUpdates(field: string): MemberUpdate[] {
    const count = this.count(field, MEMBER_UPDATE_MIN_BYTES);
    const updates = new Array<MemberUpdate>(count);
    for (let i = 0; i < count; i++) {
      this.expectAtLeast(MEMBER_UPDATE_MIN_BYTES, `${field}[${i}]`);
      const node = this.u64() as NodeId;
      const incarnation = this.u64();
      const code = this.bytes[this.at]!;
      const state = MEMBER_UPDATE_STATE_CODES[code];
      if (state === undefined) {
        throw corrupted(
          `${this.type}.${field}[${i}].state`,
          this.at,
          'a state code 0…3',
          `${code}`,
        );
      }
      const addressLength = this.bytes[this.at + 1]! | (this.bytes[this.at + 2]! << 8);
      this.at += 3;
      this.expectAtLeast(addressLength, `${field}[${i}].address`);
      updates[i] = { node, incarnation, state, address: this.take(addressLength) };
    }
    return updates;
  }

  /** Reads a u32 count of elements of at least `elementBytes` each and checks they can fit. */
  private count(field: string, elementBytes: number): number {
    this.expectAtLeast(4, `${field} count`);
    const countAt = this.at;
    const count = this.u32();
    const remaining = this.bytes.length - this.at;
    if (count * elementBytes > remaining) {
      throw corrupted(
        `${this.type}.${field} count`,
        countAt,
        `at most ${Math.floor(remaining / elementBytes)} entries of ≥${elementBytes} bytes in the ${remaining} remaining bytes`,
        `${count}`,
      );
    }
    return count;
  }

  private expectExactly(bytes: number, field = 'payload'): void {
    const remaining = this.bytes.length - this.at;
    if (remaining !== bytes) {
      throw corrupted(`${this.type}.${field}`, this.at, `exactly ${bytes} bytes`, `${remaining}`);
    }
  }

  private expectAtLeast(bytes: number, field: string): void {
    const remaining = this.bytes.length - this.at;
    if (remaining < bytes) {
      throw corrupted(`${this.type}.${field}`, this.at, `at least ${bytes} bytes`, `${remaining}`);
    }
  }

  private expectEnd(): void {
    const remaining = this.bytes.length - this.at;
    if (remaining !== 0) {
      throw corrupted(`${this.type} payload end`, this.at, 'no trailing bytes', `${remaining}`);
    }
  }

  private u32(): number {
    const value = readU32(this.bytes, this.at);
    this.at += 4;
    return value;
  }

  private u64(): bigint {
    const value = this.view.getBigUint64(this.at, true);
    this.at += 8;
    return value;
  }

  private take(length: number): Uint8Array {
    const start = this.at;
    this.at += length;
    return this.copy ? this.bytes.slice(start, this.at) : this.bytes.subarray(start, this.at);
  }

  private rest(): Uint8Array {
    return this.take(this.bytes.length - this.at);
  }
}

function readU32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
  );
}
