import type { NodeId } from './node-id.js';
import { TalaError } from './tala-error.js';

/** Options of an {@link AddressBook}. */
export interface AddressBookOptions {
  /**
   * Most entries the book holds; `set` of a new id beyond it throws `InvalidArgument`, so that
   * what peers gossip cannot make a node store addresses without bound.
   * @default 65_536
   */
  readonly maxEntries?: number;
  /**
   * Longest address accepted, in UTF-16 code units.
   * @default 512
   */
  readonly maxAddressLength?: number;
}

/**
 * Where each known peer can be reached: `NodeId` → address (for TCP the text `host:port`). A
 * transport dials the address it finds here when it has something to send to a peer it is not
 * connected to; membership feeds it from the addresses members gossip, and the application may
 * set entries too.
 *
 * @example
 * ```ts
 * const book = new AddressBook();
 * book.set(NodeId(2), '127.0.0.1:7946');
 * book.get(NodeId(2)); // '127.0.0.1:7946'
 * ```
 */
export class AddressBook {
  readonly #entries = new Map<NodeId, string>();
  readonly #maxEntries: number;
  readonly #maxAddressLength: number;

  constructor(options: AddressBookOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 65_536;
    this.#maxAddressLength = options.maxAddressLength ?? 512;
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** The address of `id`, or `undefined` when it is not known. */
  get(id: NodeId): string | undefined {
    return this.#entries.get(id);
  }

  /** `true` when `id` has an address. */
  has(id: NodeId): boolean {
    return this.#entries.has(id);
  }

  /**
   * Records (or replaces) the address of `id`. Throws a `TalaError` (`InvalidArgument`) for an
   * id that is not a `NodeId`, an empty or too long address, or a new id when the book is full.
   */
  set(id: NodeId, address: string): void {
    if (typeof id !== 'bigint' || id < 0n || id > 0xffff_ffff_ffff_ffffn) {
      throw new TalaError('InvalidArgument', `AddressBook: ${String(id)} is not a NodeId`);
    }
    if (typeof address !== 'string' || address.length === 0) {
      throw new TalaError('InvalidArgument', 'AddressBook: an address must be a non-empty string');
    }
    if (address.length > this.#maxAddressLength) {
      throw new TalaError(
        'InvalidArgument',
        `AddressBook: an address of ${address.length} characters is longer than ${this.#maxAddressLength}`,
      );
    }
    if (!this.#entries.has(id) && this.#entries.size >= this.#maxEntries) {
      throw new TalaError('InvalidArgument', `AddressBook: full (${this.#maxEntries} entries)`);
    }
    this.#entries.set(id, address);
  }

  /** Forgets `id`; returns `true` when it had an address. */
  delete(id: NodeId): boolean {
    return this.#entries.delete(id);
  }

  /** The entries, in insertion order. */
  entries(): IterableIterator<[NodeId, string]> {
    return this.#entries.entries();
  }
}
