import { type EncodeOptions, encodeInto } from '@tala-net/codec';
import type { Message } from '@tala-net/types';
import type { EncodeSlab } from './encode-slab.js';

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
   * Encodes `message`, whose frame is `length` bytes (its `encodedLength`), at the end of the
   * queue, with the codec's `options` (`undefined`: its defaults); `false` (and nothing queued)
   * when it would exceed a bound. Throws what the codec throws for a message it cannot encode,
   * leaving the queue as it was.
   */
  push(
    message: Message,
    length: number,
    slab: EncodeSlab,
    options: EncodeOptions | undefined,
  ): boolean {
    if (this.#frames >= this.maxFrames || this.#bytes + length > this.maxBytes) return false;
    if (length >= OWN_BUFFER_FROM_BYTES) {
      // encodeInto writes every byte of the frame, so its memory need not be zeroed first.
      const frame = Buffer.allocUnsafe(length);
      encodeInto(message, frame, 0, options);
      this.#closeRun();
      this.#addChunk(frame, 1);
    } else {
      slab.reserve(length);
      const at = slab.used;
      encodeInto(message, slab.bytes, at, options);
      slab.used = at + length;
      if (this.#runSlab === slab.bytes && this.#runEnd === at) {
        this.#runEnd = at + length;
        this.#runFrames++;
      } else {
        this.#closeRun();
        this.#runSlab = slab.bytes;
        this.#runStart = at;
        this.#runEnd = at + length;
        this.#runFrames = 1;
      }
    }
    this.#frames++;
    this.#bytes += length;
    return true;
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
