import type { AddressBook, NodeId } from '@tala-net/types';
import type { MemberUpdate } from './swim-messages.js';

/**
 * Feeds a transport's address book from the addresses members gossip: a member's address that
 * is not empty and decodes as UTF-8 is recorded for its id when the member is learned or
 * updated, and deleted when the member is forgotten (unless the application or a newer
 * update replaced it since, or the member is a dialled seed, whose address healing still
 * needs). What it records is bounded by SWIM's own member limit: forgotten members are removed.
 */
export class MemberAddresses {
  /** Addresses not recorded: not UTF-8, or refused by the book (too long, book full). */
  ignored = 0;
  readonly #book: AddressBook;
  readonly #self: NodeId;
  /** What this feed recorded, per member. */
  readonly #recorded = new Map<NodeId, string>();
  /** Seeds whose address was dialled: never deleted. */
  readonly #kept = new Set<NodeId>();
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(book: AddressBook, self: NodeId) {
    this.#book = book;
    this.#self = self;
  }

  /** `update` (a learned or changed member) is the latest about its member. */
  learned(update: MemberUpdate): void {
    const node = update.node;
    if (node === this.#self || update.address.length === 0) return;
    let address: string;
    try {
      address = this.#decoder.decode(update.address);
    } catch {
      this.ignored++;
      return;
    }
    if (this.#recorded.get(node) === address && this.#book.get(node) === address) return;
    try {
      this.#book.set(node, address);
      this.#recorded.set(node, address);
    } catch {
      this.ignored++;
    }
  }

  /** `node` was forgotten: its address goes, if it is still the one this feed recorded. */
  forgotten(node: NodeId): void {
    const recorded = this.#recorded.get(node);
    if (recorded === undefined) return;
    this.#recorded.delete(node);
    if (!this.#kept.has(node) && this.#book.get(node) === recorded) this.#book.delete(node);
  }

  /** `node` is a seed reached by its address: its entry stays when it is forgotten. */
  keep(node: NodeId): void {
    this.#kept.add(node);
  }
}
