import type { CapabilityEntry } from './capability-entry.js';
import { FORMAT_VERSION, HEADER_BYTES, MAGIC } from './limits.js';

/** Encoded size of `entries` (already validated). */
export function encodedLength(entries: readonly CapabilityEntry[]): number {
  let length = HEADER_BYTES;
  for (const entry of entries) {
    length += 2 + entry.name.length + 2;
    for (const value of entry.supported) length += 4 + value.length;
  }
  return length;
}

function writeU16(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = value >>> 8;
}

function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
  out[at + 3] = value >>> 24;
}

/** Encodes validated `entries`, in their order, into a new array of `length` bytes. */
export function writeEntries(entries: readonly CapabilityEntry[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(MAGIC, 0);
  out[3] = FORMAT_VERSION;
  writeU32(out, 4, entries.length);
  let offset = HEADER_BYTES;
  for (const { name, supported } of entries) {
    writeU16(out, offset, name.length);
    for (let i = 0; i < name.length; i++) out[offset + 2 + i] = name.charCodeAt(i);
    offset += 2 + name.length;
    writeU16(out, offset, supported.length);
    offset += 2;
    for (const value of supported) {
      writeU32(out, offset, value.length);
      out.set(value, offset + 4);
      offset += 4 + value.length;
    }
  }
  return out;
}
