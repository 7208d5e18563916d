import { type MemberUpdate, type Message, MessageTag } from '@tala-net/types';
import { encodedLength } from './encoded-length.js';
import { unencodable } from './wire-error.js';
import {
  HEADER_BYTES,
  MAX_ADDRESS_BYTES,
  MEMBER_UPDATE_STATE_CODES,
  PUSH_PULL_REPLY_FLAG,
  U64_MAX,
} from './wire-layout.js';

const STATE_CODE: Readonly<Record<string, number>> = Object.fromEntries(
  MEMBER_UPDATE_STATE_CODES.map((state, code) => [state, code]),
);

/**
 * Encodes `message` as one frame `[tag:1][length:4 LE][payload]`, byte-identical to the Rust
 * reference for tags 0x01–0x06.
 *
 * Throws a `TalaError` with code `InvalidArgument` when a field is out of its wire range (a
 * `bigint` outside u64, a partition outside u32, an address over 65,535 bytes).
 *
 * @example
 * ```ts
 * const bytes = encode({ type: 'Ping', from: NodeId(42), seq: 1n });
 * decode(bytes); // { type: 'Ping', from: 42n, seq: 1n }
 * ```
 */
export function encode(message: Message): Uint8Array {
  const bytes = new Uint8Array(encodedLength(message));
  writeFrame(message, bytes, viewOf(bytes), bytes.byteOffset);
  return bytes;
}

/**
 * Encodes `message` into `target` starting at `offset` and returns the number of bytes written
 * (`encodedLength(message)`). Nothing is written when the frame does not fit: that is a
 * `TalaError` with code `InvalidArgument`. Encoding many frames into one buffer allocates
 * nothing per frame.
 *
 * @example
 * ```ts
 * const buffer = new Uint8Array(1024);
 * let offset = 0;
 * for (const seq of [1n, 2n, 3n]) offset += encodeInto({ type: 'Ping', from: NodeId(7), seq }, buffer, offset);
 * ```
 */
export function encodeInto(message: Message, target: Uint8Array, offset = 0): number {
  const length = encodedLength(message);
  if (!Number.isInteger(offset) || offset < 0 || offset + length > target.length) {
    throw unencodable(
      `${message.type} into target`,
      `${length} bytes at offset ${offset} to fit`,
      `a target of ${target.length} bytes`,
    );
  }
  writeFrame(message, target, viewOf(target), target.byteOffset + offset);
  return length;
}

let cachedBuffer: ArrayBufferLike | undefined;
let cachedView: DataView | undefined;

/** A DataView over the whole buffer of `bytes`, reused while the same buffer is encoded into. */
function viewOf(bytes: Uint8Array): DataView {
  if (bytes.buffer !== cachedBuffer || cachedView === undefined) {
    cachedBuffer = bytes.buffer;
    cachedView = new DataView(bytes.buffer);
  }
  return cachedView;
}

/**
 * Writes the frame at absolute byte `at` of the view's buffer. `bytes` is any Uint8Array over
 * the same buffer, used for byte copies; its own offset does not matter.
 */
function writeFrame(message: Message, bytes: Uint8Array, view: DataView, at: number): void {
  const start = at;
  view.setUint8(at, MessageTag[message.type]);
  at += HEADER_BYTES;
  switch (message.type) {
    case 'Ping':
    case 'Pong':
      setU64(view, at, message.from, `${message.type}.from`);
      setU64(view, at + 8, message.seq, `${message.type}.seq`);
      at += 16;
      break;
    case 'IntentForward':
      setU32(view, at, message.partition, 'IntentForward.partition');
      bytes.set(message.payload, at + 4 - bytes.byteOffset);
      at += 4 + message.payload.length;
      break;
    case 'SegmentSync':
      setU32(view, at, message.partition, 'SegmentSync.partition');
      bytes.set(message.segmentData, at + 4 - bytes.byteOffset);
      at += 4 + message.segmentData.length;
      break;
    case 'MembershipUpdate':
      setU64(view, at, message.version, 'MembershipUpdate.version');
      view.setUint32(at + 8, message.members.length, true);
      at += 12;
      for (const member of message.members) {
        setU64(view, at, member, 'MembershipUpdate.members');
        at += 8;
      }
      break;
    case 'PartitionTableUpdate':
      setU64(view, at, message.version, 'PartitionTableUpdate.version');
      view.setUint32(at + 8, message.assignments.length, true);
      at += 12;
      for (const assignment of message.assignments) {
        setU32(view, at, assignment.partitionId, 'PartitionTableUpdate.partitionId');
        setU64(view, at + 4, assignment.owner, 'PartitionTableUpdate.owner');
        view.setUint32(at + 12, assignment.replicas.length, true);
        at += 16;
        for (const replica of assignment.replicas) {
          setU64(view, at, replica, 'PartitionTableUpdate.replicas');
          at += 8;
        }
      }
      break;
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack':
      setU64(view, at, message.from, `${message.type}.from`);
      setU64(view, at + 8, message.seq, `${message.type}.seq`);
      setU64(view, at + 16, message.target, `${message.type}.target`);
      at += 24;
      break;
    case 'Gossip':
      setU64(view, at, message.from, 'Gossip.from');
      view.setUint32(at + 8, message.updates.length, true);
      at = writeMemberUpdates(message.updates, bytes, view, at + 12, 'Gossip.updates');
      break;
    case 'PushPull':
      setU64(view, at, message.from, 'PushPull.from');
      view.setUint8(at + 8, message.reply ? PUSH_PULL_REPLY_FLAG : 0);
      view.setUint32(at + 9, message.members.length, true);
      at = writeMemberUpdates(message.members, bytes, view, at + 13, 'PushPull.members');
      break;
  }
  view.setUint32(start + 1, at - start - HEADER_BYTES, true);
}

function writeMemberUpdates(
  updates: readonly MemberUpdate[],
  bytes: Uint8Array,
  view: DataView,
  at: number,
  where: string,
): number {
  for (const update of updates) {
    const code = STATE_CODE[update.state];
    if (code === undefined)
      throw unencodable(`${where}.state`, 'Alive, Suspect, Dead or Left', String(update.state));
    if (update.address.length > MAX_ADDRESS_BYTES) {
      throw unencodable(
        `${where}.address`,
        `at most ${MAX_ADDRESS_BYTES} bytes`,
        `${update.address.length}`,
      );
    }
    setU64(view, at, update.node, `${where}.node`);
    setU64(view, at + 8, update.incarnation, `${where}.incarnation`);
    view.setUint8(at + 16, code);
    view.setUint16(at + 17, update.address.length, true);
    bytes.set(update.address, at + 19 - bytes.byteOffset);
    at += 19 + update.address.length;
  }
  return at;
}

function setU64(view: DataView, at: number, value: bigint, where: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) {
    throw unencodable(where, 'a bigint in 0 … 2^64−1', `${typeof value} ${String(value)}`);
  }
  view.setBigUint64(at, value, true);
}

function setU32(view: DataView, at: number, value: number, where: string): void {
  if (value >>> 0 !== value) {
    throw unencodable(where, 'an integer in 0 … 2^32−1', `${typeof value} ${String(value)}`);
  }
  view.setUint32(at, value, true);
}
