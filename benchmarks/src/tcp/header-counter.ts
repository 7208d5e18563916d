/** Bytes of a frame header: tag u8, payload length u32 LE. */
const HEADER_BYTES = 5;

/**
 * The receiver of the raw ceiling: counts the frames of a byte stream by reading only their
 * headers (tag and length), never their payloads, across chunks cut at any byte.
 */
export class HeaderCounter {
  /** Frames seen whole so far. */
  frames = 0;
  /** Bytes received so far. */
  bytes = 0;
  readonly #header = new Uint8Array(HEADER_BYTES);
  #headerFill = 0;
  /** Payload bytes of the current frame still to come. */
  #rest = 0;

  push(chunk: Uint8Array): void {
    const length = chunk.length;
    this.bytes += length;
    let pos = 0;
    while (pos < length) {
      if (this.#rest > 0) {
        const take = Math.min(this.#rest, length - pos);
        this.#rest -= take;
        pos += take;
        if (this.#rest === 0) this.frames++;
        continue;
      }
      if (this.#headerFill === 0 && length - pos >= HEADER_BYTES) {
        this.#rest = payloadLength(chunk, pos);
        pos += HEADER_BYTES;
      } else {
        while (this.#headerFill < HEADER_BYTES && pos < length) {
          this.#header[this.#headerFill++] = chunk[pos++]!;
        }
        if (this.#headerFill < HEADER_BYTES) return;
        this.#headerFill = 0;
        this.#rest = payloadLength(this.#header, 0);
      }
      if (this.#rest === 0) this.frames++;
    }
  }
}

function payloadLength(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at + 1]! | (bytes[at + 2]! << 8) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 24)) >>> 0
  );
}
