import { type Message, TalaError } from '@tala-net/types';
import {
  checkedMaxFrameBytes,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_READ_OPTIONS,
  type DecodeOptions,
  type ReadOptions,
  readOptionsOf,
} from './codec-options.js';
import { defaultRegistry } from './default-registry.js';
import { declaredLength, definitionOfFrame } from './frame-header.js';
import type { AnyMessageDefinition } from './message-definition.js';
import { decodeReference } from './reference-fast-path.js';
import { corrupted, describeInput } from './wire-error.js';
import { HEADER_BYTES } from './wire-layout.js';

/**
 * Decodes exactly one frame. Strict: the input must be one whole frame and nothing more, its tag
 * must be registered, every field must be present, and every count is checked against the bytes
 * present and the decoder's `limits` before anything is allocated, so `encode(decode(bytes))`
 * equals `bytes` for every accepted input. (The Rust reference ignores trailing bytes; tala-net
 * rejects them.)
 *
 * Byte-array fields are views into `bytes` unless `options.copy` is set.
 *
 * Throws a `TalaError` with code `SegmentCorrupted` naming the message kind, field, byte offset,
 * what was expected and what was found; `InvalidArgument` when `bytes` is not a `Uint8Array`
 * (wrap an `ArrayBuffer` in `new Uint8Array(buffer)` first).
 *
 * @example
 * ```ts
 * const message = decode(new Uint8Array([0x03, 4, 0, 0, 0, 3, 0, 0, 0]));
 * // { type: 'IntentForward', partition: 3, payload: Uint8Array [] }
 * ```
 */
export function decode(bytes: Uint8Array, options?: DecodeOptions): Message {
  const readOptions = options === undefined ? DEFAULT_READ_OPTIONS : readOptionsOf(options);
  const maxFrameBytes =
    options === undefined ? DEFAULT_MAX_FRAME_BYTES : checkedMaxFrameBytes(options.maxFrameBytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new TalaError(
      'InvalidArgument',
      `decode: expected a Uint8Array, found ${describeInput(bytes)}`,
    );
  }
  if (bytes.length < HEADER_BYTES) {
    throw corrupted('frame header', 0, `${HEADER_BYTES} bytes`, `${bytes.length}`);
  }
  const registry = options?.registry ?? defaultRegistry;
  if (registry === defaultRegistry) return decodeReference(bytes, maxFrameBytes, readOptions);
  return decodeWith(definitionOfFrame(bytes, 0, registry), bytes, maxFrameBytes, readOptions);
}

/**
 * Decodes the whole frame `bytes` with `definition`, after checking its declared length against
 * `maxFrameBytes` and the bytes present.
 */
export function decodeWith(
  definition: AnyMessageDefinition,
  bytes: Uint8Array,
  maxFrameBytes: number,
  readOptions: ReadOptions,
): Message {
  checkWholeFrame(definition, bytes, maxFrameBytes);
  return definition.readPayload(bytes, 0, bytes.length, readOptions);
}

/**
 * Checks that `bytes` is exactly one frame of `definition`'s kind: a declared length within
 * `maxFrameBytes`, and that many payload bytes after the header, no more, no fewer.
 */
export function checkWholeFrame(
  definition: AnyMessageDefinition,
  bytes: Uint8Array,
  maxFrameBytes: number,
): void {
  const length = declaredLength(bytes, 0, maxFrameBytes, definition);
  if (bytes.length !== HEADER_BYTES + length) {
    throw corrupted(
      `${definition.type} frame`,
      HEADER_BYTES,
      `${length} payload bytes`,
      `${bytes.length - HEADER_BYTES}`,
    );
  }
}
