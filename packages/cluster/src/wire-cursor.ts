import {
  corrupted,
  HEADER_BYTES,
  readU16,
  readU32,
  readU64,
  writeU16,
  writeU32,
  writeU64,
} from '@tala-net/codec';

/**
 * Reads the fields of one cluster message payload in order, checking before each read (and
 * before anything is allocated) that the bytes are there; errors name the field and its byte
 * offset in the frame.
 */
export class PayloadReader {
  readonly #bytes: Uint8Array;
  readonly #frameStart: number;
  readonly #end: number;
  readonly #type: string;
  #at: number;

  /** Reads the payload of the frame at `frameStart` (payload up to `end`) of message `type`. */
  constructor(bytes: Uint8Array, frameStart: number, end: number, type: string) {
    this.#bytes = bytes;
    this.#frameStart = frameStart;
    this.#end = end;
    this.#type = type;
    this.#at = frameStart + HEADER_BYTES;
  }

  /** Bytes left in the payload. */
  get remaining(): number {
    return this.#end - this.#at;
  }

  #need(field: string, length: number): number {
    if (this.#end - this.#at < length) {
      throw corrupted(
        `${this.#type}.${field}`,
        this.#at - this.#frameStart,
        `at least ${length} bytes`,
        `${this.#end - this.#at}`,
      );
    }
    const at = this.#at;
    this.#at += length;
    return at;
  }

  /** A u8. */
  u8(field: string): number {
    return this.#bytes[this.#need(field, 1)]!;
  }

  /** A u16. */
  u16(field: string): number {
    return readU16(this.#bytes, this.#need(field, 2));
  }

  /** A u32. */
  u32(field: string): number {
    return readU32(this.#bytes, this.#need(field, 4));
  }

  /** A u64. */
  u64(field: string): bigint {
    return readU64(this.#bytes, this.#need(field, 8));
  }

  /** `length` bytes, copied. */
  bytes(field: string, length: number): Uint8Array {
    const at = this.#need(field, length);
    return this.#bytes.slice(at, at + length);
  }

  /** Every byte left, copied. */
  rest(): Uint8Array {
    return this.bytes('rest', this.remaining);
  }

  /** A u8 that must be 0 or 1. */
  flag(field: string): boolean {
    const at = this.#at;
    const value = this.u8(field);
    if (value > 1)
      throw corrupted(`${this.#type}.${field}`, at - this.#frameStart, '0 or 1', `${value}`);
    return value === 1;
  }

  /**
   * A u32 count of elements of at least `elementBytes` bytes each, checked against the bytes
   * left and against `limit`.
   */
  count(field: string, elementBytes: number, limit: number): number {
    const at = this.#at;
    const count = this.u32(`${field} count`);
    if (count > limit || count * elementBytes > this.remaining) {
      throw corrupted(
        `${this.#type}.${field} count`,
        at - this.#frameStart,
        `at most ${Math.min(limit, Math.floor(this.remaining / elementBytes))} entries`,
        `${count}`,
      );
    }
    return count;
  }

  /** Throws unless every byte was read. */
  finish(): void {
    if (this.#at !== this.#end) {
      throw corrupted(
        `${this.#type} payload end`,
        this.#at - this.#frameStart,
        'no trailing bytes',
        `${this.#end - this.#at}`,
      );
    }
  }
}

/** Writes the fields of one cluster message payload in order. */
export class PayloadWriter {
  readonly #bytes: Uint8Array;
  #at: number;

  /** Writes into `bytes` from offset `at`. */
  constructor(bytes: Uint8Array, at: number) {
    this.#bytes = bytes;
    this.#at = at;
  }

  /** A u8. */
  u8(value: number): this {
    this.#bytes[this.#at++] = value;
    return this;
  }

  /** A u16. */
  u16(value: number): this {
    writeU16(this.#bytes, this.#at, value);
    this.#at += 2;
    return this;
  }

  /** A u32. */
  u32(value: number): this {
    writeU32(this.#bytes, this.#at, value);
    this.#at += 4;
    return this;
  }

  /** A u64. */
  u64(value: bigint): this {
    writeU64(this.#bytes, this.#at, value);
    this.#at += 8;
    return this;
  }

  /** Raw bytes. */
  bytes(value: Uint8Array): this {
    this.#bytes.set(value, this.#at);
    this.#at += value.length;
    return this;
  }
}
