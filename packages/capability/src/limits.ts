/** The format byte that follows the magic `CAP`. */
export const FORMAT_VERSION = 1;

/** The three magic bytes `CAP` that start every advertisement. */
export const MAGIC: readonly number[] = [0x43, 0x41, 0x50];

/** Most entries (capabilities) one advertisement may hold. */
export const MAX_ENTRIES = 1024;

/** Longest capability name, in bytes (ASCII: one byte per character). */
export const MAX_NAME_BYTES = 256;

/** Longest encoded value, in bytes (16 KiB). */
export const MAX_VALUE_BYTES = 16 * 1024;

/** Most values one entry may list (the width of its u16 count). */
export const MAX_VALUES = 0xffff;

/**
 * Largest advertisement {@link CapabilityAd.fromEntries} builds (256 MiB): the same value array
 * passed many times would otherwise ask for far more memory than the caller holds.
 */
export const MAX_ENCODED_BYTES = 256 * 1024 * 1024;

/** Bytes before the first entry: magic, version, u32 entry count. */
export const HEADER_BYTES = 8;
