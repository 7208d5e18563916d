import {
  bytesAt,
  checkArray,
  checkBoolean,
  checkBytes,
  checkObject,
  checkU64,
  corrupted,
  countLimit,
  defaultRegistry,
  defineMessage,
  HEADER_BYTES,
  isU64,
  type MessageRegistry,
  pingMessage,
  readCount,
  readU64,
  tooShort,
  trailing,
  unencodable,
  writeU32,
  writeU64,
  wrongLength,
} from '@tala-net/codec';
import type { NodeId } from '@tala-net/types';
import type {
  Gossip,
  IndirectAck,
  MemberUpdate,
  MemberUpdateState,
  Nack,
  PingReq,
  PushPull,
} from './swim-messages.js';

declare module '@tala-net/codec' {
  interface CountLimits {
    /**
     * Updates of one `Gossip` (a piggyback fits one datagram: ~70 updates in 1,400 bytes).
     * @default 1024
     */
    readonly gossipUpdates?: number;
    /**
     * Members of one `PushPull`.
     * @default 4096
     */
    readonly pushPullMembers?: number;
  }
}

const OWNER = '@tala-net/membership';
/** Payload bytes of a PingReq, IndirectAck, Nack: from (8) + seq (8) + target (8). */
const RELAYED_PROBE_BYTES = 24;
/** Fixed payload bytes of a Gossip: from (8) + count (4). */
const GOSSIP_FIXED_BYTES = 12;
/** Fixed payload bytes of a PushPull: from (8) + flags (1) + count (4). */
const PUSH_PULL_FIXED_BYTES = 13;
/** Smallest member update: node (8) + incarnation (8) + state (1) + address length (2). */
const MEMBER_UPDATE_MIN_BYTES = 19;
/** Longest address a member update can carry (its length is a u16). */
export const MAX_ADDRESS_BYTES = 0xffff;
/** PushPull flag bit: this PushPull answers another. */
const PUSH_PULL_REPLY_FLAG = 0x01;
/** Wire codes of member update states, by code. */
const STATE_CODES = ['Alive', 'Suspect', 'Dead', 'Left'] as const;
const STATE_CODE: ReadonlyMap<unknown, number> = new Map(STATE_CODES.map((s, code) => [s, code]));
const DEFAULT_GOSSIP_UPDATES = 1024;
/**
 * Most members of one `PushPull` that a decoder accepts under default options (the codec count
 * limit `pushPullMembers`): a node never sends more.
 */
export const DEFAULT_PUSH_PULL_MEMBERS = 4096;

/** State code of a `Suspect` that names its accuser (8 more bytes after the address). */
const SUSPECT_BY_CODE = 4;
/** Bytes of the accuser of a `Suspect` update that names one. */
const ACCUSER_BYTES = 8;

/** The largest u64 (2^64 − 1): ids, seqs and incarnations are u64s on the wire. */
export const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/**
 * The largest incarnation accepted from a peer (2^64 − 2): a node can always refute it with
 * 2^64 − 1, the largest u64. Updates above it are rejected as malformed.
 */
export const MAX_INCARNATION = MAX_U64 - 1n;

/** `true` for a bigint in 0 … 2^64 − 1 (a u64 field of the wire). */
export function isWireU64(value: unknown): value is bigint {
  return isU64(value);
}

/** `true` for a member state the wire can carry (`Alive`, `Suspect`, `Dead` or `Left`). */
export function isMemberState(value: unknown): value is MemberUpdateState {
  return STATE_CODE.has(value);
}

/** `true` for an address the wire can carry (a `Uint8Array` of at most 65,535 bytes). */
export function isWireAddress(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length <= MAX_ADDRESS_BYTES;
}

/** Encoded bytes of one {@link MemberUpdate} inside a `Gossip` or `PushPull` payload. */
export function memberUpdateLength(update: MemberUpdate): number {
  return (
    MEMBER_UPDATE_MIN_BYTES +
    update.address.length +
    (update.accuser === undefined ? 0 : ACCUSER_BYTES)
  );
}

