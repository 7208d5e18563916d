import type { NodeId } from '@tala-net/types';

/** Heals one cut made by `SimulatedNetwork.partition` or `partitionOneWay`. */
export interface PartitionHandle {
  /** Removes this cut only (other cuts stay). Idempotent; a no-op after a global `heal()`. */
  heal(): void;
}

interface CutRule {
  readonly from: ReadonlySet<NodeId>;
  readonly to: ReadonlySet<NodeId>;
}

/** The directed cuts of a simulated network: which links a partition currently blocks. */
export class NetworkCuts {
  private rules: CutRule[] = [];

  /** `true` while at least one cut is in place (lets the hot path skip {@link blocks}). */
  get any(): boolean {
    return this.rules.length > 0;
  }

  /**
   * Cuts every link from a node of `from` to a node of `to` and returns the handle that removes
   * this cut; `onHeal` runs when that handle removes it.
   */
  add(
    pairs: readonly (readonly [from: readonly NodeId[], to: readonly NodeId[]])[],
    onHeal: () => void,
  ): PartitionHandle {
    const rules: CutRule[] = pairs.map(([from, to]) => ({ from: new Set(from), to: new Set(to) }));
    this.rules.push(...rules);
    return {
      heal: () => {
        const before = this.rules.length;
        this.rules = this.rules.filter((rule) => !rules.includes(rule));
        if (this.rules.length !== before) onHeal();
      },
    };
  }

  /** Removes every cut. */
  clear(): void {
    this.rules = [];
  }

  /** `true` when a cut blocks the link from `from` to `to`. */
  blocks(from: NodeId, to: NodeId): boolean {
    for (const rule of this.rules) {
      if (rule.from.has(from) && rule.to.has(to)) return true;
    }
    return false;
  }
}
