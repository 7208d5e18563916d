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

const cpuNs = (since: NodeJS.CpuUsage, frames: number): number => {
  const used = process.cpuUsage(since);
  return ((used.user + used.system) * 1_000) / frames;
};

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[values.length >> 1]!;

/**
 * What the codec alone costs per frame of `messages` (all of one size, `frameBytes` each): the
 * work every frame of a transport needs at both ends, whatever carries it. Median of a few rounds
 * after one to warm up.
 */
export function codecCost(messages: readonly Message[], frameBytes: number): CodecCost {
  const mask = messages.length - 1;
  const slab = new Uint8Array(64 * 1024);
  const perChunk = Math.floor(slab.length / frameBytes);
  const chunk = slab.subarray(0, perChunk * frameBytes);
  for (let i = 0; i < perChunk; i++) encodeIntoIfFits(messages[i & mask]!, slab, i * frameBytes);
  const encodes: number[] = [];
  const decodes: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const scratch = new Uint8Array(slab.length);
    let at = 0;
    const encodeStart = process.cpuUsage();
    for (let i = 0; i < FRAMES; i++) {
      if (at + frameBytes > scratch.length) at = 0;
      at += encodeIntoIfFits(messages[i & mask]!, scratch, at);
    }
    const encodeNs = cpuNs(encodeStart, FRAMES);
    const decoder = new FrameDecoder();
    let decoded = 0;
    const decodeStart = process.cpuUsage();
    while (decoded < FRAMES) decoded += decoder.push(chunk).length;
    const decodeNs = cpuNs(decodeStart, decoded);
    if (round > 0) {
      encodes.push(encodeNs);
      decodes.push(decodeNs);
    }
  }
  return { encodeNs: median(encodes), decodeNs: median(decodes) };
}
