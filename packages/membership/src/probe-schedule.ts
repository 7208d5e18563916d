import type { NodeId, Random } from '@tala-net/types';

/**
 * Randomized round-robin probe order (SWIM §4.3): each round probes every member once, in an
 * order shuffled anew for every round, so every member is probed within `2n − 1` periods.
 * Members joining mid-round are inserted at a random position among those not yet probed.
 * Insertion is O(1) amortized (the first insertion of a round builds the set of the round's
 * members) and removal costs nothing (a departed member's turn is skipped); a new round costs
 * O(n) once per n periods.
 */
export class ProbeSchedule<T = NodeId> {
  #order: T[] = [];
  #index = 0;
  /**
   * The members of the current round, built at its first insertion only: a round without
   * joiners (a stable cluster) costs no set.
   */
  #inRound: Set<unknown> | undefined;
  readonly #random: Random;
  readonly #key: (member: T) => unknown;

  /**
   * `key` gives a member's identity when members are not plain ids (e.g. records: a member
   * inserted again under a new record is still the same member of the round); by default a
   * member is its own identity.
   */
  constructor(random: Random, key: (member: T) => unknown = identity) {
    this.#random = random;
    this.#key = key;
  }

  /**
   * The next member to probe: the next one of the round for which `probeable` holds; when the
   * round is over, a new round is shuffled from `members()`. `undefined` when nobody is
   * probeable.
   */
  next(members: () => T[], probeable: (member: T) => boolean): T | undefined {
    for (let rounds = 0; rounds < 2; ) {
      if (this.#index >= this.#order.length) {
        this.#order = members();
        this.#inRound = undefined;
        shuffle(this.#order, this.#random);
        this.#index = 0;
        rounds++;
        if (this.#order.length === 0) return undefined;
      }
      const node = this.#order[this.#index++]!;
      if (probeable(node)) return node;
    }
    return undefined;
  }

  /**
   * Adds a new member to the current round at a random position among the unprobed ones, in
   * O(1): it is appended, then swapped with a uniformly chosen unprobed member (one step of an
   * inside-out shuffle, so the unprobed rest stays uniformly shuffled). A member already in the
   * round (probed or not) is left where it is, so nobody is probed twice in one round. A member
   * that leaves needs no removal: its turn is skipped when `probeable` says no.
   */
  insert(node: T): void {
    this.#inRound ??= new Set(this.#order.map(this.#key));
    const key = this.#key(node);
    if (this.#inRound.has(key)) return;
    this.#inRound.add(key);
    const order = this.#order;
    order.push(node);
    const last = order.length - 1;
    const position = this.#index + this.#random.nextInt(order.length - this.#index);
    order[last] = order[position]!;
    order[position] = node;
  }
}

function identity(member: unknown): unknown {
  return member;
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const item = items[i]!;
    items[i] = items[j]!;
    items[j] = item;
  }
}
