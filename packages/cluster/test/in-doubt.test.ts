import { encode } from '@tala-net/codec';
import { Network } from '@tala-net/network';
import { assignPartitions, PartitionTable, partitionForIntent } from '@tala-net/partition';
import { NodeId, type PartitionId, TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import {
  type ClusterNode,
  INTENT_CHANNEL,
  type TableAuthority,
  type TableAuthorityContext,
  type VersionedTable,
} from '../src/index.js';
import { intentId, type SimCluster, simulatedCluster } from './support.js';

const key = (id: Uint8Array): string => Buffer.from(id).toString('hex');

/**
 * An intent id of a partition owned by a node other than the lowest id (the coordinator), its
 * replicas, and the one node that holds nothing of it (the submitter).
 */
function intentOwnedElsewhere(cluster: SimCluster): {
  id: Uint8Array;
  owner: ClusterNode;
  replicas: NodeId[];
  submitter: ClusterNode;
} {
  const table = cluster.live()[0]!.table!.table;
  for (let n = 0; ; n++) {
    const id = intentId(n, 77);
    const assignment = table.assignmentOf(partitionForIntent(id, table.numPartitions!))!;
    const holders = [assignment.owner, ...assignment.replicas];
    const outsider = cluster.live().find((node) => !holders.includes(node.id));
    if (assignment.owner === cluster.live()[0]!.id || outsider === undefined) continue;
    return {
      id,
      owner: cluster.nodes.get(assignment.owner)!,
      replicas: [...assignment.replicas],
      submitter: outsider,
    };
  }
}

/** Intents answered `IntentInDoubt`, summed over the live nodes of `cluster`. */
function intentsInDoubt(cluster: SimCluster): number {
  return cluster.live().reduce((n, node) => n + node.status().stats.intentsInDoubt, 0);
}

async function settledError(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('an intent whose owner stops between accepting and marking it delivered', () => {
  it('is never delivered when the owner crashed before delivering: the submitter gets IntentInDoubt', async () => {
    const cluster = await simulatedCluster(4, { seed: 5, node: { partitions: 16, replicas: 2 } });
    await cluster.run(3_000);
    const { id, owner, replicas, submitter } = intentOwnedElsewhere(cluster);
    // The replicas receive the owner's push (the Accepted record) but their acks never return.
    const cut = cluster.sim.partitionOneWay(replicas, [owner.id]);
    const submission = settledError(
      submitter.submitIntent(id, new Uint8Array([1]), { timeout: 30_000 }),
    );
    await cluster.run(100);
    expect(cluster.deliveries.has(key(id))).toBe(false);
    cluster.crash(owner.id);
    cut.heal();
    await cluster.run(30_000);
    const error = await submission;
    expect(error).toBeInstanceOf(TalaError);
    expect((error as TalaError).code).toBe('IntentInDoubt');
    expect(cluster.deliveries.has(key(id))).toBe(false);
    // A later owner holds the Accepted record, and keeps answering in doubt.
    const again = await cluster.until(settledError(submitter.submitIntent(id, new Uint8Array())));
    expect((again as TalaError).code).toBe('IntentInDoubt');
    expect(cluster.deliveries.has(key(id))).toBe(false);
    expect(intentsInDoubt(cluster)).toBeGreaterThanOrEqual(2);
    await cluster.stopAll();
  });

  it('is not delivered twice when the owner crashed right after delivering', async () => {
    const cluster = await simulatedCluster(4, { seed: 9, node: { partitions: 16, replicas: 2 } });
    await cluster.run(3_000);
    const { id, owner, submitter } = intentOwnedElsewhere(cluster);
    // The owner's process dies as its application handles the intent: neither its answer nor
    // its Delivered record leaves it.
    owner.addEventListener('intent', () => cluster.crash(owner.id));
    const submission = settledError(
      submitter.submitIntent(id, new Uint8Array([2]), { timeout: 30_000 }),
    );
    await cluster.run(30_000);
    expect(cluster.deliveries.get(key(id))).toBe(1);
    expect(((await submission) as TalaError).code).toBe('IntentInDoubt');
    const again = await cluster.until(settledError(submitter.submitIntent(id, new Uint8Array())));
    expect((again as TalaError).code).toBe('IntentInDoubt');
    expect(cluster.deliveries.get(key(id))).toBe(1);
    await cluster.stopAll();
  });

  it('is delivered, and its delivery recorded, by an owner that stops gracefully meanwhile', async () => {
    const cluster = await simulatedCluster(4, { seed: 17, node: { partitions: 16, replicas: 2 } });
    await cluster.run(3_000);
    const { id, owner, replicas, submitter } = intentOwnedElsewhere(cluster);
    // The replicas' acknowledgements are slow: the owner is asked to stop while it waits.
    for (const replica of replicas)
      cluster.sim.setLink(replica, owner.id, { latency: { kind: 'fixed', ms: 300 } });
    const submission = submitter.submitIntent(id, new Uint8Array([6]), { timeout: 30_000 });
    await cluster.run(50);
    expect(cluster.deliveries.has(key(id))).toBe(false);
    const stopped = owner.stop();
    const receipt = await cluster.until(submission);
    expect(receipt).toMatchObject({ owner: owner.id, duplicate: false });
    await cluster.until(stopped);
    cluster.nodes.delete(owner.id);
    await cluster.run(20_000);
    const again = await cluster.until(submitter.submitIntent(id, new Uint8Array([6])));
    expect(again.duplicate).toBe(true);
    expect(again.owner).not.toBe(owner.id);
    expect(cluster.deliveries.get(key(id))).toBe(1);
    expect(intentsInDoubt(cluster)).toBe(0);
    await cluster.stopAll();
  });

  it('is answered as a duplicate by a later owner once its Delivered record was replicated', async () => {
    const cluster = await simulatedCluster(4, { seed: 13, node: { partitions: 16, replicas: 2 } });
    await cluster.run(3_000);
    const { id, owner, submitter } = intentOwnedElsewhere(cluster);
    const first = await cluster.until(submitter.submitIntent(id, new Uint8Array([3])));
    expect(first.duplicate).toBe(false);
    await cluster.run(500);
    cluster.crash(owner.id);
    await cluster.run(20_000);
    const again = await cluster.until(submitter.submitIntent(id, new Uint8Array([3])));
    expect(again.duplicate).toBe(true);
    expect(again.owner).not.toBe(owner.id);
    expect(cluster.deliveries.get(key(id))).toBe(1);
    await cluster.stopAll();
  });
});

/** Tables decided by the test, adopted by every node at once (as an external store would). */
class ScriptedTables {
  readonly #contexts: TableAuthorityContext[] = [];
  readonly #authorities: { table: VersionedTable | undefined }[] = [];
  current: VersionedTable;

  constructor(first: VersionedTable) {
    this.current = first;
  }

  authority(): TableAuthority {
    const tables = this;
    const authority: TableAuthority & { table: VersionedTable | undefined } = {
      table: undefined,
      start(context) {
        tables.#contexts.push(context);
        tables.#authorities.push(authority);
        authority.table = tables.current;
        context.adopt(tables.current);
      },
      stop() {},
      membershipChanged() {},
      receive() {},
      observedEpoch() {},
    };
    return authority;
  }

  /** Every node adopts a table in which `partition` has `owner` and `replicas`. */
  move(partition: PartitionId, owner: NodeId, replicas: NodeId[]): void {
    const previous = this.current;
    const epoch = previous.epoch + 1n;
    const assignments = previous.table.assignments.map((a) =>
      a.partitionId === partition ? { partitionId: partition, owner, replicas } : a,
    );
    this.current = {
      ...previous,
      epoch,
      fresh: new Set(),
      table: new PartitionTable({
        version: epoch,
        assignments,
        numPartitions: previous.table.numPartitions!,
      }),
    };
    this.#authorities.forEach((authority, i) => {
      authority.table = this.current;
      this.#contexts[i]!.adopt(this.current);
    });
  }
}

