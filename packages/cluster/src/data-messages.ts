import {
  bytesAt,
  checkBytes,
  checkObject,
  checkU64,
  defaultRegistry,
  defineMessage,
  HEADER_BYTES,
  type MessageRegistry,
  readU64,
  tooShort,
  writeU64,
  wrongLength,
} from '@tala-net/codec';
import type { NodeId } from '@tala-net/types';

/**
 * One application message of reliable messaging (tag 0x58). `sender` and `seq` name it across
 * the whole cluster: a proxy forwards it unchanged, so every node recognises a copy it has seen.
 */
export interface ClusterData {
  /** The kind of message. */
  readonly type: 'ClusterData';
  /** The node that first sent it (not the hop it came from). */
  readonly sender: NodeId;
  /** The sender's sequence number of this message (u64, increasing per sender). */
  readonly seq: bigint;
  /** The application's bytes. */
  readonly payload: Uint8Array;
}

/**
 * Confirms one {@link ClusterData} to the hop it came from (tag 0x59). It names the message by
 * `sender` and `seq` because in proxy mode one link carries messages of several senders.
 */
export interface ClusterDataAck {
  /** The kind of message. */
  readonly type: 'ClusterDataAck';
  /** The `sender` of the confirmed message. */
  readonly sender: NodeId;
  /** The `seq` of the confirmed message. */
  readonly seq: bigint;
}

declare module '@tala-net/types' {
  interface MessageMap {
    /** See {@link ClusterData}. */
    ClusterData: ClusterData;
    /** See {@link ClusterDataAck}. */
    ClusterDataAck: ClusterDataAck;
  }
}

const OWNER = '@tala-net/cluster';
/** Fixed payload bytes of a ClusterData and of a ClusterDataAck: sender (8) + seq (8). */
const ID_BYTES = 16;

/** Encoded bytes of a whole `ClusterData` frame (header included) carrying `payloadBytes`. */
export function clusterDataFrameBytes(payloadBytes: number): number {
  return HEADER_BYTES + ID_BYTES + payloadBytes;
}

/** Encoded bytes of a whole `ClusterDataAck` frame (header included). */
export const CLUSTER_DATA_ACK_FRAME_BYTES = HEADER_BYTES + ID_BYTES;

/** The `ClusterData` kind (tag 0x58): sender u64, seq u64, then the payload to the frame's end. */
export const clusterDataMessage = defineMessage({
  tag: 0x58,
  type: 'ClusterData',
  owner: OWNER,
  payloadLength: (message) => ID_BYTES + message.payload.length,
  checkedPayloadLength(message) {
    checkObject(message, 'ClusterData', 'message');
    checkU64(message.sender, 'ClusterData', 'sender');
    checkU64(message.seq, 'ClusterData', 'seq');
    checkBytes(message.payload, 'ClusterData', 'payload');
    return ID_BYTES + message.payload.length;
  },
  writePayload(message, bytes, at) {
    bytes.set(message.payload, at + ID_BYTES);
    writeU64(bytes, at, message.sender);
    writeU64(bytes, at + 8, message.seq);
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < ID_BYTES) throw tooShort('ClusterData.payload', ID_BYTES, end - at);
    return {
      type: 'ClusterData',
      sender: readU64(bytes, at) as NodeId,
      seq: readU64(bytes, at + 8),
      payload: bytesAt(bytes, at + ID_BYTES, end, options.copy),
    };
  },
});

/** The `ClusterDataAck` kind (tag 0x59): sender u64, seq u64; exactly 16 bytes. */
export const clusterDataAckMessage = defineMessage({
  tag: 0x59,
  type: 'ClusterDataAck',
  owner: OWNER,
  payloadLength: () => ID_BYTES,
  checkedPayloadLength(message) {
    checkObject(message, 'ClusterDataAck', 'message');
    checkU64(message.sender, 'ClusterDataAck', 'sender');
    checkU64(message.seq, 'ClusterDataAck', 'seq');
    return ID_BYTES;
  },
  writePayload(message, bytes, at) {
    writeU64(bytes, at, message.sender);
    writeU64(bytes, at + 8, message.seq);
  },
  readPayload(bytes, frameStart, end) {
    const at = frameStart + HEADER_BYTES;
    if (end - at !== ID_BYTES) throw wrongLength('ClusterDataAck', end - at, ID_BYTES);
    return {
      type: 'ClusterDataAck',
      sender: readU64(bytes, at) as NodeId,
      seq: readU64(bytes, at + 8),
    };
  },
});

/** The kinds of reliable messaging (tags 0x58–0x59) that `@tala-net/cluster` owns. */
export const clusterDataMessages = [clusterDataMessage, clusterDataAckMessage] as const;

/**
 * Registers the reliable-messaging kinds with `registry` (the codec's default registry unless
 * given). Idempotent. A `ReliableMessaging` does it for the default registry.
 *
 * @example
 * ```ts
 * registerClusterDataMessages();
 * decode(encode({ type: 'ClusterDataAck', sender: NodeId(1), seq: 7n }));
 * ```
 */
export function registerClusterDataMessages(registry: MessageRegistry = defaultRegistry): void {
  registry.register(...clusterDataMessages);
}
