import { MAX_NAME_BYTES } from './limits.js';

/** Whether `name` is a string of at most 256 ASCII characters (each below U+0080). */
export function isAsciiName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length > MAX_NAME_BYTES) return false;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The name spelled by ASCII bytes `bytes[start, end)`. */
export function nameFromBytes(bytes: Uint8Array, start: number, end: number): string {
  let name = '';
  for (let i = start; i < end; i++) name += String.fromCharCode(bytes[i]!);
  return name;
}
