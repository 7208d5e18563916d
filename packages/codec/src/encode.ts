import { type Message, TalaError } from '@tala-net/types';
import {
  checkedMaxFrameBytes,
  checkOptions,
  DEFAULT_MAX_FRAME_BYTES,
  type EncodeOptions,
} from './codec-options.js';
import { defaultRegistry } from './default-registry.js';
import type { AnyMessageDefinition } from './message-definition.js';
import { definitionOf } from './message-definition-of.js';
import {
  checkedPayloadLength,
  encodeDefault,
  encodeFrame,
  tooLarge,
  writePayload,
} from './reference-fast-path.js';
import { writeU32 } from './wire-bytes.js';
import { describeInput, unencodable } from './wire-error.js';
import { HEADER_BYTES } from './wire-layout.js';

/**
 * Encodes `message` as one frame `[tag:1][length:4 LE][payload]`, byte-identical to the Rust
 * reference for tags 0x01–0x06. Any registered message kind can be encoded (see
 * `MessageRegistry`). The result holds exactly `encodedLength(message)` bytes that no later call
 * overwrites.
 *
 * Frames of 65 bytes to 4 KiB are views into a shared 16 KiB slab (as Node's `Buffer` pool
 * does), because a separate `ArrayBuffer` per small frame costs more than encoding it: their
 * `byteOffset` may be non-zero and their `buffer` holds other frames too. Use `bytes.slice()`
 * to get a standalone copy (e.g. to transfer its buffer to a worker), or {@link encodeInto} to
 * choose the memory yourself.
 *
 * Throws a `TalaError` with code `InvalidArgument` when the message is not a registered kind or
 * a field is out of its wire range (a `bigint` outside u64, a partition outside u32, a missing
 * array, …), and `MessageTooLarge` when the payload exceeds `options.maxFrameBytes` (16 MiB by
 * default, the decoders' default), so that no frame is produced that a default decoder rejects.
 *
 * @example
 * ```ts
 * const bytes = encode({ type: 'Ping', from: NodeId(42), seq: 1n });
 * decode(bytes); // { type: 'Ping', from: 42n, seq: 1n }
 * ```
 */
export function encode(message: Message, options?: EncodeOptions): Uint8Array {
  if (options === undefined) return encodeDefault(message);
  checkOptions(options);
  const definition = definitionOf(message, options.registry ?? defaultRegistry);
  return encodeFrame(definition, message, maxFrameBytesOf(options));
}

/**
 * Encodes `message` into `target` starting at `offset` and returns the number of bytes written
 * (`encodedLength(message)`). Encoding many frames into one buffer allocates nothing per frame.
 *
 * All-or-nothing: every field is validated and the frame is checked to fit in
 * `target.length − offset` before the first byte is written, so a `TalaError` (code
 * `InvalidArgument` for a value out of its wire range or a target too small, `MessageTooLarge`
 * for a payload over `options.maxFrameBytes`) leaves `target` untouched.
 *
 * @example
 * ```ts
 * const buffer = new Uint8Array(1024);
 * let offset = 0;
 * for (const seq of [1n, 2n, 3n]) offset += encodeInto({ type: 'Ping', from: NodeId(7), seq }, buffer, offset);
 * ```
 */
export function encodeInto(
  message: Message,
  target: Uint8Array,
  offset = 0,
  options?: EncodeOptions,
): number {
  checkTarget('encodeInto', target, options);
  const definition = definitionOf(message, options?.registry ?? defaultRegistry);
  const payload = checkedPayload(definition, message, options);
  const length = HEADER_BYTES + payload;
  if (!Number.isInteger(offset) || offset < 0 || offset > target.length - length) {
    throw unencodable(
      `${message.type} into target`,
      `${length} bytes at offset ${offset} to fit`,
      `a target of ${target?.length} bytes`,
    );
  }
  writeFrame(definition, message, target, offset, payload);
  return length;
}

/**
 * Encodes `message` into `target` at `offset` if its frame fits there, and returns the frame's
 * length either way: a length larger than `target.length − offset` means that nothing was
 * written. For a writer that appends frames to a buffer: it learns the length and encodes in one
 * pass over the message (checking its fields once), and starts a new buffer only when a frame
 * does not fit.
 *
 * Throws what {@link encodeInto} throws for a message it cannot encode (nothing is written
 * then), and `InvalidArgument` for an `offset` outside `0 … target.length`.
 *
 * @example
 * ```ts
 * const buffer = new Uint8Array(64);
 * const ping = { type: 'Ping', from: NodeId(7), seq: 1n } as const;
 * encodeIntoIfFits(ping, buffer, 0); // 21: written at 0
 * encodeIntoIfFits(ping, buffer, 50); // 21: does not fit in the 14 bytes left, nothing written
 * ```
 */
export function encodeIntoIfFits(
  message: Message,
  target: Uint8Array,
  offset = 0,
  options?: EncodeOptions,
): number {
  checkTarget('encodeIntoIfFits', target, options);
  if (!Number.isInteger(offset) || offset < 0 || offset > target.length) {
    throw unencodable('a frame into target', `an offset in 0 … ${target.length}`, `${offset}`);
  }
  const definition = definitionOf(message, options?.registry ?? defaultRegistry);
  const payload = checkedPayload(definition, message, options);
  const length = HEADER_BYTES + payload;
  if (length <= target.length - offset) writeFrame(definition, message, target, offset, payload);
  return length;
}

/** Checks the `options` and the `target` given to `caller` (`encodeInto`, …). */
function checkTarget(caller: string, target: unknown, options: EncodeOptions | undefined): void {
  if (options !== undefined) checkOptions(options);
  if (!(target instanceof Uint8Array)) {
    throw new TalaError(
      'InvalidArgument',
      `${caller}: expected a Uint8Array target, found ${describeInput(target)}`,
    );
  }
}

/** `options.maxFrameBytes`, checked, or the default. */
function maxFrameBytesOf(options: EncodeOptions | undefined): number {
  return options?.maxFrameBytes === undefined
    ? DEFAULT_MAX_FRAME_BYTES
    : checkedMaxFrameBytes(options.maxFrameBytes);
}

/** The payload length of `message`, after checking its fields and the frame size limit. */
function checkedPayload(
  definition: AnyMessageDefinition,
  message: Message,
  options: EncodeOptions | undefined,
): number {
  const payload = checkedPayloadLength(definition, message);
  const max = maxFrameBytesOf(options);
  if (payload > max) throw tooLarge(definition, payload, max);
  return payload;
}

/** Writes a checked message's frame at byte `at` of `bytes`, payload first (see writePayload). */
function writeFrame(
  definition: AnyMessageDefinition,
  message: Message,
  bytes: Uint8Array,
  at: number,
  payload: number,
): void {
  writePayload(definition, message, bytes, at + HEADER_BYTES);
  bytes[at] = definition.tag;
  writeU32(bytes, at + 1, payload);
}
