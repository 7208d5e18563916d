import { type Message, TalaError } from '@tala-net/types';
import {
  checkedMaxFrameBytes,
  type DecodeOptions,
  type ReadOptions,
  readOptionsOf,
} from './codec-options.js';
import { defaultRegistry } from './default-registry.js';
import { declaredLength, definitionOfTag, unknownTag } from './frame-header.js';
import type { AnyMessageDefinition } from './message-definition.js';
import type { MessageRegistry } from './message-registry.js';
import { readPayload } from './reference-fast-path.js';
import { corrupted, describeInput } from './wire-error.js';
import { HEADER_BYTES } from './wire-layout.js';

/** First buffer size of a frame assembled across chunks; it grows as bytes arrive. */
const INITIAL_FRAME_BYTES = 64 * 1024;
/**
 * How much a frame's buffer grows when it is full: held memory stays within this factor of the
 * bytes received (or {@link INITIAL_FRAME_BYTES}), and a frame is copied into a larger buffer
 * at most log4 of its size over 64 KiB times (a 1 MiB frame: twice, 320 KiB in all).
 */
const GROWTH_FACTOR = 4;

/** A frame whose tag no registered definition owns, skipped by a {@link FrameDecoder}. */
export interface UnknownFrame {
  /** Its tag. */
  readonly tag: number;
  /** Its declared payload length (at most `maxFrameBytes`). */
  readonly length: number;
  /** Stream offset of its first byte. */
  readonly streamOffset: number;
}

/**
 * Options of {@link FrameDecoder}: those of {@link DecodeOptions}, plus what to do with frames of
 * unknown kinds.
 *
 * `maxFrameBytes` (@default 16 MiB) bounds the one buffer the decoder may allocate for a frame
 * split across chunks; `copy` (@default false) copies byte-array fields of frames that lie
 * whole inside one chunk (frames assembled from several chunks live in a buffer of their own
 * that the decoder never reuses, so their fields are views of that buffer either way).
 */
export interface FrameDecoderOptions extends DecodeOptions {
  /**
   * What to do with a frame whose tag no registered definition owns. `skip`: the frame is
   * skipped without being buffered (its header is self-delimiting), counted in
   * {@link FrameDecoder.skippedFrames} and reported to `onUnknownFrame`, so that a newer peer's
   * new message kinds do not break an older node's stream. `reject`: the stream fails with
   * `SegmentCorrupted`, as `decode` does for a single frame. Either way a header declaring more
   * than `maxFrameBytes` fails the stream.
   * @default 'skip'
   */
  readonly unknownTags?: 'skip' | 'reject';
  /**
   * Called for each skipped frame, as soon as its header is seen. An exception thrown here fails
   * the decoder (with the exception as `cause`).
   * @default undefined
   */
  readonly onUnknownFrame?: (frame: UnknownFrame) => void;
  /**
   * Memory for a frame assembled across chunks: returns a plain `Uint8Array` of `length` bytes
   * over memory of its own, never handed out before the decoder has written every byte of it.
   * So it need not be zero-filled: a program whose runtime offers memory that is not zeroed
   * (Node does) may pass an allocator of it, saving a pass over every large frame. An array of
   * another length fails the stream with `InvalidArgument`.
   * @default (length) => new Uint8Array(length)
   */
  readonly allocate?: (length: number) => Uint8Array;
}

const zeroFilled = (length: number): Uint8Array => new Uint8Array(length);

