import { type NodeLine, type TableLine, tableKey } from './node-protocol.js';

/** One delivery of an intent, as its node reported it. */
interface Delivery {
  readonly node: string;
  readonly partition: number;
  readonly table: string;
}

/** When a node adopted a table. */
interface Adoption {
  readonly node: string;
  readonly table: TableLine;
  readonly at: number;
}

/** What the ledger concludes about the intents. */
export interface IntentAudit {
  /** Acknowledged intents delivered exactly once. */
  readonly deliveredOnce: number;
  /** Acknowledged intents delivered more than once. */
  readonly duplicated: number;
  /** Acknowledged intents that no node reported delivering. */
  readonly lost: number;
  /**
   * Submitted intents answered `IntentInDoubt`: an owner accepted them and was killed before
   * its replicas learnt whether it delivered them.
   */
  readonly inDoubt: number;
  /** Of those, the ones a node reported delivering (once). */
  readonly inDoubtDelivered: number;
  /** Intents (acknowledged or in doubt) that nodes reported delivering more than once. */
  readonly deliveredTwice: number;
  /** Deliveries by a node that is not the partition's owner in the table it routed by. */
  readonly misroutes: number;
  /** Deliveries that name a table no node reported adopting. */
  readonly unknownTable: number;
}

/**
 * Everything the nodes of a demo reported, with when: deliveries of intents, tables adopted,
 * membership changes. The demo's summary is computed from it, so that every number it prints
 * comes from what the processes said, not from what the demo expected.
 */
export class DemoLedger {
  readonly #deliveries = new Map<string, Delivery[]>();
  readonly #tables = new Map<string, TableLine>();
  readonly #adoptions: Adoption[] = [];
  readonly #members: { node: string; change: string; about: string; at: number }[] = [];
  readonly #acked = new Set<string>();
  readonly #inDoubt = new Set<string>();

  /** Records one line reported by node `node` (its id) at time `at`. */
  record(node: string, line: NodeLine, at: number): void {
    switch (line.type) {
      case 'delivered': {
        const list = this.#deliveries.get(line.intent) ?? [];
        list.push({ node, partition: line.partition, table: line.table });
        this.#deliveries.set(line.intent, list);
        return;
      }
      case 'table':
        this.#tables.set(tableKey(line.epoch, line.coordinator), line);
        this.#adoptions.push({ node, table: line, at });
        return;
      case 'member':
        this.#members.push({ node, change: line.change, about: line.node, at });
        return;
      case 'acked':
        this.#acked.add(line.intent);
        return;
      case 'failed':
        if (line.code === 'IntentInDoubt') this.#inDoubt.add(line.intent);
        return;
      default:
    }
  }

  /** Acknowledged intents. */
  get acknowledged(): number {
    return this.#acked.size;
  }

  /** The first time each of `observers` reported `change` about node `about` after `since`. */
  memberChangeTimes(
    about: string,
    changes: readonly string[],
    observers: readonly string[],
    since: number,
  ): Map<string, number> {
    const times = new Map<string, number>();
    for (const event of this.#members) {
      if (event.about !== about || event.at < since || !changes.includes(event.change)) continue;
      if (observers.includes(event.node) && !times.has(event.node)) times.set(event.node, event.at);
    }
    return times;
  }

  /**
   * The first time each of `observers` adopted, after `since`, a table whose holders are exactly
   * `members`.
   */
  tableAdoptionTimes(
    members: readonly string[],
    observers: readonly string[],
    since: number,
  ): Map<string, number> {
    const wanted = [...members].sort().join(',');
    const times = new Map<string, number>();
    for (const adoption of this.#adoptions) {
      if (adoption.at < since || !observers.includes(adoption.node) || times.has(adoption.node)) {
        continue;
      }
      if (holdersOf(adoption.table).join(',') === wanted) times.set(adoption.node, adoption.at);
    }
    return times;
  }

  /** The latest table node `node` adopted. */
  latestTable(node: string): TableLine | undefined {
    for (let index = this.#adoptions.length - 1; index >= 0; index--) {
      const adoption = this.#adoptions[index]!;
      if (adoption.node === node) return adoption.table;
    }
    return undefined;
  }

  /** Checks every acknowledged intent's deliveries, and every delivery's owner. */
  audit(): IntentAudit {
    let deliveredOnce = 0;
    let duplicated = 0;
    let lost = 0;
    for (const intent of this.#acked) {
      const count = this.#deliveries.get(intent)?.length ?? 0;
      if (count === 1) deliveredOnce++;
      else if (count === 0) lost++;
      else duplicated++;
    }
    let inDoubtDelivered = 0;
    for (const intent of this.#inDoubt)
      if ((this.#deliveries.get(intent)?.length ?? 0) > 0) inDoubtDelivered++;
    let deliveredTwice = 0;
    for (const list of this.#deliveries.values()) if (list.length > 1) deliveredTwice++;
    let misroutes = 0;
    let unknownTable = 0;
    for (const list of this.#deliveries.values()) {
      for (const delivery of list) {
        const table = this.#tables.get(delivery.table);
        if (table === undefined) unknownTable++;
        else if (table.holders[delivery.partition]?.[0] !== delivery.node) misroutes++;
      }
    }
    return {
      deliveredOnce,
      duplicated,
      lost,
      inDoubt: this.#inDoubt.size,
      inDoubtDelivered,
      deliveredTwice,
      misroutes,
      unknownTable,
    };
  }
}

/** The ids that hold a partition in `table`, sorted, without repeats. */
export function holdersOf(table: TableLine): string[] {
  return [...new Set(table.holders.flat())].sort();
}

/** Partitions whose owner differs between two tables. */
export function ownersMoved(before: TableLine, after: TableLine): number {
  let moved = 0;
  const count = Math.max(before.holders.length, after.holders.length);
  for (let partition = 0; partition < count; partition++) {
    if (before.holders[partition]?.[0] !== after.holders[partition]?.[0]) moved++;
  }
  return moved;
}

/** Partitions whose set of holders (owner and replicas) differs between two tables. */
export function holderSetsChanged(before: TableLine, after: TableLine): number {
  let changed = 0;
  const count = Math.max(before.holders.length, after.holders.length);
  for (let partition = 0; partition < count; partition++) {
    const a = [...(before.holders[partition] ?? [])].sort().join(',');
    const b = [...(after.holders[partition] ?? [])].sort().join(',');
    if (a !== b) changed++;
  }
  return changed;
}
