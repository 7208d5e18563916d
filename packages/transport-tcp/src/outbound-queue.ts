/**
 * The encoded frames waiting for one peer, bounded in frames and in bytes. When a frame does
 * not fit, it is refused (the newest is dropped: what was queued first keeps its place, so FIFO
 * order is never broken by a drop in the middle).
 */
export class OutboundQueue {
  #frames: Uint8Array[] = [];
  #bytes = 0;

  constructor(
    private readonly maxFrames: number,
    private readonly maxBytes: number,
  ) {}

  /** Frames waiting. */
  get frames(): number {
    return this.#frames.length;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends `frame`; `false` (and nothing queued) when it would exceed a bound. */
  push(frame: Uint8Array): boolean {
    if (this.#frames.length >= this.maxFrames || this.#bytes + frame.length > this.maxBytes) {
      return false;
    }
    this.#frames.push(frame);
    this.#bytes += frame.length;
    return true;
  }

  /** Removes and returns every waiting frame, oldest first. */
  takeAll(): Uint8Array[] {
    const frames = this.#frames;
    this.#frames = [];
    this.#bytes = 0;
    return frames;
  }

  /** Drops every waiting frame; returns how many there were. */
  clear(): number {
    const dropped = this.#frames.length;
    this.#frames = [];
    this.#bytes = 0;
    return dropped;
  }
}
