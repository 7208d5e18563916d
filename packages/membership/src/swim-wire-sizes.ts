import { encodedLength } from '@tala-net/codec';
import type { MemberUpdate, NodeId } from '@tala-net/types';

// Every size below is measured with the codec's own `encodedLength` once, at load time, so the
// engine's budgets follow the wire format wherever it is defined.

const ZERO = 0n as NodeId;
const EMPTY = new Uint8Array(0);
const BARE_UPDATE: MemberUpdate = { node: ZERO, state: 'Alive', incarnation: 0n, address: EMPTY };

/** Encoded size of a `Ping` or `Pong` frame, header included. */
export const PROBE_FRAME_BYTES = encodedLength({ type: 'Ping', from: ZERO, seq: 0n });

/** Encoded size of a `PingReq`, `IndirectAck` or `Nack` frame, header included. */
export const RELAYED_PROBE_FRAME_BYTES = encodedLength({
  type: 'PingReq',
  from: ZERO,
  seq: 0n,
  target: ZERO,
});

/** Encoded size of a `Gossip` frame without updates. */
export const EMPTY_GOSSIP_FRAME_BYTES = encodedLength({ type: 'Gossip', from: ZERO, updates: [] });

/** Encoded size of a `PushPull` frame without members. */
export const EMPTY_PUSH_PULL_FRAME_BYTES = encodedLength({
  type: 'PushPull',
  from: ZERO,
  reply: false,
  members: [],
});

/** Encoded size of one member update with an empty address inside a `Gossip` or `PushPull`. */
export const BARE_UPDATE_BYTES =
  encodedLength({ type: 'Gossip', from: ZERO, updates: [BARE_UPDATE] }) - EMPTY_GOSSIP_FRAME_BYTES;

/** Encoded size of `update` inside a `Gossip` or `PushPull` frame. */
export function updateBytes(update: MemberUpdate): number {
  return BARE_UPDATE_BYTES + update.address.length;
}
