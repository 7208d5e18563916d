import { encodeIntoIfFits, FrameDecoder } from '@tala-net/codec';
import type { Message } from '@tala-net/types';

/** CPU time of the codec's share of one frame: encoding it into a buffer, decoding it from one. */
export interface CodecCost {
  /** Nanoseconds of CPU per frame encoded with `encodeIntoIfFits` into a reused buffer. */
  readonly encodeNs: number;
  /** Nanoseconds of CPU per frame decoded by a `FrameDecoder` from chunks of many frames. */
  readonly decodeNs: number;
}

const FRAMES = 1_000_000;
const ROUNDS = 5;
const BUFFER_BYTES = 64 * 1024;

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[values.length >> 1]!;

function cpuNsPerFrame(since: NodeJS.CpuUsage, frames: number): number {
  const used = process.cpuUsage(since);
  return ((used.user + used.system) * 1_000) / frames;
}

/** CPU per frame of encoding {@link FRAMES} of `messages` (in turn) into one reused buffer. */
function encodeNs(messages: readonly Message[], frameBytes: number): number {
  const mask = messages.length - 1;
  const buffer = new Uint8Array(BUFFER_BYTES);
  let at = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < FRAMES; i++) {
    if (at + frameBytes > buffer.length) at = 0;
    at += encodeIntoIfFits(messages[i & mask]!, buffer, at);
  }
  return cpuNsPerFrame(start, FRAMES);
}

/** CPU per frame of decoding at least {@link FRAMES} frames from `chunk`, pushed again and again. */
function decodeNs(chunk: Uint8Array): number {
  const decoder = new FrameDecoder();
  let decoded = 0;
  const start = process.cpuUsage();
  while (decoded < FRAMES) decoded += decoder.push(chunk).length;
  return cpuNsPerFrame(start, decoded);
}

/**
 * What the codec alone costs per frame of `messages` (a power of two of them, all of one size,
 * `frameBytes` each): the work every frame of a transport needs at both ends, whatever carries
 * it. Medians of a few rounds after one to warm up.
 */
export function codecCost(messages: readonly Message[], frameBytes: number): CodecCost {
  const chunk = new Uint8Array(Math.floor(BUFFER_BYTES / frameBytes) * frameBytes);
  for (let at = 0, i = 0; at < chunk.length; at += frameBytes, i++) {
    encodeIntoIfFits(messages[i & (messages.length - 1)]!, chunk, at);
  }
  const encodes: number[] = [];
  const decodes: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const encode = encodeNs(messages, frameBytes);
    const decode = decodeNs(chunk);
    if (round > 0) {
      encodes.push(encode);
      decodes.push(decode);
    }
  }
  return { encodeNs: median(encodes), decodeNs: median(decodes) };
}
