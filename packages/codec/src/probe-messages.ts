import type { NodeId, Ping, Pong } from '@tala-net/types';
import { defineMessage } from './message-definition.js';
import { wrongLength } from './payload-reader.js';
import { readU64, writeU64 } from './wire-bytes.js';
import { checkObject, checkU64 } from './wire-checks.js';
import { HEADER_BYTES } from './wire-layout.js';

/** Payload bytes of a Ping or Pong: from (8) + seq (8). */
const PROBE_BYTES = 16;

function checkedProbeLength(message: Ping | Pong, type: string): number {
  checkObject(message, type, 'message');
  checkU64(message.from, type, 'from');
  checkU64(message.seq, type, 'seq');
  return PROBE_BYTES;
}

function writeProbe(message: Ping | Pong, bytes: Uint8Array, at: number): void {
  writeU64(bytes, at, message.from);
  writeU64(bytes, at + 8, message.seq);
}

/** `Ping` (tag 0x01): from u64, seq u64. Frozen to the Rust reference. */
export const pingMessage = defineMessage({
  tag: 0x01,
  type: 'Ping',
  owner: '@tala-net/codec',
  payloadLength: () => PROBE_BYTES,
  checkedPayloadLength: (message) => checkedProbeLength(message, 'Ping'),
  writePayload: writeProbe,
  readPayload(bytes, frameStart, end) {
    const at = frameStart + HEADER_BYTES;
    if (end - at !== PROBE_BYTES) throw wrongLength('Ping', end - at, PROBE_BYTES);
    return { type: 'Ping', from: readU64(bytes, at) as NodeId, seq: readU64(bytes, at + 8) };
  },
});

/** `Pong` (tag 0x02): from u64, seq u64 (the seq of the Ping it answers). Frozen to the Rust reference. */
export const pongMessage = defineMessage({
  tag: 0x02,
  type: 'Pong',
  owner: '@tala-net/codec',
  payloadLength: () => PROBE_BYTES,
  checkedPayloadLength: (message) => checkedProbeLength(message, 'Pong'),
  writePayload: writeProbe,
  readPayload(bytes, frameStart, end) {
    const at = frameStart + HEADER_BYTES;
    if (end - at !== PROBE_BYTES) throw wrongLength('Pong', end - at, PROBE_BYTES);
    return { type: 'Pong', from: readU64(bytes, at) as NodeId, seq: readU64(bytes, at + 8) };
  },
});
