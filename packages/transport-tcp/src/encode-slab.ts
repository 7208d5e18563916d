/** Bytes of one slab. */
const SLAB_BYTES = 64 * 1024;

/**
 * The memory a transport encodes its small frames into: one slab at a time, handed out front to
 * back and never written twice, so a region given to `socket.write` stays intact until the
 * write completes however many frames are encoded after it. Frames sent back to back to the
 * same peer land next to each other and leave in one write, without a copy. When a frame does
 * not fit in what is left, a new slab is started; the old one is freed once the last view into
 * it (a queued or written chunk) is gone. Shared by every peer of a transport, so an idle peer
 * holds no buffer of its own.
 */
export class EncodeSlab {
  /** The current slab (empty until the first frame). */
  bytes: Uint8Array = new Uint8Array(0);
  /** Bytes of {@link EncodeSlab.bytes} handed out so far: the next frame starts here. */
  used = 0;

  /** Makes room for a frame of `length` bytes (at most 64 KiB) at {@link EncodeSlab.used}. */
  reserve(length: number): void {
    if (this.used + length <= this.bytes.length) return;
    // Every byte of a slab is written by encodeInto before it is sent, so it need not be zeroed.
    this.bytes = Buffer.allocUnsafe(Math.max(SLAB_BYTES, length));
    this.used = 0;
  }
}
