import { type Message, TalaError } from '@tala-net/types';
import { checkedMaxFrameBytes, type DecodeOptions } from './codec-options.js';
import { decodePayload, readHeader } from './decode-payload.js';
import { corrupted, describeInput } from './wire-error.js';
import { HEADER_BYTES } from './wire-layout.js';

/** First buffer size of a frame assembled across chunks; it doubles as bytes arrive. */
const INITIAL_FRAME_BYTES = 64 * 1024;

/**
 * Options of {@link FrameDecoder}: the same as {@link DecodeOptions}.
 *
 * `maxFrameBytes` (@default 16 MiB) bounds the one buffer the decoder may allocate for a frame
 * split across chunks; `copy` (@default false) copies byte-array fields of frames that lie
 * whole inside one chunk (frames assembled from several chunks live in a buffer of their own
 * that the decoder never reuses, so their fields are views of that buffer either way).
 */
export type FrameDecoderOptions = DecodeOptions;

/**
 * Streaming decoder for a byte stream of frames, such as a TCP connection: feed it chunks cut
 * at any byte with {@link FrameDecoder.push}, get back the messages completed by each chunk, in
 * stream order. Every frame is decoded as strictly as {@link decode} does.
 *
 * - **Bounded memory.** At most one incomplete frame is held. A frame split across chunks is
 *   assembled in a buffer that grows with the bytes actually received (never beyond the
 *   frame's declared size), so a forged length costs nothing until the bytes arrive; a header
 *   that declares more than `maxFrameBytes` payload bytes, or an unknown tag, is rejected as
 *   soon as its 5 bytes are seen, before any of the body is received or buffered.
 * - **Zero-copy.** A frame that lies whole inside one chunk is decoded in place: its
 *   `payload`, `segmentData` and addresses are views into that chunk. Do not overwrite a chunk
 *   after pushing it while messages decoded from it are in use, or pass `{ copy: true }`.
 * - **Failure is final.** When a frame is invalid, `push` throws a `TalaError` (code
 *   `SegmentCorrupted`; its message names the field, the byte offset in the frame and the
 *   frame's offset in the stream). The decoder is then failed: it drops what it buffered, and
 *   every later `push` or `end` throws that same error. Messages that preceded the invalid
 *   frame in the same chunk are not returned. A byte stream cannot be resynchronised after a
 *   bad frame, so close the connection.
 *
 * @example
 * ```ts
 * const decoder = new FrameDecoder();
 * socket.on('data', (chunk) => {
 *   try {
 *     for (const message of decoder.push(chunk)) handle(message);
 *   } catch (error) {
 *     socket.destroy(error as Error); // the stream is corrupt: close it
 *   }
 * });
 * socket.on('end', () => {
 *   try {
 *     decoder.end(); // throws if the stream stopped inside a frame
 *   } catch (error) {
 *     report(error); // a truncated last frame: nothing to decode, nothing to crash
 *   }
 * });
 * ```
 */
export class FrameDecoder {
  /** Largest accepted payload length, from the options. */
  readonly maxFrameBytes: number;
  readonly #copy: boolean;
  /** The first bytes of a header split across chunks (0 … 4 of them in use). */
  readonly #header = new Uint8Array(HEADER_BYTES);
  #headerFill = 0;
  /**
   * The frame being assembled across chunks. Its buffer grows (doubling) as bytes arrive, up to
   * the declared size `#frameLength`, so a peer that only sends a header costs no more memory
   * than the bytes it actually sent.
   */
  #frame: Uint8Array | undefined;
  #frameLength = 0;
  #frameFill = 0;
  /** Stream offset of the first byte of the next chunk. */
  #streamOffset = 0;
  /** Stream offset of the frame held in `#header` or `#frame`. */
  #pendingStart = 0;
  #error: TalaError | undefined;
  #ended = false;

  /** Throws a `TalaError` with code `InvalidArgument` for a `maxFrameBytes` outside 0 … 2^32−1. */
  constructor(options?: FrameDecoderOptions) {
    this.maxFrameBytes = checkedMaxFrameBytes(options?.maxFrameBytes);
    this.#copy = options?.copy === true;
  }

  /**
   * Bytes of the incomplete frame currently held (0 between frames). Never more than
   * `5 + maxFrameBytes`.
   */
  get bufferedBytes(): number {
    return this.#frame === undefined ? this.#headerFill : this.#frameFill;
  }

  /** The error that failed this decoder, or `undefined` while it is usable. */
  get error(): TalaError | undefined {
    return this.#error;
  }