/**
 * Streaming decoder for a byte stream of frames, such as a TCP connection: feed it chunks cut
 * at any byte with {@link FrameDecoder.push}, get back the messages completed by each chunk, in
 * stream order. Every frame is decoded as strictly as {@link decode} does.
 *
 * - **Bounded memory.** At most one incomplete frame is held. A frame split across chunks is
 *   assembled in a buffer that grows with the bytes actually received (never beyond the
 *   frame's declared size), so a forged length costs nothing until the bytes arrive; a header
 *   that declares more than `maxFrameBytes` payload bytes is rejected as soon as its 5 bytes are
 *   seen, before any of the body is received or buffered.
 * - **Unknown kinds are skipped.** A frame whose tag no registered definition owns is skipped
 *   (never buffered), counted and reported (see {@link FrameDecoderOptions.unknownTags}); the
 *   messages around it are returned in order.
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
  /** Frames skipped because no registered definition owns their tag. */
  skippedFrames = 0;
  /** Bytes of those frames, headers included. */
  skippedBytes = 0;
  readonly #readOptions: ReadOptions;
  readonly #registry: MessageRegistry;
  readonly #rejectUnknown: boolean;
  readonly #onUnknownFrame: ((frame: UnknownFrame) => void) | undefined;
  readonly #allocate: (length: number) => Uint8Array;
  /** The definition of the frame held in `#frame`. */
  #definition: AnyMessageDefinition | undefined;
  /** Payload bytes of a skipped frame still to come. */
  #skipRemaining = 0;
  /** The first bytes of a header split across chunks (0 … 4 of them in use). */
  readonly #header = new Uint8Array(HEADER_BYTES);
  #headerFill = 0;
  /**
   * The frame being assembled across chunks. Its buffer grows as bytes arrive, up to the
   * declared size `#frameLength`, so a peer that only sends a header costs no more memory than
   * 64 KiB or a few times the bytes it actually sent.
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
    this.#readOptions = readOptionsOf(options);
    this.maxFrameBytes = checkedMaxFrameBytes(options?.maxFrameBytes);
    this.#registry = options?.registry ?? defaultRegistry;
    const unknownTags = options?.unknownTags ?? 'skip';
    if (unknownTags !== 'skip' && unknownTags !== 'reject') {
      throw new TalaError(
        'InvalidArgument',
        `FrameDecoder: unknownTags must be 'skip' or 'reject', found ${String(unknownTags)}`,
      );
    }
    this.#rejectUnknown = unknownTags === 'reject';
    this.#onUnknownFrame = options?.onUnknownFrame;
    const allocate = options?.allocate ?? zeroFilled;
    if (typeof allocate !== 'function') {
      throw new TalaError(
        'InvalidArgument',
        `FrameDecoder: allocate must be a function, found ${describeInput(allocate)}`,
      );
    }
    this.#allocate = allocate;
  }

  /**
   * Bytes of the incomplete frame currently held (0 between frames). Never more than
   * `5 + maxFrameBytes`.
   */
  get bufferedBytes(): number {
    if (this.#skipRemaining > 0) return 0;
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
      if (this.#headerFill !== 0 || this.#frame !== undefined || this.#skipRemaining !== 0) {
        pos = this.#resume(chunk, messages);
      }
      while (length - pos >= HEADER_BYTES) {
        frameStart = this.#streamOffset + pos;
        const definition = definitionOfTag(this.#registry, chunk[pos]!);
        if (definition === undefined) {
          pos += this.#skip(chunk, pos, frameStart);
          continue;
        }
        const payloadLength = declaredLength(chunk, pos, max, definition);
        const end = pos + HEADER_BYTES + payloadLength;
        if (end > length) {
          this.#pendingStart = frameStart;
          this.#startFrame(definition, payloadLength, chunk.subarray(pos));
          pos = length;
          break;
        }
        messages.push(readPayload(definition, chunk, pos, end, this.#readOptions));
        pos = end;
      }
      if (pos < length && this.#skipRemaining === 0) {
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
    if (this.#skipRemaining !== 0) {
      throw this.#fail(
        corrupted(
          'skipped frame at end of stream',
          0,
          `${this.#skipRemaining} more payload bytes`,
          'the end of the stream',
        ),
        this.#pendingStart,
      );
    }
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

  /**
   * Continues a skipped frame, or completes the held header and/or frame, from the start of
   * `chunk`; returns the bytes used.
   */
  #resume(chunk: Uint8Array, messages: Message[]): number {
    if (this.#skipRemaining !== 0) {
      const take = Math.min(this.#skipRemaining, chunk.length);
      this.#skipRemaining -= take;
      return take;
    }
    let pos = 0;
    if (this.#frame === undefined) {
      const take = Math.min(HEADER_BYTES - this.#headerFill, chunk.length);
      this.#header.set(chunk.subarray(0, take), this.#headerFill);
      this.#headerFill += take;
      pos = take;
      if (this.#headerFill < HEADER_BYTES) return pos;
      this.#headerFill = 0;
      const definition = definitionOfTag(this.#registry, this.#header[0]!);
      if (definition === undefined) {
        const payloadLength = this.#unknownFrame(this.#header, 0, this.#pendingStart);
        const skip = Math.min(payloadLength, chunk.length - pos);
        this.#skipRemaining = payloadLength - skip;
        return pos + skip;
      }
      const payloadLength = declaredLength(this.#header, 0, this.maxFrameBytes, definition);
      this.#startFrame(definition, payloadLength, this.#header);
    }
    const take = Math.min(this.#frameLength - this.#frameFill, chunk.length - pos);
    const frame = this.#reserve(this.#frameFill + take);
    frame.set(chunk.subarray(pos, pos + take), this.#frameFill);
    this.#frameFill += take;
    pos += take;
    if (this.#frameFill === this.#frameLength) {
      const definition = this.#definition!;
      this.#frame = undefined;
      this.#definition = undefined;
      this.#frameFill = 0;
      // The assembled buffer belongs to this decoder and is never reused: views are safe.
      messages.push(readPayload(definition, frame, 0, frame.length, this.#readOptions));
    }
    return pos;
  }

  /**
   * Skips the unknown-tag frame whose header starts at `pos` of `chunk` (all 5 bytes present);
   * returns the bytes of `chunk` it covers, and remembers what is still to come.
   */
  #skip(chunk: Uint8Array, pos: number, frameStart: number): number {
    const payloadLength = this.#unknownFrame(chunk, pos, frameStart);
    const available = chunk.length - pos - HEADER_BYTES;
    if (payloadLength <= available) return HEADER_BYTES + payloadLength;
    this.#pendingStart = frameStart;
    this.#skipRemaining = payloadLength - available;
    return chunk.length - pos;
  }

  /** Checks, counts and reports the unknown-tag header at `at`; returns its payload length. */
  #unknownFrame(bytes: Uint8Array, at: number, streamOffset: number): number {
    const tag = bytes[at]!;
    if (this.#rejectUnknown) throw unknownTag(tag);
    const length = declaredLength(
      bytes,
      at,
      this.maxFrameBytes,
      `unknown tag 0x${tag.toString(16)}`,
    );
    this.skippedFrames++;
    this.skippedBytes += HEADER_BYTES + length;
    this.#onUnknownFrame?.({ tag, length, streamOffset });
    return length;
  }

  /** Starts assembling a frame of `definition` whose header (checked) starts `firstBytes`. */
  #startFrame(
    definition: AnyMessageDefinition,
    payloadLength: number,
    firstBytes: Uint8Array,
  ): void {
    this.#definition = definition;
    this.#frameLength = HEADER_BYTES + payloadLength;
    this.#frame = this.#newBuffer(
      Math.min(this.#frameLength, Math.max(INITIAL_FRAME_BYTES, firstBytes.length)),
    );
    this.#frame.set(firstBytes);
    this.#frameFill = firstBytes.length;
  }

  /**
   * The frame buffer, grown ({@link GROWTH_FACTOR} at a time, capped at the declared size) to
   * hold `needed` bytes.
   */
  #reserve(needed: number): Uint8Array {
    const frame = this.#frame!;
    if (needed <= frame.length) return frame;
    let capacity = frame.length * GROWTH_FACTOR;
    while (capacity < needed) capacity *= GROWTH_FACTOR;
    const grown = this.#newBuffer(Math.min(capacity, this.#frameLength));
    grown.set(frame.subarray(0, this.#frameFill));
    this.#frame = grown;
    return grown;
  }

  /** An array of `length` bytes from the `allocate` option, checked. */
  #newBuffer(length: number): Uint8Array {
    const buffer = this.#allocate(length);
    if (!(buffer instanceof Uint8Array) || buffer.length !== length) {
      throw new TalaError(
        'InvalidArgument',
        `FrameDecoder: allocate(${length}) returned ${describeInput(buffer)}`,
      );
    }
    return buffer;
  }

  #fail(error: unknown, frameStart: number): TalaError {
    this.#frame = undefined;
    this.#definition = undefined;
    this.#skipRemaining = 0;
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