/** Encoded bytes of a whole `Gossip` frame (header included) carrying no update. */
export const EMPTY_GOSSIP_FRAME_BYTES = HEADER_BYTES + GOSSIP_FIXED_BYTES;

/** Encoded bytes of a whole `PushPull` frame (header included) carrying no member. */
export const EMPTY_PUSH_PULL_FRAME_BYTES = HEADER_BYTES + PUSH_PULL_FIXED_BYTES;

/** Encoded bytes of a whole `Ping` or `Pong` frame (the codec's reference probes). */
export const PROBE_FRAME_BYTES =
  HEADER_BYTES + pingMessage.payloadLength({ type: 'Ping', from: 0n as NodeId, seq: 0n });

/** Encoded bytes of a whole `PingReq`, `IndirectAck` or `Nack` frame. */
export const RELAYED_PROBE_FRAME_BYTES = HEADER_BYTES + RELAYED_PROBE_BYTES;

/** Encoded bytes of one member update with an empty address. */
export const BARE_UPDATE_BYTES = MEMBER_UPDATE_MIN_BYTES;

/** Encoded bytes of the longest member update with an `address` of `addressBytes` bytes. */
export function largestUpdateLength(addressBytes: number): number {
  return MEMBER_UPDATE_MIN_BYTES + addressBytes + ACCUSER_BYTES;
}

/** The smallest `Gossip` frame that carries an update: an empty frame and one bare update. */
export const SMALLEST_GOSSIP_WITH_UPDATE_BYTES = EMPTY_GOSSIP_FRAME_BYTES + BARE_UPDATE_BYTES;

function updatesLength(updates: readonly MemberUpdate[]): number {
  let length = 0;
  for (let i = 0; i < updates.length; i++) length += memberUpdateLength(updates[i]!);
  return length;
}

function checkedUpdatesLength(updates: readonly MemberUpdate[], where: string): number {
  checkArray(updates, where, 'list');
  let length = 0;
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i]!;
    checkObject(update, where, 'update');
    checkU64(update.node, where, 'node');
    checkU64(update.incarnation, where, 'incarnation');
    if (!isMemberState(update.state)) {
      throw unencodable(`${where}.state`, 'Alive, Suspect, Dead or Left', String(update.state));
    }
    checkBytes(update.address, where, 'address', MAX_ADDRESS_BYTES);
    checkAccuser(update, where);
    length += memberUpdateLength(update);
  }
  return length;
}

/** An accuser is a u64, and only a `Suspect` names one. */
function checkAccuser(update: MemberUpdate, where: string): void {
  if (update.accuser === undefined) return;
  checkU64(update.accuser, where, 'accuser');
  if (update.state !== 'Suspect') {
    throw unencodable(`${where}.accuser`, 'no accuser on a non-Suspect update', update.state);
  }
}

function writeUpdates(updates: readonly MemberUpdate[], bytes: Uint8Array, at: number): void {
  // Addresses that are views of the target could be overwritten by earlier fields: copy them.
  let aliased = false;
  for (let i = 0; i < updates.length; i++) {
    if (updates[i]!.address.buffer === bytes.buffer) aliased = true;
  }
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i]!;
    const address = aliased ? new Uint8Array(update.address) : update.address;
    writeU64(bytes, at, update.node);
    writeU64(bytes, at + 8, update.incarnation);
    const accuser = update.accuser;
    bytes[at + 16] = accuser === undefined ? STATE_CODE.get(update.state)! : SUSPECT_BY_CODE;
    bytes[at + 17] = address.length;
    bytes[at + 18] = address.length >>> 8;
    bytes.set(address, at + MEMBER_UPDATE_MIN_BYTES);
    at += MEMBER_UPDATE_MIN_BYTES + address.length;
    if (accuser !== undefined) {
      writeU64(bytes, at, accuser);
      at += ACCUSER_BYTES;
    }
  }
}

interface UpdateList {
  readonly type: 'Gossip' | 'PushPull';
  readonly field: string;
  readonly limit: number;
  readonly copy: boolean;
}

