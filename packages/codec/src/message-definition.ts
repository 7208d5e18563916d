import { type MessageMap, type MessageType, TalaError } from '@tala-net/types';
import type { ReadOptions } from './codec-options.js';

/**
 * Everything the codec needs to know about one message kind: its wire tag, its `type`, the
 * package that owns it, and how to size, check, write and read its payload. The package of the
 * protocol defines it next to the protocol (with {@link defineMessage}) and registers it with a
 * {@link MessageRegistry}; the codec's `encode`, `decode`, `encodedLength`, `encodeInto` and
 * `FrameDecoder` then handle it like the reference's six.
 *
 * Payload functions work on the payload only; the codec writes and checks the 5-byte header.
 */
export interface MessageDefinition<T extends MessageType = MessageType> {
  /** Wire tag, 1 … 255, in the owner's range (see docs/wire-format.md). */
  readonly tag: number;
  /** The `type` of the messages it defines. */
  readonly type: T;
  /** The package that owns the definition, named in registration conflicts. */
  readonly owner: string;
  /** Payload bytes of a message that passed {@link MessageDefinition.checkedPayloadLength}. */
  readonly payloadLength: (message: MessageMap[T]) => number;
  /**
   * Checks every field of `message` against its wire range and returns its payload length.
   * Throws a `TalaError` with code `InvalidArgument` naming the field; never a `TypeError`,
   * whatever the caller passed.
   */
  readonly checkedPayloadLength: (message: MessageMap[T]) => number;
  /**
   * Writes the payload of a checked `message` at byte `at` of `bytes` (which has room for it).
   * Byte-array fields are written before fixed fields, so that re-encoding a zero-copy decoded
   * message into the buffer it was decoded from works.
   */
  readonly writePayload: (message: MessageMap[T], bytes: Uint8Array, at: number) => void;
  /**
   * Reads the payload `bytes[frameStart + 5, end)` strictly: every field present, no trailing
   * bytes, every count checked against the bytes present and against `options.limits` before
   * anything is allocated. Throws a `TalaError` with code `SegmentCorrupted` whose offsets are
   * relative to `frameStart`.
   */
  readonly readPayload: (
    bytes: Uint8Array,
    frameStart: number,
    end: number,
    options: ReadOptions,
  ) => MessageMap[T];
}

/**
 * Validates and returns a {@link MessageDefinition} (frozen). Throws a `TalaError` with code
 * `InvalidArgument` for a tag outside 1 … 255, an empty type or owner, or a missing function.
 *
 * @example
 * ```ts
 * declare module '@tala-net/types' {
 *   interface MessageMap { Greeting: Greeting }
 * }
 * interface Greeting { readonly type: 'Greeting'; readonly from: NodeId }
 *
 * const greeting = defineMessage({
 *   tag: 0xf0,
 *   type: 'Greeting',
 *   owner: 'my-app',
 *   payloadLength: () => 8,
 *   checkedPayloadLength: (message) => (checkU64(message.from, 'Greeting', 'from'), 8),
 *   writePayload: (message, bytes, at) => writeU64(bytes, at, message.from),
 *   readPayload: (bytes, frameStart, end) => {
 *     if (end - frameStart - 5 !== 8) throw wrongLength('Greeting', end - frameStart - 5, 8);
 *     return { type: 'Greeting', from: readU64(bytes, frameStart + 5) as NodeId };
 *   },
 * });
 * defaultRegistry.register(greeting);
 * ```
 */
export function defineMessage<T extends MessageType>(
  definition: MessageDefinition<T>,
): MessageDefinition<T> {
  checkDefinition(definition);
  return Object.freeze({ ...definition });
}

/**
 * Throws a `TalaError` with code `InvalidArgument` unless `definition` is a well-formed
 * {@link MessageDefinition}: an object with an integer tag in 1 … 255, a non-empty type and
 * owner, and its four functions.
 */
export function checkDefinition(definition: unknown): void {
  if (typeof definition !== 'object' || definition === null) {
    throw new TalaError(
      'InvalidArgument',
      `message definition: expected an object, found ${String(definition)}`,
    );
  }
  const { tag, type, owner } = definition as Partial<MessageDefinition>;
  if (typeof tag !== 'number' || !Number.isInteger(tag) || tag < 1 || tag > 255) {
    throw new TalaError(
      'InvalidArgument',
      `message definition: tag must be 1 … 255, found ${String(tag)}`,
    );
  }
  if (
    typeof type !== 'string' ||
    (type as string) === '' ||
    typeof owner !== 'string' ||
    owner === ''
  ) {
    throw new TalaError('InvalidArgument', 'defineMessage: type and owner must be non-empty');
  }
  for (const key of [
    'payloadLength',
    'checkedPayloadLength',
    'writePayload',
    'readPayload',
  ] as const) {
    if (typeof (definition as Record<string, unknown>)[key] !== 'function') {
      throw new TalaError(
        'InvalidArgument',
        `message definition ${type}: ${key} must be a function`,
      );
    }
  }
}

/** A definition of any registered message kind. */
export type AnyMessageDefinition = { [T in MessageType]: MessageDefinition<T> }[MessageType];
