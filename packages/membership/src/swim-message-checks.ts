import type { Message, NodeId } from '@tala-net/types';
import type { MemberUpdate, MemberUpdateState } from './swim-messages.js';
import { isMemberState, isWireAddress, isWireU64 } from './swim-wire.js';

/** The SWIM messages the engine handles. */
export type SwimMessage = Extract<
  Message,
  { type: 'Ping' | 'Pong' | 'PingReq' | 'IndirectAck' | 'Nack' | 'Gossip' | 'PushPull' }
>;

type SwimType = SwimMessage['type'];

const SWIM_TYPES = new Set<unknown>([
  'Ping',
  'Pong',
  'PingReq',
  'IndirectAck',
  'Nack',
  'Gossip',
  'PushPull',
]);

/** What {@link readSwimMessage} made of a received value. */
export type SwimMessageReading =
  | { readonly kind: 'swim'; readonly message: SwimMessage }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'other' };

const MALFORMED: SwimMessageReading = { kind: 'malformed' };
const OTHER: SwimMessageReading = { kind: 'other' };

/**
 * Reads a received value as a SWIM message: `other` when it is not an object whose `type` names
 * a SWIM message (another protocol's), `malformed` when a field is missing, `null`, of the wrong
 * wire type (u64 ids and seqs as bigints in range, a boolean `reply`, a dense array of
 * well-formed updates) or cannot be read (a throwing getter or proxy), and otherwise `swim` with
 * a copy made of the values read, each field read exactly once: a getter cannot answer one thing
 * to the check and another to the engine. Never throws.
 */
export function readSwimMessage(value: unknown): SwimMessageReading {
  if (typeof value !== 'object' || value === null) return OTHER;
  let type: unknown;
  try {
    type = (value as { type?: unknown }).type;
  } catch {
    return MALFORMED;
  }
  if (!SWIM_TYPES.has(type)) return OTHER;
  try {
    const message = readFields(value as Record<string, unknown>, type as SwimType);
    return message === undefined ? MALFORMED : { kind: 'swim', message };
  } catch {
    // A hand-built object may carry throwing getters or proxies: malformed, not a crash.
    return MALFORMED;
  }
}

function readFields(fields: Record<string, unknown>, type: SwimType): SwimMessage | undefined {
  const from = fields.from;
  if (!isWireU64(from)) return undefined;
  const sender = from as NodeId;
  switch (type) {
    case 'Ping':
    case 'Pong': {
      const seq = fields.seq;
      return isWireU64(seq) ? { type, from: sender, seq } : undefined;
    }
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack': {
      const seq = fields.seq;
      const target = fields.target;
      if (!isWireU64(seq) || !isWireU64(target)) return undefined;
      return { type, from: sender, seq, target: target as NodeId };
    }
    case 'Gossip': {
      const updates = readUpdates(fields.updates);
      return updates === undefined ? undefined : { type, from: sender, updates };
    }
    case 'PushPull': {
      const reply = fields.reply;
      if (typeof reply !== 'boolean') return undefined;
      const members = readUpdates(fields.members);
      return members === undefined ? undefined : { type, from: sender, reply, members };
    }
  }
}

/**
 * `value` itself when it is a dense array of well-formed updates (see {@link isUpdate}; checked
 * without a copy: a full-state sync carries a thousand of them);
 * `undefined` when it is not one. The receiver reads each update again when it applies it
 * (see {@link readUpdateInto}).
 */
function readUpdates(value: unknown): MemberUpdate[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const length = value.length;
  // An index loop, not `every`: `every` skips the holes of a sparse array.
  for (let i = 0; i < length; i++) {
    if (!isUpdate(value[i])) return undefined;
  }
  return value as MemberUpdate[];
}

/**
 * `true` for a member update with wire-typed fields (u64s, a state, bytes, and an accuser only on
 * a `Suspect`); nothing is allocated. Throws only what a getter of `value` throws.
 */
function isUpdate(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  const state = fields.state;
  const accuser = fields.accuser;
  return (
    isWireU64(fields.node) &&
    isMemberState(state) &&
    isWireU64(fields.incarnation) &&
    isWireAddress(fields.address) &&
    (accuser === undefined || (state === 'Suspect' && isWireU64(accuser)))
  );
}

/**
 * Reads the update `value` into `into` (a scratch object its caller owns), field by field, with
 * the checks of {@link isUpdate}; `false`, leaving `into` in any state, when it is not an update
 * (an object whose getters changed their answers since it was checked) or a getter threw. An
 * update read this way is only looked at, never kept: what is kept is copied from it.
 */
export function readUpdateInto(value: unknown, into: MutableUpdate): boolean {
  try {
    if (typeof value !== 'object' || value === null) return false;
    const fields = value as Record<string, unknown>;
    const node = fields.node;
    const state = fields.state;
    const incarnation = fields.incarnation;
    const address = fields.address;
    const accuser = fields.accuser;
    if (!isWireU64(node) || !isMemberState(state) || !isWireU64(incarnation)) return false;
    if (!isWireAddress(address)) return false;
    if (accuser !== undefined && (state !== 'Suspect' || !isWireU64(accuser))) return false;
    into.node = node as NodeId;
    into.state = state;
    into.incarnation = incarnation;
    into.address = address;
    into.accuser = accuser as NodeId | undefined;
    return true;
  } catch {
    return false;
  }
}

/** A {@link MemberUpdate} whose fields can be overwritten (see {@link readUpdateInto}). */
export interface MutableUpdate {
  node: NodeId;
  state: MemberUpdateState;
  incarnation: bigint;
  address: Uint8Array;
  accuser: NodeId | undefined;
}