function readUpdates(
  bytes: Uint8Array,
  frameStart: number,
  countAt: number,
  end: number,
  list: UpdateList,
): MemberUpdate[] {
  const where = `${list.type}.${list.field}`;
  const count = readCount(
    bytes,
    frameStart,
    countAt,
    end,
    where,
    MEMBER_UPDATE_MIN_BYTES,
    list.limit,
  );
  let at = countAt + 4;
  const updates = new Array<MemberUpdate>(count);
  for (let i = 0; i < count; i++) {
    if (end - at < MEMBER_UPDATE_MIN_BYTES) {
      throw corrupted(
        `${where}[${i}]`,
        at - frameStart,
        `at least ${MEMBER_UPDATE_MIN_BYTES} bytes`,
        `${end - at}`,
      );
    }
    const node = readU64(bytes, at) as NodeId;
    const incarnation = readU64(bytes, at + 8);
    const code = bytes[at + 16]!;
    const state: MemberUpdateState | undefined =
      code === SUSPECT_BY_CODE ? 'Suspect' : STATE_CODES[code];
    if (state === undefined) {
      throw corrupted(`${where}[${i}].state`, at + 16 - frameStart, 'a state code 0…4', `${code}`);
    }
    const addressLength = bytes[at + 17]! | (bytes[at + 18]! << 8);
    at += MEMBER_UPDATE_MIN_BYTES;
    if (end - at < addressLength) {
      throw corrupted(
        `${where}[${i}].address`,
        at - frameStart,
        `at least ${addressLength} bytes`,
        `${end - at}`,
      );
    }
    const address = bytesAt(bytes, at, at + addressLength, list.copy);
    at += addressLength;
    if (code === SUSPECT_BY_CODE) {
      const accuser = readAccuser(bytes, at, end, frameStart, `${where}[${i}]`);
      updates[i] = { node, incarnation, state, address, accuser };
      at += ACCUSER_BYTES;
    } else {
      updates[i] = { node, incarnation, state, address };
    }
  }
  if (at !== end) throw trailing(list.type, at - frameStart, end - at);
  return updates;
}

function readAccuser(
  bytes: Uint8Array,
  at: number,
  end: number,
  frameStart: number,
  where: string,
): NodeId {
  if (end - at < ACCUSER_BYTES) {
    throw corrupted(`${where}.accuser`, at - frameStart, `${ACCUSER_BYTES} bytes`, `${end - at}`);
  }
  return readU64(bytes, at) as NodeId;
}

type RelayedProbe = PingReq | IndirectAck | Nack;

function relayedProbeMessage<T extends RelayedProbe['type']>(tag: number, type: T) {
  return defineMessage({
    tag,
    type,
    owner: OWNER,
    payloadLength: () => RELAYED_PROBE_BYTES,
    checkedPayloadLength(message: RelayedProbe) {
      checkObject(message, type, 'message');
      checkU64(message.from, type, 'from');
      checkU64(message.seq, type, 'seq');
      checkU64(message.target, type, 'target');
      return RELAYED_PROBE_BYTES;
    },
    writePayload(message: RelayedProbe, bytes, at) {
      writeU64(bytes, at, message.from);
      writeU64(bytes, at + 8, message.seq);
      writeU64(bytes, at + 16, message.target);
    },
    readPayload(bytes, frameStart, end) {
      const at = frameStart + HEADER_BYTES;
      if (end - at !== RELAYED_PROBE_BYTES) throw wrongLength(type, end - at, RELAYED_PROBE_BYTES);
      return {
        type,
        from: readU64(bytes, at) as NodeId,
        seq: readU64(bytes, at + 8),
        target: readU64(bytes, at + 16) as NodeId,
      } as never;
    },
  });
}

/** `PingReq` (tag 0x10): from u64, seq u64, target u64. */
export const pingReqMessage = relayedProbeMessage(0x10, 'PingReq');
/** `IndirectAck` (tag 0x11): from u64, seq u64, target u64. */
export const indirectAckMessage = relayedProbeMessage(0x11, 'IndirectAck');
/** `Nack` (tag 0x12): from u64, seq u64, target u64. */
export const nackMessage = relayedProbeMessage(0x12, 'Nack');

