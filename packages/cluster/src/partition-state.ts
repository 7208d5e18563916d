import type { NodeId, PartitionId } from '@tala-net/types';
import type { SegmentAck } from './cluster-messages.js';
import type { IntentReceipt } from './intent-receipt.js';
import { RECORD_BYTES, SegmentLog } from './segment-log.js';
import { RecordKind, recordId, recordKind, segmentRecord } from './segment-record.js';

/** The hex key of an intent id. */
export function intentKey(id: Uint8Array): string {
  let key = '';
  for (const byte of id) key += byte.toString(16).padStart(2, '0');
  return key;
}

/**
 * What a node keeps of one partition it holds (or held until the current table): the segment,
 * the dedup index of the ids in it (bounded by the segment's count and by `windowMs`) with the
 * ids accepted and not known as delivered, and, as owner, the intents being replicated and what
 * each replica acknowledged.
 */
export class PartitionState {
  readonly partition: PartitionId;
  readonly log: SegmentLog;
  /** `true` when the segment is a complete copy (the owner's, or one that was caught up). */
  synced = false;
  /** The table epoch of the owner that last made the segment complete here (push or fetch). */
  syncedEpoch = 0n;
  /** `holder` in the current table, `former` when it held the partition in the previous one. */
  role: 'holder' | 'former' = 'holder';
  /** Intents recorded and being replicated, by key. */
  readonly pending = new Map<string, Promise<IntentReceipt>>();
  /**
   * Ids this node accepted as owner and has not delivered (replication failed so far), by key:
   * unlike other open ids, this node knows that nobody delivered them.
   */
  readonly undelivered = new Set<string>();
  /**
   * Ids this node accepted as owner and gave up undelivered when it lost the partition, by key:
   * it never delivers them as a non-owner, and hands each over once to the owner that asks.
   */
  readonly released = new Set<string>();
  /** Owner side: the owner of the partition in the table before this node became its owner. */
  previousOwner: NodeId | undefined;
  /** Owner side: the last acknowledgement of each replica. */
  readonly acks = new Map<NodeId, SegmentAck>();
  /** Owner side: the replication round in progress (rounds run one after the other). */
  round: Promise<void> | undefined;
  /** New owner: the fetch of the segment in progress. */
  fetching: Promise<void> | undefined;
  readonly #windowMs: number;
  /** Id key → when it was indexed; insertion order is time order. */
  readonly #index = new Map<string, number>();
  /** Keys of the indexed ids with an `Accepted` record and no `Delivered` one. */
  readonly #open = new Set<string>();

  /** Keeps the records of at least `window` intents (two records each) for `windowMs`. */
  constructor(partition: PartitionId, window: number, windowMs: number) {
    this.partition = partition;
    this.log = new SegmentLog(2 * window);
    this.#windowMs = windowMs;
  }

  /** `true` when `key` is in the dedup window at `now`. */
  contains(key: string, now: number): boolean {
    this.#sweep(now);
    return this.#index.has(key);
  }

  /** `true` when `key` was accepted and is not known as delivered (see `RecordKind`). */
  isOpen(key: string): boolean {
    return this.#open.has(key);
  }

  /** Appends the `Accepted` record of `id` to the segment and indexes it. */
  accept(id: Uint8Array, key: string, now: number): void {
    this.#append(segmentRecord(RecordKind.Accepted, id), key, now);
  }

  /** Appends the `Delivered` record of `id` to the segment. */
  markDelivered(id: Uint8Array, key: string, now: number): void {
    this.#append(segmentRecord(RecordKind.Delivered, id), key, now);
  }

  /** Writes replicated bytes at `offset` (see `SegmentLog.write`) and re-indexes. */
  write(offset: bigint, data: Uint8Array, now: number): void {
    const truncates = offset < this.log.end;
    this.#forget(this.log.write(offset, data));
    if (truncates) this.#reindex(now);
    else
      for (let at = 0; at < data.length; at += RECORD_BYTES)
        this.#indexRecord(data.subarray(at, at + RECORD_BYTES), now);
  }

  /** Replaces the segment with `data` at logical offset `start` and re-indexes. */
  reset(start: bigint, data: Uint8Array, now: number): void {
    this.log.reset(start, data);
    this.#reindex(now);
  }

  /** Forgets the intents in progress (the node no longer owns the partition). */
  abandon(): void {
    for (const key of this.undelivered) this.released.add(key);
    this.undelivered.clear();
    this.acks.clear();
  }

  #append(record: Uint8Array, key: string, now: number): void {
    this.#forget(this.log.append(record));
    this.#indexKey(recordKind(record), key, now);
  }

  #reindex(now: number): void {
    this.#index.clear();
    this.#open.clear();
    for (const record of this.log.records()) this.#indexRecord(record, now);
  }

  #indexRecord(record: Uint8Array, now: number): void {
    this.#indexKey(recordKind(record), intentKey(recordId(record)), now);
  }

  #indexKey(kind: RecordKind, key: string, now: number): void {
    if (!this.#index.has(key)) this.#index.set(key, now);
    if (kind === RecordKind.Accepted) this.#open.add(key);
    else this.#open.delete(key);
  }

  /** Unindexes the ids of dropped records (an accepted id stays while its delivery is held). */
  #forget(dropped: readonly Uint8Array[]): void {
    for (const record of dropped) {
      const key = intentKey(recordId(record));
      if (recordKind(record) === RecordKind.Accepted && !this.#open.has(key)) continue;
      this.#index.delete(key);
      this.#open.delete(key);
      this.undelivered.delete(key);
      this.released.delete(key);
    }
  }

  #sweep(now: number): void {
    for (const [key, at] of this.#index) {
      if (at + this.#windowMs > now) return;
      this.#index.delete(key);
      this.#open.delete(key);
      this.released.delete(key);
    }
  }
}
