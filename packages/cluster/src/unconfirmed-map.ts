import type { NodeId, PeerId } from '@tala-net/types';

/** One Data frame sent to a peer and not yet acknowledged by it. */
export interface UnconfirmedEntry {
  /** The hop it was sent to (who acknowledges it). */
  readonly peer: PeerId;
  /** The node that first sent the message. */
  readonly sender: NodeId;
  /** The message's sequence number at its sender. */
  readonly seq: bigint;
  /** The application's bytes (a private copy). */
  readonly payload: Uint8Array;
  /** Encoded bytes of the whole frame: what the entry counts against the byte bounds. */
  readonly frameBytes: number;
  /** Times the frame was handed to the transport so far. */
  attempts: number;
  /** When it is sent again (clock milliseconds). */
  dueAt: number;
}

/** The bounds of an {@link UnconfirmedMap}. */
export interface UnconfirmedLimits {
  /** Most entries for one peer. */
  readonly perPeer: number;
  /** Most frame bytes for one peer. */
  readonly perPeerBytes: number;
  /** Most entries in all. */
  readonly total: number;
  /** Most frame bytes in all. */
  readonly totalBytes: number;
}

interface PeerEntries {
  /** By sender, then by sequence number (bigint keys compare by value). */
  readonly bySender: Map<NodeId, Map<bigint, UnconfirmedEntry>>;
  count: number;
  bytes: number;
}

/**
 * The frames sent and not yet acknowledged, by peer, bounded in entries and bytes per peer and
 * in all. A frame that would exceed a bound is refused, never stored: the sender learns it at
 * once, and what is already waiting keeps its place.
 */
export class UnconfirmedMap {
  readonly #limits: UnconfirmedLimits;
  readonly #peers = new Map<PeerId, PeerEntries>();
  #size = 0;
  #bytes = 0;

  constructor(limits: UnconfirmedLimits) {
    this.#limits = limits;
  }

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** Frame bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries held for `peer`. */
  sizeFor(peer: PeerId): number {
    return this.#peers.get(peer)?.count ?? 0;
  }

  /** Frame bytes held for `peer`. */
  bytesFor(peer: PeerId): number {
    return this.#peers.get(peer)?.bytes ?? 0;
  }

  /** `true` when an entry of `frameBytes` for `peer` fits every bound. */
  fits(peer: PeerId, frameBytes: number): boolean {
    const held = this.#peers.get(peer);
    const count = held?.count ?? 0;
    const bytes = held?.bytes ?? 0;
    return (
      count < this.#limits.perPeer &&
      this.#size < this.#limits.total &&
      bytes + frameBytes <= this.#limits.perPeerBytes &&
      this.#bytes + frameBytes <= this.#limits.totalBytes
    );
  }

  /** `true` when the map holds the message `sender`/`seq` for `peer`. */
  has(peer: PeerId, sender: NodeId, seq: bigint): boolean {
    return this.#peers.get(peer)?.bySender.get(sender)?.has(seq) === true;
  }

  /** Stores `entry`, which must fit (see {@link UnconfirmedMap.fits}) and not be held yet. */
  add(entry: UnconfirmedEntry): void {
    let held = this.#peers.get(entry.peer);
    if (held === undefined) {
      held = { bySender: new Map(), count: 0, bytes: 0 };
      this.#peers.set(entry.peer, held);
    }
    let bySeq = held.bySender.get(entry.sender);
    if (bySeq === undefined) {
      bySeq = new Map();
      held.bySender.set(entry.sender, bySeq);
    }
    bySeq.set(entry.seq, entry);
    held.count++;
    held.bytes += entry.frameBytes;
    this.#size++;
    this.#bytes += entry.frameBytes;
  }

  /** Removes and returns the entry of `sender`/`seq` for `peer`, if held. */
  remove(peer: PeerId, sender: NodeId, seq: bigint): UnconfirmedEntry | undefined {
    const held = this.#peers.get(peer);
    const bySeq = held?.bySender.get(sender);
    const entry = bySeq?.get(seq);
    if (held === undefined || bySeq === undefined || entry === undefined) return undefined;
    bySeq.delete(seq);
    if (bySeq.size === 0) held.bySender.delete(sender);
    held.count--;
    held.bytes -= entry.frameBytes;
    if (held.count === 0) this.#peers.delete(peer);
    this.#size--;
    this.#bytes -= entry.frameBytes;
    return entry;
  }

  /** Every entry, peer by peer and sender by sender, oldest first within a sender. */
  *entries(): IterableIterator<UnconfirmedEntry> {
    for (const held of this.#peers.values()) {
      for (const bySeq of held.bySender.values()) yield* bySeq.values();
    }
  }

  /** The earliest `dueAt` of all entries, or `undefined` when empty. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const entry of this.entries()) {
      if (next === undefined || entry.dueAt < next) next = entry.dueAt;
    }
    return next;
  }

  /** Removes every entry. */
  clear(): void {
    this.#peers.clear();
    this.#size = 0;
    this.#bytes = 0;
  }
}
