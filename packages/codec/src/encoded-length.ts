import type { Message } from '@tala-net/types';
import { checkOptions, type EncodeOptions } from './codec-options.js';
import { defaultRegistry } from './default-registry.js';
import { definitionOf } from './message-definition-of.js';
import { checkedPayloadLength } from './reference-fast-path.js';
import { HEADER_BYTES } from './wire-layout.js';

/**
 * Number of bytes `encode(message)` produces: the 5-byte header plus the payload. Use it to
 * size a buffer for {@link encodeInto}, or to keep several frames within a byte budget. Checks
 * the message like `encode` does: a `TalaError` with code `InvalidArgument` for a type that is not
 * registered or a field out of its wire range.
 *
 * @example
 * ```ts
 * encodedLength({ type: 'Ping', from: NodeId(1), seq: 1n }); // 21
 * ```
 */
export function encodedLength(message: Message, options?: Pick<EncodeOptions, 'registry'>): number {
  if (options !== undefined) checkOptions(options);
  const definition = definitionOf(message, options?.registry ?? defaultRegistry);
  return HEADER_BYTES + checkedPayloadLength(definition, message);
}
