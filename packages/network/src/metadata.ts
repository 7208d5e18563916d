import { corrupted, unencodable } from '@tala-net/codec';
import { TalaError } from '@tala-net/types';

/**
 * String metadata carried with a channel message or a request (e.g. a trace id): keys are
 * printable ASCII, values UTF-8. Bounded by {@link MAX_METADATA_ENTRIES} and
 * {@link MAX_METADATA_BYTES}.
 */
export type Metadata = ReadonlyMap<string, string>;

/** What an API accepts as metadata: a map or a plain object of strings. */
export type MetadataInit = Metadata | Readonly<Record<string, string>>;

/**
 * Metadata as it travels in a message: `[key, value]` pairs in wire order, keys unique (plain
 * arrays, so that transports can copy messages like any other).
 */
export type MetadataEntries = readonly (readonly [key: string, value: string])[];

/** Most entries one metadata holds. */
export const MAX_METADATA_ENTRIES = 16;
/** Longest metadata key, in bytes. */
export const MAX_METADATA_KEY_BYTES = 64;
/** Most bytes of keys and values together in one metadata. */
export const MAX_METADATA_BYTES = 4096;

/** Metadata without entries (shared; never mutated). */
export const EMPTY_METADATA: Metadata = new Map<string, string>();

/** No metadata entries (shared). */
export const NO_METADATA_ENTRIES: MetadataEntries = Object.freeze([]) as MetadataEntries;

/**
 * Validates `init` and returns its entries. Throws a `TalaError` (`InvalidArgument`) for a key
 * that is not 1 … 64 printable ASCII characters, a value that is not a well-formed string, more
 * than 16 entries or more than 4,096 bytes.
 */
export function toMetadataEntries(init: MetadataInit | undefined): MetadataEntries {
  if (init === undefined) return NO_METADATA_ENTRIES;
  if (typeof init !== 'object' || init === null) {
    throw new TalaError('InvalidArgument', `metadata: expected a Map or an object, found ${init}`);
  }
  const entries = init instanceof Map ? [...(init as Metadata)] : Object.entries(init);
  if (entries.length === 0) return NO_METADATA_ENTRIES;
  metadataBytes(entries, 'metadata');
  return entries;
}

/** `entries` as a {@link Metadata} map (the shared empty map when there are none). */
export function metadataOf(entries: MetadataEntries): Metadata {
  return entries.length === 0 ? EMPTY_METADATA : new Map(entries);
}

/**
 * Encoded size of `metadata`: a u8 count, then per entry a u8 key length, the key, a u16 value
 * length and the value. Checks every bound (throws `InvalidArgument` naming `where`).
 */
export function metadataBytes(metadata: MetadataEntries, where: string): number {
  if (!Array.isArray(metadata)) {
    throw unencodable(where, 'an array of [key, value] pairs', typeof metadata);
  }
  if (metadata.length > MAX_METADATA_ENTRIES) {
    throw unencodable(where, `at most ${MAX_METADATA_ENTRIES} entries`, `${metadata.length}`);
  }
  if (metadata.length === 0) return 1;
  let content = 0;
  for (const entry of metadata) {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw unencodable(`${where} entry`, 'a [key, value] pair', typeof entry);
    }
    const [key, value] = entry as [unknown, unknown];
    if (!isMetadataKey(key)) {
      throw unencodable(
        `${where} key`,
        `1 … ${MAX_METADATA_KEY_BYTES} printable ASCII characters`,
        JSON.stringify(String(key)),
      );
    }
    const valueBytes = typeof value === 'string' ? utf8Length(value) : -1;
    if (valueBytes < 0) {
      throw unencodable(`${where}[${key}]`, 'a well-formed string', typeof value);
    }
    content += key.length + valueBytes;
  }
  if (content > MAX_METADATA_BYTES) {
    throw unencodable(
      where,
      `at most ${MAX_METADATA_BYTES} bytes of keys and values`,
      `${content}`,
    );
  }
  if (metadata.length > 1 && new Set(metadata.map(([key]) => key)).size !== metadata.length) {
    throw unencodable(`${where} keys`, 'unique keys', 'a key twice');
  }
  return 1 + 3 * metadata.length + content;
}

/** Encoded size of `metadata` that passed {@link metadataBytes} (no checks). */
export function metadataLength(metadata: MetadataEntries): number {
  // Small enough to inline into every frame's path; the loop stays out of it.
  return metadata.length === 0 ? 1 : entriesLength(metadata);
}

function entriesLength(metadata: MetadataEntries): number {
  let length = 1;
  for (let i = 0; i < metadata.length; i++) {
    const [key, value] = metadata[i]!;
    length += 3 + key.length + utf8Length(value);
  }
  return length;
}

