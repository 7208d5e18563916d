/** Bytes of the frame header: tag (1) + payload length (4, little-endian). */
export const HEADER_BYTES = 5;
/** Largest value of an unsigned 64-bit field. */
export const U64_MAX = 0xffff_ffff_ffff_ffffn;
/** Fixed bytes of a Ping, Pong: from (8) + seq (8). */
export const PROBE_BYTES = 16;
/** Fixed bytes of a PingReq, IndirectAck, Nack: from (8) + seq (8) + target (8). */
export const RELAYED_PROBE_BYTES = 24;
/** Bytes of the partition id that opens IntentForward and SegmentSync. */
export const PARTITION_BYTES = 4;
/** Fixed bytes of a versioned list: version (8) + count (4). */
export const VERSIONED_LIST_BYTES = 12;
/** Bytes of one node id. */
export const NODE_ID_BYTES = 8;
/** Smallest partition assignment: partitionId (4) + owner (8) + replica count (4). */
export const ASSIGNMENT_MIN_BYTES = 16;
/** Fixed bytes of a Gossip: from (8) + count (4). */
export const GOSSIP_FIXED_BYTES = 12;
/** Fixed bytes of a PushPull: from (8) + flags (1) + count (4). */
export const PUSH_PULL_FIXED_BYTES = 13;
/** Smallest member update: node (8) + incarnation (8) + state (1) + address length (2). */
export const MEMBER_UPDATE_MIN_BYTES = 19;
/** Longest address a member update can carry (its length is a u16). */
export const MAX_ADDRESS_BYTES = 0xffff;
/** PushPull flag bit: this PushPull answers another. */
export const PUSH_PULL_REPLY_FLAG = 0x01;

/** Wire codes of member update states. */
export const MEMBER_UPDATE_STATE_CODES = ['Alive', 'Suspect', 'Dead', 'Left'] as const;
