/**
 * `length` bytes of memory of their own that are not zero-filled first, as a plain `Uint8Array`
 * (not a `Buffer`, whose `slice` would differ): for a buffer that is written in full before any
 * byte of it is read, such as a frame the `FrameDecoder` assembles across chunks, where zeroing
 * would be one more pass over every large frame.
 */
export function unzeroedBytes(length: number): Uint8Array {
  const memory = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(memory.buffer, memory.byteOffset, length);
}
