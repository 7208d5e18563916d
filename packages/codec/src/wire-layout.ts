/** Bytes of the frame header: tag (1) + payload length (4, little-endian). */
export const HEADER_BYTES = 5;
/** Largest value of an unsigned 64-bit field. */
export const U64_MAX = 0xffff_ffff_ffff_ffffn;
/** Bytes of one node id (u64). */
export const NODE_ID_BYTES = 8;
