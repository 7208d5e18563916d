import type { MemberUpdate, Message } from './message.js';

/**
 * A deep copy of `message` that shares no mutable state with it: byte arrays are copied, arrays
 * and objects are new. Transports that hand one message to several receivers clone it for each.
 */
export function cloneMessage(message: Message): Message {
  switch (message.type) {
    case 'Ping':
    case 'Pong':
      return { type: message.type, from: message.from, seq: message.seq };
    case 'IntentForward':
      return {
        type: message.type,
        partition: message.partition,
        payload: copyBytes(message.payload),
      };
    case 'SegmentSync':
      return {
        type: message.type,
        partition: message.partition,
        segmentData: copyBytes(message.segmentData),
      };
    case 'MembershipUpdate':
      return { type: message.type, members: [...message.members], version: message.version };
    case 'PartitionTableUpdate':
      return {
        type: message.type,
        assignments: message.assignments.map((a) => ({
          partitionId: a.partitionId,
          owner: a.owner,
          replicas: [...a.replicas],
        })),
        version: message.version,
      };
    case 'PingReq':
    case 'IndirectAck':
    case 'Nack':
      return { type: message.type, from: message.from, seq: message.seq, target: message.target };
    case 'Gossip':
      return { type: message.type, from: message.from, updates: message.updates.map(cloneUpdate) };
    case 'PushPull':
      return {
        type: message.type,
        from: message.from,
        reply: message.reply,
        members: message.members.map(cloneUpdate),
      };
  }
}

function cloneUpdate(update: MemberUpdate): MemberUpdate {
  return {
    node: update.node,
    state: update.state,
    incarnation: update.incarnation,
    address: copyBytes(update.address),
  };
}

/** A copy in memory of its own (`slice` would return a view on a Node `Buffer`). */
function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
