/**
 * The error codes of `@tala-net/capability`, added to `TalaErrorCodeMap` of `@tala-net/types`.
 * The first four are the error kinds of the advertisement format; `TrailingBytes` is ours (the
 * format itself ignores bytes after the last entry, this package rejects them).
 */
export const CapabilityErrorCode = {
  /** The advertisement ends before a field it declares (a count, a length, a name or a value). */
  Truncated: 'Truncated',
  /** The advertisement does not start with `CAP` and the format version `1`. */
  BadMagic: 'BadMagic',
  /** A capability name has a byte outside ASCII (`0x80` or above). */
  NonAsciiName: 'NonAsciiName',
  /** More than 1,024 entries, a name over 256 bytes or a value over 16 KiB. */
  TooManyEntries: 'TooManyEntries',
  /** Bytes follow the last entry of the advertisement. */
  TrailingBytes: 'TrailingBytes',
} as const;

declare module '@tala-net/types' {
  interface TalaErrorCodeMap {
    /** An advertisement ends before a field it declares (see {@link CapabilityErrorCode}). */
    Truncated: true;
    /** An advertisement does not start with `CAP` and format version `1`. */
    BadMagic: true;
    /** A capability name has a byte outside ASCII. */
    NonAsciiName: true;
    /** An advertisement exceeds its entry count, name or value limits. */
    TooManyEntries: true;
    /** Bytes follow the last entry of an advertisement. */
    TrailingBytes: true;
  }
}
