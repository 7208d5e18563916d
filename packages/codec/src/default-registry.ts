import { MessageRegistry } from './message-registry.js';
import { referenceMessages } from './reference-messages.js';

const SHARED = Symbol.for('@tala-net/codec.defaultRegistry');

/**
 * The registry every codec call uses unless its options name another: the reference's six, plus
 * the definitions other packages register (e.g. `@tala-net/membership` registers SWIM's).
 *
 * One registry per process, shared by every copy of this package (its ESM and CJS builds, or two
 * installed versions): what a package registers through one copy, a transport encoding through
 * another copy sees too.
 */
export const defaultRegistry: MessageRegistry = sharedRegistry();

function sharedRegistry(): MessageRegistry {
  const realm = globalThis as { [SHARED]?: MessageRegistry };
  const registry = realm[SHARED] ?? new MessageRegistry();
  realm[SHARED] = registry;
  // Each copy registers its own six: the same owner, tags and types, so a second copy adds nothing.
  return registry.register(...referenceMessages);
}
