import type { IntentForward, PartitionId, SegmentSync } from '@tala-net/types';
import { defineMessage } from './message-definition.js';
import { bytesAt, tooShort } from './payload-reader.js';
import { readU32, writeU32 } from './wire-bytes.js';
import { checkBytes, checkObject, checkU32 } from './wire-checks.js';
import { HEADER_BYTES } from './wire-layout.js';

/** Bytes of the partition id that opens IntentForward and SegmentSync. */
const PARTITION_BYTES = 4;

/** A message of a partition id followed by bytes to the end of the payload. */
type PartitionBytes = IntentForward | SegmentSync;

/**
 * The definition of a kind laid out as partition u32, then `field`'s bytes to the end of the
 * frame.
 */
function partitionBytesMessage<T extends PartitionBytes['type']>(
  tag: number,
  type: T,
  field: 'payload' | 'segmentData',
  bytesOf: (message: PartitionBytes) => Uint8Array,
) {
  return defineMessage({
    tag,
    type,
    owner: '@tala-net/codec',
    payloadLength: (message: PartitionBytes) => PARTITION_BYTES + bytesOf(message).length,
    checkedPayloadLength(message: PartitionBytes) {
      checkObject(message, type, 'message');
      checkU32(message.partition, type, 'partition');
      const bytes = bytesOf(message);
      checkBytes(bytes, type, field);
      return PARTITION_BYTES + bytes.length;
    },
    writePayload(message: PartitionBytes, bytes, at) {
      bytes.set(bytesOf(message), at + PARTITION_BYTES);
      writeU32(bytes, at, message.partition);
    },
    readPayload(bytes, frameStart, end, options) {
      const at = frameStart + HEADER_BYTES;
      if (end - at < PARTITION_BYTES) {
        throw tooShort(`${type}.partition`, PARTITION_BYTES, end - at);
      }
      const partition = readU32(bytes, at) as PartitionId;
      const data = bytesAt(bytes, at + PARTITION_BYTES, end, options.copy);
      // Object literals of a fixed shape: a computed key would make every decoded message slow.
      return (
        type === 'IntentForward'
          ? { type, partition, payload: data }
          : { type, partition, segmentData: data }
      ) as never;
    },
  });
}

/** `IntentForward` (tag 0x03): partition u32, then the payload bytes to the end of the frame. */
export const intentForwardMessage = partitionBytesMessage(
  0x03,
  'IntentForward',
  'payload',
  (message) => (message as IntentForward).payload,
);

/** `SegmentSync` (tag 0x04): partition u32, then the segment bytes to the end of the frame. */
export const segmentSyncMessage = partitionBytesMessage(
  0x04,
  'SegmentSync',
  'segmentData',
  (message) => (message as SegmentSync).segmentData,
);
