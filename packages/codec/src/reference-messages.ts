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
