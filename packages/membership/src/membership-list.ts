import { MemberState, type NodeId } from '@tala-net/types';

/**
 * A versioned list of cluster members and their SWIM states, with the Rust reference's
 * semantics: adding (or reviving) a member bumps the version; marking a present member
 * suspect or dead bumps it; marking an unknown member is a no-op. Members keep insertion order
 * (a revived member keeps its place; a removed and re-added one goes last).
 *
 * Every change is O(1): the members live in one insertion-ordered `Map`, so forgetting a member
 * costs the same in a list of ten or of a hundred thousand.
 *
 * @example
 * ```ts
 * const list = new MembershipList();
 * list.addMember(NodeId(1));
 * list.addMember(NodeId(2));
 * list.markSuspect(NodeId(2));
 * list.aliveMembers(); // [1n]
 * list.version; // 3n
 * ```
 */
export class MembershipList {
  /**
   * Members and their states, in insertion order: a fresh array of fresh `[node, state]` pairs
   * on every read (a snapshot; changing it does not change the list — use the methods).
   */
  get members(): Array<[NodeId, MemberState]> {
    return [...this.#states];
  }
  /** Bumped by every change (exact as a u64; read as a `bigint`). */
  get version(): bigint {
    return this.#versionHigh + BigInt(this.#versionLow);
  }

  readonly #states = new Map<NodeId, MemberState>();
  /** The version is `#versionHigh + #versionLow`: bumps add to a number, not a new bigint. */
  #versionLow = 0;
  #versionHigh = 0n;

  /** Number of members, whatever their state. */
  get size(): number {
    return this.#states.size;
  }

  /** Adds `node` as Alive, or sets a present node back to Alive. Always bumps the version. */
  addMember(node: NodeId): void {
    this.#states.set(node, MemberState.Alive);
    this.#bump();
  }

  /** Marks a present `node` Suspect and bumps the version; no-op for an unknown node. */
  markSuspect(node: NodeId): void {
    this.#setState(node, MemberState.Suspect);
  }

  /** Marks a present `node` Dead and bumps the version; no-op for an unknown node. */
  markDead(node: NodeId): void {
    this.#setState(node, MemberState.Dead);
  }

  /** The state of `node`, or `undefined` when it is not a member. */
  stateOf(node: NodeId): MemberState | undefined {
    return this.#states.get(node);
  }

  /** Members whose state is Alive, in insertion order. */
  aliveMembers(): NodeId[] {
    const alive: NodeId[] = [];
    for (const [node, state] of this.#states) if (state === MemberState.Alive) alive.push(node);
    return alive;
  }

  /**
   * Removes `node` (a member forgotten after its reclaim time) and bumps the version; returns
   * `false` and changes nothing for an unknown node. Later members keep their order. O(1).
   */
  removeMember(node: NodeId): boolean {
    if (!this.#states.delete(node)) return false;
    this.#bump();
    return true;
  }

  #setState(node: NodeId, state: MemberState): void {
    if (!this.#states.has(node)) return;
    this.#states.set(node, state);
    this.#bump();
  }

  #bump(): void {
    if (++this.#versionLow === Number.MAX_SAFE_INTEGER) {
      this.#versionHigh += BigInt(this.#versionLow);
      this.#versionLow = 0;
    }
  }
}
