import type { Message } from '@tala-net/types';
import type { EncodeOptions } from './codec-options.js';
import { defaultRegistry } from './default-registry.js';
import { definitionOf } from './message-definition-of.js';
import { payloadLength } from './reference-fast-path.js';
import { HEADER_BYTES } from './wire-layout.js';

/**
 * Number of bytes `encode(message)` produces: the 5-byte header plus the payload. Use it to
 * size a buffer for {@link encodeInto}, or to keep several frames within a byte budget. Throws a
 * `TalaError` with code `InvalidArgument` for a message type that is not registered.
 *
 * @example
 * ```ts
 * encodedLength({ type: 'Ping', from: NodeId(1), seq: 1n }); // 21
 * ```
 */
export function encodedLength(message: Message, options?: Pick<EncodeOptions, 'registry'>): number {
  const definition = definitionOf(message, options?.registry ?? defaultRegistry);
  return HEADER_BYTES + payloadLength(definition, message);
}
