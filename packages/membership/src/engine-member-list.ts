import { MemberState, type NodeId, TalaError } from '@tala-net/types';
import { MembershipList } from './membership-list.js';
import type { MemberUpdate, MemberUpdateState } from './swim-messages.js';

/** What an {@link EngineMemberList} reads: the engine's own records. */
export interface MemberSource {
  /** The engine's node. */
  readonly self: NodeId;
  /** `true` once the engine's node left (it then shows as Dead). */
  left(): boolean;
  /** The latest update about `node`, another member, if it is known. */
  updateOf(node: NodeId): MemberUpdate | undefined;
  /** Every other member's latest update, in the order the members were added. */
  updates(): Iterable<MemberUpdate>;
  /** Number of other members. */
  count(): number;
}

/**
 * @internal The {@link MembershipList} of a SWIM engine: a view of the engine's own member
 * records rather than a second table of its members (a simulation holds a thousand nodes × a
 * thousand members), read exactly as the list the engine used to keep in step: this node first,
 * then the others in the order they were added; `Left` shows as Dead; the version is bumped by
 * every change the engine makes. Only the engine changes it: its change methods throw.
 */
export class EngineMemberList extends MembershipList {
  readonly #source: MemberSource;
  #versionLow = 0;
  #versionHigh = 0n;

  constructor(source: MemberSource) {
    super();
    this.#source = source;
  }

  override get members(): Array<[NodeId, MemberState]> {
    const members: Array<[NodeId, MemberState]> = [[this.#source.self, this.#selfState()]];
    for (const update of this.#source.updates()) members.push([update.node, shown(update.state)]);
    return members;
  }

  override get version(): bigint {
    return this.#versionHigh + BigInt(this.#versionLow);
  }

  override get size(): number {
    return this.#source.count() + 1;
  }

  override stateOf(node: NodeId): MemberState | undefined {
    if (node === this.#source.self) return this.#selfState();
    const update = this.#source.updateOf(node);
    return update === undefined ? undefined : shown(update.state);
  }

  override aliveMembers(): NodeId[] {
    const alive: NodeId[] = [];
    if (!this.#source.left()) alive.push(this.#source.self);
    for (const update of this.#source.updates()) {
      if (update.state === 'Alive') alive.push(update.node);
    }
    return alive;
  }

  override addMember(_node: NodeId): void {
    readOnly();
  }

  override markSuspect(_node: NodeId): void {
    readOnly();
  }

  override markDead(_node: NodeId): void {
    readOnly();
  }

  override removeMember(_node: NodeId): boolean {
    return readOnly();
  }

  /** The engine changed a member's state (or added or removed one): the version moves on. */
  changed(): void {
    if (++this.#versionLow === Number.MAX_SAFE_INTEGER) {
      this.#versionHigh += BigInt(this.#versionLow);
      this.#versionLow = 0;
    }
  }

  #selfState(): MemberState {
    return this.#source.left() ? MemberState.Dead : MemberState.Alive;
  }
}

function shown(state: MemberUpdateState): MemberState {
  return state === 'Left' ? MemberState.Dead : state;
}

function readOnly(): never {
  throw new TalaError(
    'InvalidArgument',
    "SwimEngine.list: the engine's list changes only with the engine's own state",
  );
}