  /**
   * Consumes `chunk` and returns the messages of the frames it completes, in stream order
   * (possibly none). Throws a `TalaError` with code `SegmentCorrupted` on an invalid frame and
   * leaves the decoder failed (see the class description); throws `Closed` after {@link end}.
   */
  push(chunk: Uint8Array): Message[] {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) throw new TalaError('Closed', 'FrameDecoder.push: the stream has ended');
    if (!(chunk instanceof Uint8Array)) {
      throw new TalaError(
        'InvalidArgument',
        `FrameDecoder.push: expected a Uint8Array chunk, found ${describeInput(chunk)}`,
      );
    }
    const messages: Message[] = [];
    const length = chunk.length;
    const max = this.maxFrameBytes;
    let pos = 0;
    let frameStart = this.#pendingStart;
    try {
      if (this.#headerFill !== 0 || this.#frame !== undefined) pos = this.#resume(chunk, messages);
      while (length - pos >= HEADER_BYTES) {
        frameStart = this.#streamOffset + pos;
        const payloadLength = readHeader(chunk, pos, max);
        const end = pos + HEADER_BYTES + payloadLength;
        if (end > length) {
          this.#pendingStart = frameStart;
          this.#startFrame(payloadLength, chunk.subarray(pos));
          pos = length;
          break;
        }
        messages.push(decodePayload(chunk, pos, payloadLength, this.#copy));
        pos = end;
      }
      if (pos < length) {
        this.#pendingStart = this.#streamOffset + pos;
        this.#header.set(chunk.subarray(pos));
        this.#headerFill = length - pos;
      }
    } catch (error) {
      throw this.#fail(error, frameStart);
    }
    this.#streamOffset += length;
    return messages;
  }

  /**
   * Declares the end of the stream. Throws a `TalaError` with code `SegmentCorrupted` (and
   * fails the decoder) when the stream stopped inside a frame. Afterwards `push` throws
   * `Closed`; calling `end` again is harmless.
   */
  end(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) return;
    const held = this.bufferedBytes;
    if (held !== 0) {
      const expected =
        this.#frame === undefined ? `${HEADER_BYTES} header bytes` : `${this.#frameLength} bytes`;
      throw this.#fail(
        corrupted('frame at end of stream', held, expected, `the stream ended after ${held} bytes`),
        this.#pendingStart,
      );
    }
    this.#ended = true;
  }

  /** Completes the held header and/or frame from the start of `chunk`; returns bytes used. */
  #resume(chunk: Uint8Array, messages: Message[]): number {
    let pos = 0;
    if (this.#frame === undefined) {
      const take = Math.min(HEADER_BYTES - this.#headerFill, chunk.length);
      this.#header.set(chunk.subarray(0, take), this.#headerFill);
      this.#headerFill += take;
      pos = take;
      if (this.#headerFill < HEADER_BYTES) return pos;
      const payloadLength = readHeader(this.#header, 0, this.maxFrameBytes);
      this.#headerFill = 0;
      this.#startFrame(payloadLength, this.#header);
    }
    const take = Math.min(this.#frameLength - this.#frameFill, chunk.length - pos);
    const frame = this.#reserve(this.#frameFill + take);
    frame.set(chunk.subarray(pos, pos + take), this.#frameFill);
    this.#frameFill += take;
    pos += take;
    if (this.#frameFill === this.#frameLength) {
      this.#frame = undefined;
      this.#frameFill = 0;
      // The assembled buffer belongs to this decoder and is never reused: views are safe.
      messages.push(decodePayload(frame, 0, frame.length - HEADER_BYTES, false));
    }
    return pos;
  }

  /** Starts assembling a frame whose header (checked) starts `firstBytes`. */
  #startFrame(payloadLength: number, firstBytes: Uint8Array): void {
    this.#frameLength = HEADER_BYTES + payloadLength;
    this.#frame = new Uint8Array(
      Math.min(this.#frameLength, Math.max(INITIAL_FRAME_BYTES, firstBytes.length)),
    );
    this.#frame.set(firstBytes);
    this.#frameFill = firstBytes.length;
  }

  /** The frame buffer, grown (doubling, capped at the declared size) to hold `needed` bytes. */
  #reserve(needed: number): Uint8Array {
    const frame = this.#frame!;
    if (needed <= frame.length) return frame;
    let capacity = frame.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(Math.min(capacity, this.#frameLength));
    grown.set(frame.subarray(0, this.#frameFill));
    this.#frame = grown;
    return grown;
  }

  #fail(error: unknown, frameStart: number): TalaError {
    this.#frame = undefined;
    this.#frameLength = 0;
    this.#frameFill = 0;
    this.#headerFill = 0;
    this.#error =
      error instanceof TalaError
        ? new TalaError(error.code, `${error.message} (frame at stream byte ${frameStart})`, {
            cause: error,
          })
        : new TalaError('SegmentCorrupted', 'FrameDecoder: unexpected failure', { cause: error });
    return this.#error;
  }
}
