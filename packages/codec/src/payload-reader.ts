/*
 * Helpers for strict message readers. Offsets in errors are relative to the start of the frame
 * (its tag byte), so a reader gets `frameStart` and the payload starts at `frameStart + 5`.
 */
import type { TalaError } from '@tala-net/types';
import { readU32 } from './wire-bytes.js';
import { corrupted } from './wire-error.js';
import { HEADER_BYTES } from './wire-layout.js';

/**
 * Reads the u32 element count at `countAt` and checks, before anything is allocated, that it is
 * at most `limit` and that `count` elements of at least `elementBytes` bytes fit between the count
 * and `end`. A field name with `[]` gets `index` put between the brackets (only when there is an
 * error to report: no string is built per element).
 */
export function readCount(
  bytes: Uint8Array,
  frameStart: number,
  countAt: number,
  end: number,
  field: string,
  elementBytes: number,
  limit: number,
  index = -1,
): number {
  if (end - countAt < 4) {
    throw corrupted(
      `${indexed(field, index)} count`,
      countAt - frameStart,
      'at least 4 bytes',
      `${end - countAt}`,
    );
  }
  const count = readU32(bytes, countAt);
  const remaining = end - countAt - 4;
  if (count * elementBytes > remaining) {
    throw corrupted(
      `${indexed(field, index)} count`,
      countAt - frameStart,
      `at most ${Math.floor(remaining / elementBytes)} entries of ≥${elementBytes} bytes in the ${remaining} remaining bytes`,
      `${count}`,
    );
  }
  if (count > limit) {
    throw corrupted(
      `${indexed(field, index)} count`,
      countAt - frameStart,
      `at most ${limit} entries (the decoder's limit)`,
      `${count}`,
    );
  }
  return count;
}

/** The error of a fixed-size payload whose length is not `expected`. */
export function wrongLength(type: string, length: number, expected: number): TalaError {
  return corrupted(`${type}.payload`, HEADER_BYTES, `exactly ${expected} bytes`, `${length}`);
}

/** The error of a payload shorter than the `expected` bytes of its leading `field`s. */
export function tooShort(field: string, expected: number, length: number): TalaError {
  return corrupted(field, HEADER_BYTES, `at least ${expected} bytes`, `${length}`);
}

/** The error of a payload with `remaining` bytes left after its last field, at `offset`. */
export function trailing(type: string, offset: number, remaining: number): TalaError {
  return corrupted(`${type} payload end`, offset, 'no trailing bytes', `${remaining}`);
}

function indexed(field: string, index: number): string {
  return index < 0 ? field : field.replace('[]', `[${index}]`);
}

/**
 * The bytes `[start, end)` of `bytes`: a copy in memory of its own when `copy`, otherwise a plain
 * `Uint8Array` view. Not `subarray` / `slice`: on a Node `Buffer` those return a `Buffer`, whose
 * `slice` is a view, surprising code that copies with `slice`.
 */
export function bytesAt(bytes: Uint8Array, start: number, end: number, copy: boolean): Uint8Array {
  if (!copy) return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, end));
  return out;
}
