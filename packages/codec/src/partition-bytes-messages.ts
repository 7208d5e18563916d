import type { IntentForward, MessageMap, PartitionId, SegmentSync } from '@tala-net/types';
import type { ReadOptions } from './codec-options.js';
import { defineMessage } from './message-definition.js';
import { bytesAt, tooShort } from './payload-reader.js';
import { readU32, writeU32 } from './wire-bytes.js';
import { checkBytes, checkObject, checkU32 } from './wire-checks.js';
import { HEADER_BYTES } from './wire-layout.js';

/** Bytes of the partition id that opens IntentForward and SegmentSync. */
const PARTITION_BYTES = 4;

/** A message of a partition id followed by bytes to the end of the payload. */
type PartitionBytes = IntentForward | SegmentSync;

/** How one kind of {@link PartitionBytes} names and builds its byte field. */
interface BytesField<T extends PartitionBytes['type']> {
  readonly name: 'payload' | 'segmentData';
  readonly of: (message: MessageMap[T]) => Uint8Array;
  /** Builds the message: a literal of a fixed shape per kind, cheap for V8 to create. */
  readonly build: (partition: PartitionId, bytes: Uint8Array) => MessageMap[T];
}

/**
 * The definition of a kind laid out as partition u32, then its bytes to the end of the frame.
 */
function partitionBytesMessage<T extends PartitionBytes['type']>(
  tag: number,
  type: T,
  field: BytesField<T>,
) {
  return defineMessage({
    tag,
    type,
    owner: '@tala-net/codec',
    payloadLength: (message) => PARTITION_BYTES + field.of(message).length,
    checkedPayloadLength(message) {
      checkObject(message, type, 'message');
      checkU32(message.partition, type, 'partition');
      const bytes = field.of(message);
      checkBytes(bytes, type, field.name);
      return PARTITION_BYTES + bytes.length;
    },
    writePayload(message, bytes, at) {
      bytes.set(field.of(message), at + PARTITION_BYTES);
      writeU32(bytes, at, message.partition);
    },
    readPayload(bytes: Uint8Array, frameStart: number, end: number, options: ReadOptions) {
      const at = frameStart + HEADER_BYTES;
      if (end - at < PARTITION_BYTES) {
        throw tooShort(`${type}.partition`, PARTITION_BYTES, end - at);
      }
      const partition = readU32(bytes, at) as PartitionId;
      return field.build(partition, bytesAt(bytes, at + PARTITION_BYTES, end, options.copy));
    },
  });
}

/** `IntentForward` (tag 0x03): partition u32, then the payload bytes to the end of the frame. */
export const intentForwardMessage = partitionBytesMessage(0x03, 'IntentForward', {
  name: 'payload',
  of: (message) => message.payload,
  build: (partition, payload) => ({ type: 'IntentForward', partition, payload }),
});

/** `SegmentSync` (tag 0x04): partition u32, then the segment bytes to the end of the frame. */
export const segmentSyncMessage = partitionBytesMessage(0x04, 'SegmentSync', {
  name: 'segmentData',
  of: (message) => message.segmentData,
  build: (partition, segmentData) => ({ type: 'SegmentSync', partition, segmentData }),
});