/** Writes checked `metadata` at byte `at` of `bytes`; returns the offset after it. */
export function writeMetadata(metadata: MetadataEntries, bytes: Uint8Array, at: number): number {
  bytes[at] = metadata.length;
  let offset = at + 1;
  if (metadata.length === 0) return offset;
  for (const [key, value] of metadata) {
    bytes[offset] = key.length;
    for (let i = 0; i < key.length; i++) bytes[offset + 1 + i] = key.charCodeAt(i);
    offset += 1 + key.length;
    const written = encoder.encodeInto(value, bytes.subarray(offset + 2)).written;
    bytes[offset] = written & 0xff;
    bytes[offset + 1] = written >>> 8;
    offset += 2 + written;
  }
  return offset;
}

/**
 * Reads metadata at byte `at` (before `end`) strictly: the count and every length are checked
 * against the bounds and the bytes present before anything is read; keys must be printable ASCII
 * and unique, values valid UTF-8. Returns the metadata and the offset after it. Offsets in errors
 * are relative to `frameStart`.
 */
export function readMetadata(
  bytes: Uint8Array,
  frameStart: number,
  at: number,
  end: number,
  where: string,
): [MetadataEntries, number] {
  if (at >= end) throw corrupted(`${where} count`, at - frameStart, 'at least 1 byte', '0');
  const count = bytes[at]!;
  if (count > MAX_METADATA_ENTRIES) {
    throw corrupted(
      `${where} count`,
      at - frameStart,
      `at most ${MAX_METADATA_ENTRIES}`,
      `${count}`,
    );
  }
  if (count === 0) return [NO_METADATA_ENTRIES, at + 1];
  const metadata: [string, string][] = [];
  const keys = new Set<string>();
  let offset = at + 1;
  let content = 0;
  for (let index = 0; index < count; index++) {
    const key = readKey(bytes, frameStart, offset, end, where);
    offset += 1 + key.length;
    if (end - offset < 2) {
      throw corrupted(`${where}[${key}] length`, offset - frameStart, '2 bytes', `${end - offset}`);
    }
    const valueLength = bytes[offset]! | (bytes[offset + 1]! << 8);
    content += key.length + valueLength;
    if (valueLength > end - offset - 2 || content > MAX_METADATA_BYTES) {
      throw corrupted(
        `${where}[${key}] length`,
        offset - frameStart,
        `a value within the ${end - offset - 2} bytes present and ${MAX_METADATA_BYTES} bytes in all`,
        `${valueLength}`,
      );
    }
    if (keys.has(key)) {
      throw corrupted(`${where} key`, offset - frameStart - key.length - 1, 'unique keys', key);
    }
    keys.add(key);
    metadata.push([key, readValue(bytes, frameStart, offset + 2, valueLength, `${where}[${key}]`)]);
    offset += 2 + valueLength;
  }
  return [metadata, offset];
}

function readKey(
  bytes: Uint8Array,
  frameStart: number,
  at: number,
  end: number,
  where: string,
): string {
  const length = at < end ? bytes[at]! : -1;
  if (length < 1 || length > MAX_METADATA_KEY_BYTES || length > end - at - 1) {
    throw corrupted(
      `${where} key length`,
      at - frameStart,
      `1 … ${Math.min(MAX_METADATA_KEY_BYTES, end - at - 1)}`,
      `${length < 0 ? 'nothing' : length}`,
    );
  }
  let key = '';
  for (let i = 0; i < length; i++) {
    const code = bytes[at + 1 + i]!;
    if (code < 0x21 || code > 0x7e) {
      throw corrupted(
        `${where} key`,
        at + 1 + i - frameStart,
        'printable ASCII',
        `0x${code.toString(16)}`,
      );
    }
    key += String.fromCharCode(code);
  }
  return key;
}

function readValue(
  bytes: Uint8Array,
  frameStart: number,
  at: number,
  length: number,
  where: string,
): string {
  try {
    return decoder.decode(bytes.subarray(at, at + length));
  } catch {
    throw corrupted(where, at - frameStart, 'valid UTF-8', `${length} bytes that are not`);
  }
}

function isMetadataKey(key: unknown): key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_METADATA_KEY_BYTES) {
    return false;
  }
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/**
 * UTF-8 length of `value`, or −1 when it holds a lone surrogate (which UTF-8 cannot carry, so it
 * would not survive a round trip).
 */
export function utf8Length(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return -1;
      length += 4;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) return -1;
    else length += 3;
  }
  return length;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
