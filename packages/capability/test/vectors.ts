import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The vectors produced by the reference registry, next to the repository. */
export const sharedVectorsPath = resolve(
  packageDir,
  '../../../shared/vectors/capability-vectors.json',
);
/** The copy committed with the package, used where the shared folder is absent. */
export const committedVectorsPath = resolve(packageDir, 'vectors/capability-vectors.json');

/** An entry as the vector file spells it: values as hex. */
export interface JsonEntry {
  name: string;
  supported: string[];
}

export interface CapabilityVectorFile {
  format: string;
  valid: { hex: string; entries: JsonEntry[] }[];
  invalid: { hex: string; error: string; why: string }[];
  trailingBytes: { hex: string; referenceDecodes: JsonEntry[]; why: string }[];
}

/** Loads the vectors: the shared reference file when present, else the committed copy. */
export function loadCapabilityVectors(): CapabilityVectorFile {
  const path = existsSync(sharedVectorsPath) ? sharedVectorsPath : committedVectorsPath;
  return JSON.parse(readFileSync(path, 'utf8')) as CapabilityVectorFile;
}

export function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Entries with hex values, as the vector file spells them. */
export function entriesToJson(
  entries: readonly { name: string; supported: readonly Uint8Array[] }[],
): JsonEntry[] {
  return entries.map(({ name, supported }) => ({ name, supported: supported.map(toHex) }));
}

export function entriesFromJson(entries: readonly JsonEntry[]) {
  return entries.map(({ name, supported }) => ({ name, supported: supported.map(fromHex) }));
}
