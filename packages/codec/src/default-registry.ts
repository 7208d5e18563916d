import { MessageRegistry } from './message-registry.js';
import { intentForwardMessage, segmentSyncMessage } from './partition-bytes-messages.js';
import { pingMessage, pongMessage } from './probe-messages.js';
import { membershipUpdateMessage, partitionTableUpdateMessage } from './versioned-list-messages.js';

/** The definitions of the Rust reference's six messages (tags 0x01–0x06), in tag order. */
export const referenceMessages = [
  pingMessage,
  pongMessage,
  intentForwardMessage,
  segmentSyncMessage,
  membershipUpdateMessage,
  partitionTableUpdateMessage,
] as const;

/**
 * The registry every codec call uses unless its options name another: the reference's six, plus
 * the definitions other packages register (e.g. `@tala-net/membership` registers SWIM's).
 */
export const defaultRegistry: MessageRegistry = new MessageRegistry().register(
  ...referenceMessages,
);
