import { createHash } from 'node:crypto';
import { TalaError } from '@tala-net/types';
import { INTENT_ID_LENGTH } from './cluster-messages.js';

/** Bytes of one record of a segment: a kind byte and an intent id (see `segment-record.ts`). */
export const RECORD_BYTES = 1 + INTENT_ID_LENGTH;

/**
 * The segment of one partition: the append-only log of what its owners did with the intents
 * of the partition, {@link RECORD_BYTES} bytes per record, addressed by logical byte offsets. It keeps between `keep` and
 * `2·keep` records: the bytes before `start` are dropped by a rule that depends on `end` only,
 * so that every holder that reaches the same `end` holds the same bytes.
 */
export class SegmentLog {
  readonly #blockBytes: bigint;
  #start = 0n;
  #bytes: Uint8Array = new Uint8Array(0);
  #length = 0;

  /** Keeps at least `keep` records (a positive integer). */
  constructor(keep: number) {
    if (!Number.isSafeInteger(keep) || keep < 1) {
      throw new TalaError('InvalidArgument', `SegmentLog: expected a positive keep, found ${keep}`);
    }
    this.#blockBytes = BigInt(keep * RECORD_BYTES);
  }

  /** Logical offset of the first byte held. */
  get start(): bigint {
    return this.#start;
  }

  /** Logical offset after the last byte held. */
  get end(): bigint {
    return this.#start + BigInt(this.#length);
  }

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  /** The bytes held (a view: copy to keep). */
  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  /** The records held, oldest first (views: copy to keep). */
  *records(): Generator<Uint8Array> {
    for (let at = 0; at + RECORD_BYTES <= this.#length; at += RECORD_BYTES) {
      yield this.#bytes.subarray(at, at + RECORD_BYTES);
    }
  }

  /** Appends one record; returns the records dropped from the head (oldest first). */
  append(record: Uint8Array): Uint8Array[] {
    return this.write(this.end, record);
  }

  /**
   * Writes `data` at logical offset `offset` in `[start, end]`: the bytes from `offset` on are
   * replaced by `data` (identical bytes change nothing). Returns the records dropped from the head.
   * Throws `InvalidArgument` for an offset outside `[start, end]` or off a record boundary.
   */
  write(offset: bigint, data: Uint8Array): Uint8Array[] {
    if (
      offset < this.#start ||
      offset > this.end ||
      offset % BigInt(RECORD_BYTES) !== 0n ||
      data.length % RECORD_BYTES !== 0
    ) {
      throw new TalaError(
        'InvalidArgument',
        `SegmentLog.write: expected whole records at an offset in ${this.#start} … ${this.end}, found ${data.length} bytes at ${offset}`,
      );
    }
    const at = Number(offset - this.#start);
    this.#reserve(at + data.length);
    this.#bytes.set(data, at);
    this.#length = at + data.length;
    return this.#trim();
  }

  /** Drops everything and restarts at logical offset `start` with `data`. */
  reset(start: bigint, data: Uint8Array): void {
    if (start < 0n || start % BigInt(RECORD_BYTES) !== 0n || data.length % RECORD_BYTES !== 0) {
      throw new TalaError(
        'InvalidArgument',
        `SegmentLog.reset: expected whole records at a record boundary`,
      );
    }
    this.#start = start;
    this.#bytes = data.slice();
    this.#length = data.length;
  }

  /** Up to `maxBytes` bytes (whole records) from logical offset `offset` (a copy). */
  read(offset: bigint, maxBytes: number): Uint8Array {
    if (offset < this.#start || offset > this.end) return new Uint8Array(0);
    const at = Number(offset - this.#start);
    const length = Math.min(this.#length - at, maxBytes - (maxBytes % RECORD_BYTES));
    return this.#bytes.slice(at, at + length);
  }

  /** SHA-256 of the logical range and the bytes held (hex): equal on byte-identical holders. */
  digest(): string {
    return createHash('sha256')
      .update(`${this.#start}:${this.end}:`)
      .update(this.bytes())
      .digest('hex');
  }

  #reserve(length: number): void {
    if (length <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(length, this.#bytes.length * 2, 4 * RECORD_BYTES));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }

  /** Keeps the records from the block before the one `end` is in (between keep and 2·keep). */
  #trim(): Uint8Array[] {
    const end = this.end;
    const keepFrom = (end / this.#blockBytes - 1n) * this.#blockBytes;
    if (keepFrom <= this.#start) return [];
    const drop = Number(keepFrom - this.#start);
    const dropped: Uint8Array[] = [];
    for (let at = 0; at < drop; at += RECORD_BYTES)
      dropped.push(this.#bytes.slice(at, at + RECORD_BYTES));
    this.#bytes = this.#bytes.slice(drop, this.#length);
    this.#length -= drop;
    this.#start = keepFrom;
    return dropped;
  }
}
