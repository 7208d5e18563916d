import { TalaError } from '@tala-net/types';
import { readEntries } from './ad-reader.js';
import { encodedLength, writeEntries } from './ad-writer.js';
import { isAsciiName } from './ascii-name.js';
import type { CapabilityEntry } from './capability-entry.js';
import {
  MAX_ENCODED_BYTES,
  MAX_ENTRIES,
  MAX_NAME_BYTES,
  MAX_VALUE_BYTES,
  MAX_VALUES,
} from './limits.js';

function invalid(message: string): never {
  throw new TalaError('InvalidArgument', `CapabilityAd.fromEntries: ${message}`);
}

/** Checks one entry given by a caller. */
function checkEntry(entry: unknown, index: number): void {
  const { name, supported } = (entry ?? {}) as Partial<CapabilityEntry>;
  if (!isAsciiName(name)) {
    invalid(
      `entry ${index}: the name must be a string of at most ${MAX_NAME_BYTES} ASCII characters`,
    );
  }
  if (!Array.isArray(supported) || supported.length > MAX_VALUES) {
    invalid(`entry ${index} (${name}): supported must be an array of at most ${MAX_VALUES} values`);
  }
  for (const value of supported) {
    if (!(value instanceof Uint8Array) || value.length > MAX_VALUE_BYTES) {
      invalid(
        `entry ${index} (${name}): every value must be a Uint8Array of at most ${MAX_VALUE_BYTES} bytes`,
      );
    }
  }
}

/** A frozen copy of a checked entry, with copies of its values. */
function copyEntry({ name, supported }: CapabilityEntry): CapabilityEntry {
  return Object.freeze({ name, supported: Object.freeze(supported.map((value) => value.slice())) });
}

/**
 * A capability advertisement: for each capability a sender knows, the values it supports. On
 * the wire: `CAP`, format version `1`, a u32 LE entry count, then per entry a u16 LE name
 * length, the ASCII name, a u16 LE value count and per value a u32 LE length and the bytes.
 *
 * Entries keep the order they are given or decoded in (a registry advertises them in
 * alphabetical order of name); a name may appear more than once, and a reader uses the first.
 *
 * @example
 * ```ts
 * const ad = CapabilityAd.fromEntries([{ name: 'framing', supported: [new Uint8Array([1, 0, 0, 0])] }]);
 * CapabilityAd.decode(ad.encode()).entries[0]?.name; // 'framing'
 * ```
 */
export class CapabilityAd {
  /** The entries, frozen; the value bytes belong to the advertisement and must not be changed. */
  readonly entries: readonly CapabilityEntry[];

  private constructor(entries: readonly CapabilityEntry[]) {
    this.entries = Object.freeze(entries);
  }

  /**
   * An advertisement of `entries` (values are copied). Throws `InvalidArgument` for what the
   * format cannot represent: more than 1,024 entries, a name that is not ASCII or is over 256
   * bytes, more than 65,535 values, a value over 16 KiB, or over 256 MiB in all.
   */
  static fromEntries(entries: readonly CapabilityEntry[]): CapabilityAd {
    if (!Array.isArray(entries) || entries.length > MAX_ENTRIES) {
      invalid(`expected an array of at most ${MAX_ENTRIES} entries`);
    }
    entries.forEach(checkEntry);
    const length = encodedLength(entries);
    if (length > MAX_ENCODED_BYTES)
      invalid(`${length} bytes encoded, at most ${MAX_ENCODED_BYTES}`);
    return new CapabilityAd(entries.map(copyEntry));
  }

  /**
   * Decodes an advertisement. Errors are `TalaError`s with the code of the format's error kind:
   * `Truncated`, `BadMagic` (wrong magic or version), `NonAsciiName`, `TooManyEntries` (more
   * than 1,024 entries, a name over 256 bytes or a value over 16 KiB); bytes after the last
   * entry are rejected with `TrailingBytes`, and anything but a `Uint8Array` with
   * `InvalidArgument`. Counts and lengths are checked against the bytes present before anything
   * is allocated.
   */
  static decode(bytes: Uint8Array): CapabilityAd {
    return new CapabilityAd(readEntries(bytes));
  }

  /** The first entry named `name`, if any. */
  find(name: string): CapabilityEntry | undefined {
    return this.entries.find((entry) => entry.name === name);
  }

  /** The encoded advertisement (a new array on each call). */
  encode(): Uint8Array {
    return writeEntries(this.entries, encodedLength(this.entries));
  }
}