async function scriptedCluster(
  seed: number,
): Promise<{ cluster: SimCluster; tables: ScriptedTables }> {
  const members = [1, 2, 3, 4].map((n) => NodeId(n));
  const tables = new ScriptedTables({
    epoch: 1n,
    coordinator: NodeId(0),
    members,
    fresh: new Set(Array.from({ length: 8 }, (_, p) => p as PartitionId)),
    table: assignPartitions({
      nodes: members,
      numPartitions: 8,
      replicationFactor: 3,
      version: 1n,
    }),
  });
  const cluster = await simulatedCluster(4, {
    seed,
    node: { partitions: 8, replicas: 2 },
    nodeOptions: () => ({ authority: tables.authority() }),
  });
  await cluster.run(2_000);
  return { cluster, tables };
}

describe('an intent whose owner hands its partition over while it is alive', () => {
  it('is released by the old owner and delivered once by the new one, without doubt', async () => {
    const { cluster, tables } = await scriptedCluster(21);
    const { id, owner, replicas, submitter } = intentOwnedElsewhere(cluster);
    const partition = partitionForIntent(id, 8);
    const cut = cluster.sim.partitionOneWay(replicas, [owner.id]);
    const submission = submitter.submitIntent(id, new Uint8Array([4]), { timeout: 30_000 });
    await cluster.run(100);
    // The replicas hold the Accepted record; the owner has not delivered. The partition moves.
    const [next, ...others] = replicas;
    tables.move(partition, next!, [owner.id, ...others]);
    cut.heal();
    // A peer that does not own the partition cannot take the intent over.
    const transport = cluster.sim.addNode(NodeId(99));
    const intruder = new Network({ transport, clock: cluster.sim.clockFor(NodeId(99)) });
    await intruder.start();
    void transport.dial(owner.address);
    const query = encode({ type: 'IntentOutcomeQuery', partition, id, epoch: 2n });
    const refused = intruder
      .register(INTENT_CHANNEL, { request: () => new Uint8Array() })
      .request(owner.id, query, { timeout: 500 })
      .catch((error: unknown) => error);
    await cluster.run(50);
    expect(await refused).toMatchObject({ code: 'NotLeaderForPartition' });
    const receipt = await cluster.until(submission);
    expect(receipt).toEqual({ partition, owner: next, duplicate: false });
    expect(cluster.deliveries.get(key(id))).toBe(1);
    expect(intentsInDoubt(cluster)).toBe(0);
    // The old owner released it once: asked again, it no longer knows, and the new owner does.
    const again = await cluster.until(submitter.submitIntent(id, new Uint8Array([4])));
    expect(again).toEqual({ partition, owner: next, duplicate: true });
    expect(cluster.deliveries.get(key(id))).toBe(1);
    await cluster.stopAll();
  });

  it('is answered as a duplicate when the old owner delivered it but its Delivered record did not travel', async () => {
    const { cluster, tables } = await scriptedCluster(22);
    const { id, owner, replicas, submitter } = intentOwnedElsewhere(cluster);
    const partition = partitionForIntent(id, 8);
    // As the application handles the intent, the owner's Delivered record stops reaching its replicas.
    let cut: { heal(): void } | undefined;
    owner.addEventListener('intent', () => {
      cut = cluster.sim.partitionOneWay([owner.id], replicas);
    });
    const first = await cluster.until(submitter.submitIntent(id, new Uint8Array([5])));
    expect(first.duplicate).toBe(false);
    const [next, ...others] = replicas;
    const holder = cluster.nodes.get(next!)!;
    expect(Buffer.from(holder.segment(partition)!.bytes).toString('hex')).toContain(`01${key(id)}`);
    expect(Buffer.from(holder.segment(partition)!.bytes).toString('hex')).not.toContain(
      `02${key(id)}`,
    );
    tables.move(partition, next!, [owner.id, ...others]);
    cut!.heal();
    const again = await cluster.until(submitter.submitIntent(id, new Uint8Array([5])));
    expect(again).toEqual({ partition, owner: next, duplicate: true });
    expect(cluster.deliveries.get(key(id))).toBe(1);
    // The new owner recorded the delivery it learnt of.
    expect(Buffer.from(holder.segment(partition)!.bytes).toString('hex')).toContain(`02${key(id)}`);
    await cluster.stopAll();
  });
});
