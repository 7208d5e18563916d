import type { MemberUpdate, Message } from '@tala-net/types';
import {
  ASSIGNMENT_MIN_BYTES,
  GOSSIP_FIXED_BYTES,
  HEADER_BYTES,
  MEMBER_UPDATE_MIN_BYTES,
  NODE_ID_BYTES,
  PARTITION_BYTES,
  PROBE_BYTES,
  PUSH_PULL_FIXED_BYTES,
  RELAYED_PROBE_BYTES,
  VERSIONED_LIST_BYTES,
} from './wire-layout.js';

/**
 * Number of bytes `encode(message)` produces: the 5-byte header plus the payload. Use it to
 * size a buffer for {@link encodeInto}.
 *
 * @example
 * ```ts
 * encodedLength({ type: 'Ping', from: NodeId(1), seq: 1n }); // 21
 * ```
 */
export function encodedLength(message: Message): number {
  return HEADER_BYTES + payloadLength(message);
}

/** Number of payload bytes of `message` (its frame without the header). */
export function payloadLength(message: Message): number {
  switch (message.type) {
    case 'Ping':
    case 'Pong':
      return PROBE_BYTES;
    case 'IntentForward':
      return PARTITION_BYTES + message.payload.length;
    case 'SegmentSync':
      return PARTITION_BYTES + message.segmentData.length;
    case 'MembershipUpdate':
      return VERSIONED_LIST_BYTES + NODE_ID_BYTES * message.members.length;
    case 'PartitionTableUpdate': {
      let length = VERSIONED_LIST_BYTES;
      for (const assignment of message.assignments) {
        length += ASSIGNMENT_MIN_BYTES + NODE_ID_BYTES * assignment.replicas.length;
      }
      return length;
    }
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack':
      return RELAYED_PROBE_BYTES;
    case 'Gossip':
      return GOSSIP_FIXED_BYTES + memberUpdatesLength(message.updates);
    case 'PushPull':
      return PUSH_PULL_FIXED_BYTES + memberUpdatesLength(message.members);
  }
}

function memberUpdatesLength(updates: readonly MemberUpdate[]): number {
  let length = 0;
  for (const update of updates) length += MEMBER_UPDATE_MIN_BYTES + update.address.length;
  return length;
}
