import type { IntentForward, PartitionId, SegmentSync } from '@tala-net/types';
import { defineMessage } from './message-definition.js';
import { bytesAt, tooShort } from './payload-reader.js';
import { readU32, writeU32 } from './wire-bytes.js';
import { checkBytes, checkObject, checkU32 } from './wire-checks.js';
import { HEADER_BYTES } from './wire-layout.js';

/*
 * IntentForward and SegmentSync share a layout (partition u32, then bytes to the end of the
 * frame) but are written out separately: each reads and writes its own field directly, which
 * keeps the two hottest bulk kinds free of indirection.
 */

/** Bytes of the partition id that opens IntentForward and SegmentSync. */
const PARTITION_BYTES = 4;

/** Checks the partition and bytes of a partition-and-bytes message; returns its payload length. */
function checkedLength(
  message: IntentForward | SegmentSync,
  bytes: unknown,
  type: string,
  field: string,
): number {
  checkU32(message.partition, type, 'partition');
  checkBytes(bytes, type, field);
  return PARTITION_BYTES + (bytes as Uint8Array).length;
}

/** The partition id of a payload, after checking it is there. */
function readPartition(bytes: Uint8Array, at: number, end: number, type: string): PartitionId {
  if (end - at < PARTITION_BYTES) throw tooShort(`${type}.partition`, PARTITION_BYTES, end - at);
  return readU32(bytes, at) as PartitionId;
}

/** `IntentForward` (tag 0x03): partition u32, then the payload bytes to the end of the frame. */
export const intentForwardMessage = defineMessage({
  tag: 0x03,
  type: 'IntentForward',
  owner: '@tala-net/codec',
  payloadLength: (message) => PARTITION_BYTES + message.payload.length,
  checkedPayloadLength(message) {
    checkObject(message, 'IntentForward', 'message');
    return checkedLength(message, message.payload, 'IntentForward', 'payload');
  },
  writePayload(message, bytes, at) {
    bytes.set(message.payload, at + PARTITION_BYTES);
    writeU32(bytes, at, message.partition);
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    const partition = readPartition(bytes, at, end, 'IntentForward');
    const payload = bytesAt(bytes, at + PARTITION_BYTES, end, options.copy);
    return { type: 'IntentForward', partition, payload };
  },
});

/** `SegmentSync` (tag 0x04): partition u32, then the segment bytes to the end of the frame. */
export const segmentSyncMessage = defineMessage({
  tag: 0x04,
  type: 'SegmentSync',
  owner: '@tala-net/codec',
  payloadLength: (message) => PARTITION_BYTES + message.segmentData.length,
  checkedPayloadLength(message) {
    checkObject(message, 'SegmentSync', 'message');
    return checkedLength(message, message.segmentData, 'SegmentSync', 'segmentData');
  },
  writePayload(message, bytes, at) {
    bytes.set(message.segmentData, at + PARTITION_BYTES);
    writeU32(bytes, at, message.partition);
  },
  readPayload(bytes, frameStart, end, options) {
    const at = frameStart + HEADER_BYTES;
    const partition = readPartition(bytes, at, end, 'SegmentSync');
    const segmentData = bytesAt(bytes, at + PARTITION_BYTES, end, options.copy);
    return { type: 'SegmentSync', partition, segmentData };
  },
});
