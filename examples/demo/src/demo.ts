/**
 * An in-process tala-net cluster: 5 nodes, 64 partitions (owner + 2 replicas, round-robin).
 * Node 1 publishes the partition table and every node adopts it from the wire; then 100,000
 * random intents enter at random nodes, and each is routed to its partition's owner with
 * `partitionForIntent`. Every message crosses a simulated network (1 ms links) as bytes encoded
 * and decoded by @tala-net/codec.
 */
import { decode, encode } from '@tala-net/codec';
import { PartitionTable } from '@tala-net/partition';
import { simulateCluster } from '@tala-net/transport-inprocess';
import {
  randomIntent,
  roundRobinAssignments,
  TalaNode,
} from '@tala-net/transport-inprocess/testing';

const NODES = 5;
const PARTITIONS = 64;
const REPLICAS = 2;
const INTENTS = 100_000;
const SEED = 2026;

const started = performance.now();
const { sim, ids } = simulateCluster({ nodes: NODES, seed: SEED, wire: { encode, decode } });
const table = (version: bigint, replicas: number) =>
  new PartitionTable({
    version,
    assignments: roundRobinAssignments(ids, PARTITIONS, replicas),
    numPartitions: PARTITIONS,
  });

// Every node boots with an owner-only table (v1); node 1 publishes v2 with replicas.
const nodes = ids.map((id) => new TalaNode(sim, id, table(1n, 0)));
const coordinator = nodes[0]!;
coordinator.table = table(2n, REPLICAS);
coordinator.broadcastTable();
sim.runUntilIdle();

// Intents enter at random nodes, 1,000 per simulated millisecond; an entry node forwards each
// to its partition's owner.
sim.runRounds(INTENTS / 1_000, 1, () => {
  for (let i = 0; i < 1_000; i++)
    nodes[sim.random.nextInt(NODES)]!.submit(randomIntent(sim.random));
});
sim.runUntilIdle();
const elapsed = performance.now() - started;

const rows = nodes.map((node) => {
  const held = node.table.partitionsFor(node.id);
  const owned = held.filter((p) => node.table.ownerOf(p) === node.id).length;
  return {
    node: String(node.id),
    partitions: String(owned),
    replicas: String(held.length - owned),
    intents: String(node.accepted.size),
    forwarded: String(node.forwardedIntents),
    table: `v${node.table.version}`,
  };
});
const accepted = nodes.reduce((sum, node) => sum + node.accepted.size, 0);
const faults = nodes.reduce(
  (sum, node) => sum + node.misrouted + node.duplicateIntents + node.handlerErrors,
  0,
);
rows.push({
  node: 'total',
  partitions: String(PARTITIONS),
  replicas: String(PARTITIONS * REPLICAS),
  intents: String(accepted),
  forwarded: String(rows.reduce((n, r) => n + Number(r.forwarded), 0)),
  table: '',
});

const headers = {
  node: 'node',
  partitions: 'owns',
  replicas: 'replicates',
  intents: 'intents handled',
  forwarded: 'received over wire',
  table: 'table',
};
const keys = Object.keys(headers) as (keyof typeof headers)[];
const width = (k: keyof typeof headers) =>
  Math.max(headers[k].length, ...rows.map((r) => r[k].length));
const line = (r: Record<keyof typeof headers, string>) =>
  keys.map((k) => r[k].padStart(width(k))).join('  ');

const { sent, delivered, dropped, bytes } = sim.stats;
console.log(
  `tala-net demo: ${NODES} nodes, ${PARTITIONS} partitions (owner + ${REPLICAS} replicas), ${INTENTS.toLocaleString('en-US')} intents, seed ${SEED}\n`,
);
console.log(line(headers));
console.log(keys.map((k) => '-'.repeat(width(k))).join('  '));
for (const row of rows) console.log(line(row));
console.log(
  `\nnetwork: ${sent.toLocaleString('en-US')} messages sent, ${delivered.toLocaleString('en-US')} delivered, ${dropped.total} dropped, ${bytes.toLocaleString('en-US')} bytes on the wire`,
);
console.log(
  `routed ${accepted.toLocaleString('en-US')} intents (${faults} misrouted, duplicated or failed) in ${elapsed.toFixed(0)} ms — ${Math.round((INTENTS / elapsed) * 1000).toLocaleString('en-US')} intents/s, every message encoded and decoded by @tala-net/codec`,
);
if (faults > 0 || accepted !== INTENTS || dropped.total > 0 || sim.wireErrors.length > 0) {
  process.exitCode = 1;
}
