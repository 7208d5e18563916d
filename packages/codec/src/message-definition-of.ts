import { type Message, TalaError } from '@tala-net/types';
import { defaultRegistry } from './default-registry.js';
import type { AnyMessageDefinition } from './message-definition.js';
import type { MessageRegistry } from './message-registry.js';
import { referenceDefinition } from './reference-fast-path.js';
import { describeInput } from './wire-error.js';

/**
 * The definition `registry` holds for `message`'s type. Throws a `TalaError` with code
 * `InvalidArgument` when `message` is not an object or its type is not registered.
 */
export function definitionOf(message: Message, registry: MessageRegistry): AnyMessageDefinition {
  const type = typeof message === 'object' && message !== null ? message.type : undefined;
  const definition =
    (registry === defaultRegistry ? referenceDefinition(type) : undefined) ??
    (typeof type === 'string' ? registry.definitionOfType(type as string) : undefined);
  if (definition === undefined) throw unknownType(message);
  return definition;
}

function unknownType(message: unknown): TalaError {
  const found =
    typeof message === 'object' && message !== null
      ? String((message as { type?: unknown }).type)
      : describeInput(message);
  return new TalaError(
    'InvalidArgument',
    `cannot encode message: expected a registered message type, found ${found}`,
  );
}
