import { defaultRegistry } from './default-registry.js';
import type { AnyMessageDefinition } from './message-definition.js';
import type { MessageRegistry } from './message-registry.js';
import { referenceDefinitionOfTag } from './reference-fast-path.js';
import { readU32 } from './wire-bytes.js';
import { corrupted } from './wire-error.js';

/**
 * The payload length declared by the 5-byte header at `start` of `bytes` (all five present),
 * checked against `maxFrameBytes` before any payload byte is looked at.
 */
export function declaredLength(
  bytes: Uint8Array,
  start: number,
  maxFrameBytes: number,
  kind: AnyMessageDefinition | string,
): number {
  const length = readU32(bytes, start + 1);
  if (length > maxFrameBytes) {
    throw corrupted(
      `${typeof kind === 'string' ? kind : kind.type} frame length`,
      1,
      `at most ${maxFrameBytes} payload bytes`,
      `${length}`,
    );
  }
  return length;
}

/** The definition `registry` holds for `tag`, the reference's six found without a lookup. */
export function definitionOfTag(
  registry: MessageRegistry,
  tag: number,
): AnyMessageDefinition | undefined {
  return (
    (registry === defaultRegistry ? referenceDefinitionOfTag(tag) : undefined) ??
    registry.definitionOfTag(tag)
  );
}

/** The definition of the frame at `start`, or a `SegmentCorrupted` error for an unknown tag. */
export function definitionOfFrame(
  bytes: Uint8Array,
  start: number,
  registry: MessageRegistry,
): AnyMessageDefinition {
  const tag = bytes[start]!;
  const definition = definitionOfTag(registry, tag);
  if (definition === undefined) throw unknownTag(tag);
  return definition;
}

/** The error of a frame whose tag no registered definition owns. */
export function unknownTag(tag: number) {
  return corrupted('frame tag', 0, 'a known message tag', `0x${tag.toString(16).padStart(2, '0')}`);
}
