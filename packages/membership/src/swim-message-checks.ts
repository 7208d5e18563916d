import type { Message } from '@tala-net/types';
import type { MemberUpdate } from './swim-messages.js';

/** The SWIM messages the engine handles. */
export type SwimMessage = Extract<
  Message,
  { type: 'Ping' | 'Pong' | 'PingReq' | 'IndirectAck' | 'Nack' | 'Gossip' | 'PushPull' }
>;

const MAX_U64 = 0xffff_ffff_ffff_ffffn;
const STATES = new Set<unknown>(['Alive', 'Suspect', 'Dead', 'Left']);
const SWIM_TYPES = new Set<unknown>([
  'Ping',
  'Pong',
  'PingReq',
  'IndirectAck',
  'Nack',
  'Gossip',
  'PushPull',
]);

/** `true` when `message` is an object whose `type` names a SWIM message. */
export function isSwimMessage(message: unknown): message is SwimMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    SWIM_TYPES.has((message as { type?: unknown }).type)
  );
}

/**
 * `true` when `message` has the shape its type demands: every field present with its wire type
 * (u64 ids and seqs as bigints in range, a boolean `reply`, a dense array of well-formed
 * updates). Holes, `null`s, getters that throw and wrong types make it `false`, never a throw.
 */
export function wellFormedMessage(message: SwimMessage): boolean {
  try {
    return checkShape(message);
  } catch {
    // A hand-built object may carry throwing getters or proxies: malformed, not a crash.
    return false;
  }
}

function checkShape(message: SwimMessage): boolean {
  if (!isU64(message.from)) return false;
  switch (message.type) {
    case 'Ping':
    case 'Pong':
      return isU64(message.seq);
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack':
      return isU64(message.seq) && isU64(message.target);
    case 'Gossip':
      return denseUpdates(message.updates);
    case 'PushPull':
      return typeof message.reply === 'boolean' && denseUpdates(message.members);
    default:
      return false;
  }
}

function denseUpdates(updates: unknown): boolean {
  if (!Array.isArray(updates)) return false;
  // An index loop, not `every`: `every` skips the holes of a sparse array.
  for (let i = 0; i < updates.length; i++) {
    if (!wellFormedUpdate(updates[i])) return false;
  }
  return true;
}

/**
 * `true` when `update` is a member update with wire-typed fields (u64s, a state, bytes, and an
 * accuser only on a `Suspect`).
 */
export function wellFormedUpdate(update: unknown): update is MemberUpdate {
  if (typeof update !== 'object' || update === null) return false;
  const candidate = update as Record<string, unknown>;
  const address = candidate.address;
  const accuser = candidate.accuser;
  return (
    isU64(candidate.node) &&
    STATES.has(candidate.state) &&
    isU64(candidate.incarnation) &&
    address instanceof Uint8Array &&
    address.length <= 0xffff &&
    // Only a Suspect names its accuser.
    (accuser === undefined || (candidate.state === 'Suspect' && isU64(accuser)))
  );
}

/** `true` for a bigint in 0 … 2^64 − 1. */
export function isU64(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_U64;
}