/** `Gossip` (tag 0x13): from u64, count u32, then count member updates. */
export const gossipMessage = defineMessage({
  tag: 0x13,
  type: 'Gossip',
  owner: OWNER,
  payloadLength: (message) => GOSSIP_FIXED_BYTES + updatesLength(message.updates),
  checkedPayloadLength(message: Gossip) {
    checkObject(message, 'Gossip', 'message');
    checkU64(message.from, 'Gossip', 'from');
    return GOSSIP_FIXED_BYTES + checkedUpdatesLength(message.updates, 'Gossip.updates');
  },
  writePayload(message, bytes, at) {
    writeUpdates(message.updates, bytes, at + GOSSIP_FIXED_BYTES);
    writeU64(bytes, at, message.from);
    writeU32(bytes, at + 8, message.updates.length);
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < GOSSIP_FIXED_BYTES) {
      throw tooShort('Gossip.from and count', GOSSIP_FIXED_BYTES, end - at);
    }
    const from = readU64(bytes, at) as NodeId;
    const updates = readUpdates(bytes, frameStart, at + 8, end, {
      type: 'Gossip',
      field: 'updates',
      limit: countLimit(options.limits, 'gossipUpdates', DEFAULT_GOSSIP_UPDATES),
      copy: options.copy,
    });
    return { type: 'Gossip', from, updates };
  },
});

/** `PushPull` (tag 0x14): from u64, flags u8 (bit 0: reply), count u32, then count member updates. */
export const pushPullMessage = defineMessage({
  tag: 0x14,
  type: 'PushPull',
  owner: OWNER,
  payloadLength: (message) => PUSH_PULL_FIXED_BYTES + updatesLength(message.members),
  checkedPayloadLength(message: PushPull) {
    checkObject(message, 'PushPull', 'message');
    checkU64(message.from, 'PushPull', 'from');
    checkBoolean(message.reply, 'PushPull', 'reply');
    return PUSH_PULL_FIXED_BYTES + checkedUpdatesLength(message.members, 'PushPull.members');
  },
  writePayload(message, bytes, at) {
    writeUpdates(message.members, bytes, at + PUSH_PULL_FIXED_BYTES);
    writeU64(bytes, at, message.from);
    bytes[at + 8] = message.reply ? PUSH_PULL_REPLY_FLAG : 0;
    writeU32(bytes, at + 9, message.members.length);
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < PUSH_PULL_FIXED_BYTES) {
      throw tooShort('PushPull.from, flags and count', PUSH_PULL_FIXED_BYTES, end - at);
    }
    const from = readU64(bytes, at) as NodeId;
    const flags = bytes[at + 8]!;
    if ((flags & ~PUSH_PULL_REPLY_FLAG) !== 0) {
      throw corrupted(
        'PushPull.flags',
        at + 8 - frameStart,
        'only bit 0 set',
        `0x${flags.toString(16)}`,
      );
    }
    const members = readUpdates(bytes, frameStart, at + 9, end, {
      type: 'PushPull',
      field: 'members',
      limit: countLimit(options.limits, 'pushPullMembers', DEFAULT_PUSH_PULL_MEMBERS),
      copy: options.copy,
    });
    return { type: 'PushPull', from, reply: flags === PUSH_PULL_REPLY_FLAG, members };
  },
});

/** SWIM's message definitions (tags 0x10–0x14, membership's range is 0x10–0x1f). */
export const swimMessages = [
  pingReqMessage,
  indirectAckMessage,
  nackMessage,
  gossipMessage,
  pushPullMessage,
] as const;

/**
 * Registers SWIM's messages with `registry` so that the codec encodes and decodes them.
 * Idempotent. `SwimEngine` calls it for the default registry; call it yourself only to decode
 * SWIM frames before any engine exists, or to use another registry.
 *
 * @example
 * ```ts
 * registerSwimMessages();
 * decode(encode({ type: 'Nack', from: NodeId(1), seq: 1n, target: NodeId(2) }));
 * ```
 */
export function registerSwimMessages(registry: MessageRegistry = defaultRegistry): void {
  registry.register(...swimMessages);
}
