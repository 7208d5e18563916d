import type { MessageMap, NodeId, Ping, Pong } from '@tala-net/types';
import { defineMessage } from './message-definition.js';
import { wrongLength } from './payload-reader.js';
import { readU64, writeU64 } from './wire-bytes.js';
import { checkObject, checkU64 } from './wire-checks.js';
import { HEADER_BYTES } from './wire-layout.js';

/** Payload bytes of a Ping or Pong: from (8) + seq (8). */
const PROBE_BYTES = 16;

/** The definition of a probe kind: from u64, seq u64. */
function probeMessage<T extends (Ping | Pong)['type']>(
  tag: number,
  type: T,
  reader: (bytes: Uint8Array, frameStart: number, end: number) => MessageMap[T],
) {
  return defineMessage({
    tag,
    type,
    owner: '@tala-net/codec',
    payloadLength: () => PROBE_BYTES,
    checkedPayloadLength(message: Ping | Pong) {
      checkObject(message, type, 'message');
      checkU64(message.from, type, 'from');
      checkU64(message.seq, type, 'seq');
      return PROBE_BYTES;
    },
    writePayload(message: Ping | Pong, bytes, at) {
      writeU64(bytes, at, message.from);
      writeU64(bytes, at + 8, message.seq);
    },
    readPayload: reader,
  });
}

function checkProbeLength(type: string, frameStart: number, end: number): void {
  const length = end - frameStart - HEADER_BYTES;
  if (length !== PROBE_BYTES) throw wrongLength(type, length, PROBE_BYTES);
}

/** `Ping` (tag 0x01): from u64, seq u64. Frozen to the Rust reference. */
export const pingMessage = probeMessage(0x01, 'Ping', (bytes, frameStart, end) => {
  // A literal type and shape per kind: V8 builds the object from a constant. The fields are read
  // first, so that the object is the last allocation and storing them needs no write barrier.
  checkProbeLength('Ping', frameStart, end);
  const at = frameStart + HEADER_BYTES;
  const from = readU64(bytes, at) as NodeId;
  const seq = readU64(bytes, at + 8);
  return { type: 'Ping', from, seq };
});

/** `Pong` (tag 0x02): from u64, seq u64 (the seq of the Ping it answers). Frozen to the Rust reference. */
export const pongMessage = probeMessage(0x02, 'Pong', (bytes, frameStart, end) => {
  checkProbeLength('Pong', frameStart, end);
  const at = frameStart + HEADER_BYTES;
  const from = readU64(bytes, at) as NodeId;
  const seq = readU64(bytes, at + 8);
  return { type: 'Pong', from, seq };
});
