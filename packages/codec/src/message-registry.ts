import { type MessageType, TalaError } from '@tala-net/types';
import {
  type AnyMessageDefinition,
  checkDefinition,
  type MessageDefinition,
} from './message-definition.js';

/**
 * The message kinds a codec call knows, by tag and by `type`. {@link defaultRegistry} holds the
 * reference's six and whatever other packages register; a program may build its own registry
 * (e.g. to decode only a subset) and pass it in the codec options.
 *
 * @example
 * ```ts
 * const registry = new MessageRegistry();
 * registry.register(greeting);
 * registry.definitionOfTag(0xf0)?.type; // 'Greeting'
 * ```
 */
export class MessageRegistry {
  readonly #byTag: (AnyMessageDefinition | undefined)[] = new Array(256).fill(undefined);
  readonly #byType = new Map<string, AnyMessageDefinition>();

  /**
   * Registers `definitions`. Registering a definition whose tag and type are already registered
   * by the same owner is a no-op (two copies of one package, e.g. its ESM and CJS builds, may
   * both register). A tag or a type already taken by another definition throws a `TalaError`
   * with code `DuplicateMessage` that names both owners (the definitions before it in the same
   * call stay registered). A malformed definition throws `InvalidArgument` before anything is
   * registered.
   */
  register(...definitions: AnyMessageDefinition[]): this {
    for (const definition of definitions) checkDefinition(definition);
    for (const definition of definitions) {
      this.#check(definition);
      this.#byTag[definition.tag] ??= definition;
      if (!this.#byType.has(definition.type)) this.#byType.set(definition.type, definition);
    }
    return this;
  }

  /** The definition of wire tag `tag`, or `undefined` when no registered definition owns it. */
  definitionOfTag(tag: number): AnyMessageDefinition | undefined {
    return this.#byTag[tag];
  }

  /** The definition of messages of type `type`, or `undefined` when none is registered. */
  definitionOfType<T extends MessageType>(type: T): MessageDefinition<T> | undefined;
  definitionOfType(type: string): AnyMessageDefinition | undefined;
  definitionOfType(type: string): AnyMessageDefinition | undefined {
    return this.#byType.get(type);
  }

  /** Every registered definition, by ascending tag. */
  definitions(): AnyMessageDefinition[] {
    return this.#byTag.filter((definition) => definition !== undefined);
  }

  #check(definition: AnyMessageDefinition): void {
    const byTag = this.#byTag[definition.tag];
    const byType = this.#byType.get(definition.type);
    for (const other of [byTag, byType]) {
      if (other === undefined) continue;
      if (
        other.tag === definition.tag &&
        other.type === definition.type &&
        other.owner === definition.owner
      )
        continue;
      throw new TalaError(
        'DuplicateMessage',
        `cannot register ${definition.type} (tag ${hex(definition.tag)}) of ${definition.owner}: ` +
          `${other.type} (tag ${hex(other.tag)}) of ${other.owner} is already registered`,
      );
    }
  }
}

function hex(tag: number): string {
  return `0x${tag.toString(16).padStart(2, '0')}`;
}

/**
 * The error codes `@tala-net/codec` adds to `TalaError`, besides the core `SegmentCorrupted`,
 * `InvalidArgument` and `Closed`.
 */
declare module '@tala-net/types' {
  interface TalaErrorCodeMap {
    /** A message to encode is larger than the configured `maxFrameBytes`. */
    MessageTooLarge: true;
    /** A message definition's tag or type is already registered by another owner. */
    DuplicateMessage: true;
  }
}
