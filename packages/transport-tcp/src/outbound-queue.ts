import { type EncodeOptions, encodeInto, encodeIntoIfFits } from '@tala-net/codec';
import type { Message } from '@tala-net/types';
import type { EncodeSlab } from './encode-slab.js';
import type { LargeFrameMemory } from './large-frame-memory.js';

/**
 * Frames of at least this many bytes are encoded into memory of their own and written as they
 * are; smaller ones are encoded into the transport's {@link EncodeSlab}.
 */
export const OWN_BUFFER_FROM_BYTES = 16 * 1024;

/** What {@link OutboundQueue.takeAll} returns: chunks of encoded frames, oldest first. */
export interface QueuedChunks {
  /** Each chunk holds one or more whole frames, back to back. */
  readonly chunks: Uint8Array[];
  /** Frames in each chunk. */
  readonly frames: number[];
}

/**
 * The encoded frames waiting for one peer, bounded in frames and in bytes. When a frame does
 * not fit, it is refused (the newest is dropped: what was queued first keeps its place, so FIFO
 * order is never broken by a drop in the middle).
 *
 * Small frames are encoded straight into the transport's {@link EncodeSlab}; consecutive frames
 * of this queue that lie next to each other there form one run, taken as one chunk (one write).
 */
export class OutboundQueue {
  /** Chunks before the open run, and their frame counts (created when needed: idle peers are many). */
  #chunks: Uint8Array[] | undefined;
  #chunkFrames: number[] | undefined;
  /** The open run of small frames: `#runSlab[#runStart, #runEnd)`, `#runFrames` frames. */
  #runSlab: Uint8Array | undefined;
  #runStart = 0;
  #runEnd = 0;
  #runFrames = 0;
  #frames = 0;
  #bytes = 0;

  constructor(
    private readonly maxFrames: number,
    private readonly maxBytes: number,
  ) {}

  /** Frames waiting. */
  get frames(): number {
    return this.#frames;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Encodes `message` at the end of the queue, with the codec's `options` (`undefined`: its
   * defaults); `false` (and nothing queued) when it would exceed a bound. Throws what the codec
   * throws for a message it cannot encode, leaving the queue as it was.
   *
   * The message is checked and encoded once: straight into the slab's free space, which is
   * claimed only when the frame is queued (a refused frame leaves bytes there that the next
   * frame overwrites). Only a frame that does not fit there is encoded again, into a new slab
   * or, from {@link OWN_BUFFER_FROM_BYTES}, into a buffer of its own taken from `large` (which
   * the writer gives back once it is written).
   */
  push(
    message: Message,
    slab: EncodeSlab,
    large: LargeFrameMemory,
    options: EncodeOptions | undefined,
  ): boolean {
    const at = slab.used;
    const length = encodeIntoIfFits(message, slab.bytes, at, options);
    if (this.#frames >= this.maxFrames || this.#bytes + length > this.maxBytes) return false;
    if (at + length > slab.bytes.length) {
      this.#pushUnfitted(message, length, slab, large, options);
    } else if (length >= OWN_BUFFER_FROM_BYTES) {
      slab.used = at + length;
      this.#closeRun();
      this.#addChunk(slab.bytes.subarray(at, at + length), 1);
    } else {
      slab.used = at + length;
      this.#appendToRun(slab.bytes, at, length);
    }
    this.#frames++;
    this.#bytes += length;
    return true;
  }

  /** Encodes a checked `message` of `length` bytes that did not fit in the slab's free space. */
  #pushUnfitted(
    message: Message,
    length: number,
    slab: EncodeSlab,
    large: LargeFrameMemory,
    options: EncodeOptions | undefined,
  ): void {
    if (length >= OWN_BUFFER_FROM_BYTES) {
      const frame = large.take(length);
      encodeInto(message, frame, 0, options);
      this.#closeRun();
      this.#addChunk(frame, 1);
      return;
    }
    slab.reserve(length);
    const at = slab.used;
    encodeInto(message, slab.bytes, at, options);
    slab.used = at + length;
    this.#appendToRun(slab.bytes, at, length);
  }

  /** Adds the frame at `bytes[at, at + length)` to the open run, or opens a run with it. */
  #appendToRun(bytes: Uint8Array, at: number, length: number): void {
    if (this.#runSlab === bytes && this.#runEnd === at) {
      this.#runEnd = at + length;
      this.#runFrames++;
      return;
    }
    this.#closeRun();
    this.#runSlab = bytes;
    this.#runStart = at;
    this.#runEnd = at + length;
    this.#runFrames = 1;
  }

  /** Removes and returns every waiting frame, oldest first. */
  takeAll(): QueuedChunks {
    this.#closeRun();
    const taken = { chunks: this.#chunks ?? [], frames: this.#chunkFrames ?? [] };
    this.#chunks = undefined;
    this.#chunkFrames = undefined;
    this.#frames = 0;
    this.#bytes = 0;
    return taken;
  }

  /** Drops every waiting frame; returns how many there were. */
  clear(): number {
    const dropped = this.#frames;
    this.#chunks = undefined;
    this.#chunkFrames = undefined;
    this.#runSlab = undefined;
    this.#runFrames = 0;
    this.#frames = 0;
    this.#bytes = 0;
    return dropped;
  }

  /** Moves the open run, if any, to the chunks. */
  #closeRun(): void {
    if (this.#runSlab === undefined) return;
    this.#addChunk(this.#runSlab.subarray(this.#runStart, this.#runEnd), this.#runFrames);
    this.#runSlab = undefined;
    this.#runFrames = 0;
  }

  #addChunk(chunk: Uint8Array, frames: number): void {
    if (this.#chunks === undefined || this.#chunkFrames === undefined) {
      this.#chunks = [chunk];
      this.#chunkFrames = [frames];
      return;
    }
    this.#chunks.push(chunk);
    this.#chunkFrames.push(frames);
  }
}
