/*
 * Memory for the frames `encode` returns. An ArrayBuffer of more than 64 bytes lives outside
 * V8's heap and costs hundreds of nanoseconds to create, more than encoding a small frame; so
 * frames of up to POOLED_MAX_BYTES are carved out of shared slabs, as Node's `Buffer` pool and
 * the protobufjs and msgpackr writers do. A slab region is handed out once and never reused: a
 * pooled frame is an ordinary view that no later encode overwrites. Its `buffer` is the larger
 * slab, shared with other frames (it lives as long as any of them does).
 *
 * A larger frame of a reference kind, whose writer fills every byte, gets memory that is not
 * zero-filled where the runtime offers it (Node's `Buffer.allocUnsafeSlow`): for a 1 MiB
 * `SegmentSync` the zero-fill is a third of the encode. Frames of other kinds, whose writers may
 * rely on zeroed memory, and every frame in a browser get zero-filled memory.
 */

/** Size of one slab. */
const SLAB_BYTES = 16 * 1024;
/** Largest frame taken from a slab; larger frames get an array of their own. */
export const POOLED_MAX_BYTES = 4 * 1024;
/** Smallest frame taken from a slab; V8 allocates arrays this small inside its heap, cheaply. */
export const POOLED_MIN_BYTES = 65;

let slab = new ArrayBuffer(0);
let slabUsed = 0;

/** A new array of `length` bytes for one frame, possibly a view of a shared slab. */
export function allocateFrame(length: number): Uint8Array {
  if (length > POOLED_MAX_BYTES || length < POOLED_MIN_BYTES) return new Uint8Array(length);
  if (slabUsed + length > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  // A view made directly: `subarray` would also look up the species constructor.
  const frame = new Uint8Array(slab, slabUsed, length);
  // Keep the next frame 8-byte aligned.
  slabUsed = (slabUsed + length + 7) & ~7;
  return frame;
}

/** Node's `Buffer`, when the runtime has one; looked up on `globalThis` so bundles stay Node-free. */
const runtimeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array } })
  .Buffer;

/**
 * A new array of `length` bytes for a frame whose writer writes every one of them: memory that
 * is not zero-filled for frames over POOLED_MAX_BYTES when the runtime offers it, else as
 * {@link allocateFrame}. The result is a plain `Uint8Array` with an `ArrayBuffer` of its own.
 */
export function allocateFrameToOverwrite(length: number): Uint8Array {
  if (length <= POOLED_MAX_BYTES || runtimeBuffer === undefined) return allocateFrame(length);
  const memory = runtimeBuffer.allocUnsafeSlow(length);
  return new Uint8Array(memory.buffer, memory.byteOffset, length);
}
