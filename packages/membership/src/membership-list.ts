import { MemberState, type NodeId } from '@tala-net/types';

/**
 * A versioned list of cluster members and their SWIM states, with the Rust reference's
 * semantics: adding (or reviving) a member bumps the version; marking a present member
 * suspect or dead bumps it; marking an unknown member is a no-op. Members keep insertion order.
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
    return this.entries.map(([node, state]) => [node, state]);
  }
  /** Bumped by every change. */
  version = 0n;

  private readonly entries: Array<[NodeId, MemberState]> = [];
  private readonly positions = new Map<NodeId, number>();

  /** Adds `node` as Alive, or sets a present node back to Alive. Always bumps the version. */
  addMember(node: NodeId): void {
    const position = this.positions.get(node);
    if (position === undefined) {
      this.positions.set(node, this.entries.length);
      this.entries.push([node, MemberState.Alive]);
    } else {
      this.entries[position]![1] = MemberState.Alive;
    }
    this.version += 1n;
  }

  /** Marks a present `node` Suspect and bumps the version; no-op for an unknown node. */
  markSuspect(node: NodeId): void {
    this.setState(node, MemberState.Suspect);
  }

  /** Marks a present `node` Dead and bumps the version; no-op for an unknown node. */
  markDead(node: NodeId): void {
    this.setState(node, MemberState.Dead);
  }

  /** The state of `node`, or `undefined` when it is not a member. */
  stateOf(node: NodeId): MemberState | undefined {
    const position = this.positions.get(node);
    return position === undefined ? undefined : this.entries[position]![1];
  }

  /** Members whose state is Alive, in insertion order. */
  aliveMembers(): NodeId[] {
    const alive: NodeId[] = [];
    for (const [node, state] of this.entries) if (state === MemberState.Alive) alive.push(node);
    return alive;
  }

  /**
   * Removes `node` (a member forgotten after its reclaim time) and bumps the version; returns
   * `false` and changes nothing for an unknown node. Later members keep their order.
   */
  removeMember(node: NodeId): boolean {
    const position = this.positions.get(node);
    if (position === undefined) return false;
    this.entries.splice(position, 1);
    this.positions.delete(node);
    for (let i = position; i < this.entries.length; i++) this.positions.set(this.entries[i]![0], i);
    this.version += 1n;
    return true;
  }

  private setState(node: NodeId, state: MemberState): void {
    const position = this.positions.get(node);
    if (position === undefined) return;
    this.entries[position]![1] = state;
    this.version += 1n;
  }
}
