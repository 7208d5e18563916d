/**
 * An in-process tala-net cluster: 5 nodes, 64 partitions (owner + 2 replicas, round-robin).
 * 100,000 random intents enter at random nodes; each is routed to its partition's owner with
 * `partitionForIntent`, and every message crosses the network as codec bytes.
 */
import { decode, encode } from '@tala-net/codec';
import { PartitionTable, partitionForIntent } from '@tala-net/partition';
import { InProcessNetwork, type InProcessTransport } from '@tala-net/transport-inprocess';
import {
  type Message,
  NodeId,
  type PartitionAssignment,
  PartitionId,
  seededRandom,
} from '@tala-net/types';

const NODES = 5;
const PARTITIONS = 64;
const REPLICAS = 2;
const INTENTS = 100_000;
const SEED = 2026;

const started = performance.now();
const random = seededRandom(SEED);
const nodeIds = Array.from({ length: NODES }, (_, i) => NodeId(i + 1));
const network = new InProcessNetwork();
const transports = new Map<NodeId, InProcessTransport>(
  nodeIds.map((id) => [id, network.addNode(id)]),
);

interface NodeStats {
  messagesSent: number;
  bytesSent: number;
  intentsReceived: number;
  intentsOwned: number;
  tableVersion: bigint;
}
const stats = new Map<NodeId, NodeStats>(
  nodeIds.map((id) => [
    id,
    { messagesSent: 0, bytesSent: 0, intentsReceived: 0, intentsOwned: 0, tableVersion: 0n },
  ]),
);

/** Sends `message` as wire bytes: encode, count, decode on the receiving side. */
function sendOverWire(from: NodeId, to: NodeId, message: Message): void {
  const bytes = encode(message);
  const s = stats.get(from)!;
  s.messagesSent++;
  s.bytesSent += bytes.length;
  transports.get(from)!.send(to, decode(bytes));
}

// Node 1 computes a round-robin table (owner p mod 5, replicas the next two nodes) and
// broadcasts it; every node adopts it from the wire.
const assignments: PartitionAssignment[] = Array.from({ length: PARTITIONS }, (_, p) => ({
  partitionId: PartitionId(p),
  owner: nodeIds[p % NODES]!,
  replicas: Array.from({ length: REPLICAS }, (_, r) => nodeIds[(p + r + 1) % NODES]!),
}));
const tableUpdate: Message = { type: 'PartitionTableUpdate', assignments, version: 1n };
const coordinator = nodeIds[0]!;
for (const id of nodeIds) if (id !== coordinator) sendOverWire(coordinator, id, tableUpdate);
const tables = new Map<NodeId, PartitionTable>();
tables.set(coordinator, new PartitionTable({ version: 1n, assignments }));
for (const id of nodeIds) {
  for (let entry = transports.get(id)!.recv(); entry; entry = transports.get(id)!.recv()) {
    const [, message] = entry;
    if (message.type === 'PartitionTableUpdate') {
      tables.set(
        id,
        new PartitionTable({ version: message.version, assignments: message.assignments }),
      );
    }
  }
  stats.get(id)!.tableVersion = tables.get(id)!.version;
}

// Route intents: the entry node forwards each intent to its partition's owner.
const intentId = new Uint8Array(16);
const payload = new Uint8Array(32);
for (let i = 0; i < INTENTS; i++) {
  for (let b = 0; b < 16; b += 4) {
    const word = random.nextInt(0x1_0000_0000);
    intentId[b] = word & 0xff;
    intentId[b + 1] = (word >>> 8) & 0xff;
    intentId[b + 2] = (word >>> 16) & 0xff;
    intentId[b + 3] = word >>> 24;
  }
  const entry = nodeIds[random.nextInt(NODES)]!;
  const partition = partitionForIntent(intentId, PARTITIONS);
  const owner = tables.get(entry)!.ownerOf(partition)!;
  payload.set(intentId);
  if (owner === entry) {
    stats.get(owner)!.intentsOwned++;
  } else {
    sendOverWire(entry, owner, { type: 'IntentForward', partition, payload });
  }
}

// Owners drain their inboxes and check that every forwarded intent is theirs.
let misrouted = 0;
for (const id of nodeIds) {
  const transport = transports.get(id)!;
  for (let entry = transport.recv(); entry; entry = transport.recv()) {
    const [, message] = entry;
    if (message.type !== 'IntentForward') continue;
    const s = stats.get(id)!;
    s.intentsReceived++;
    s.intentsOwned++;
    const expected = partitionForIntent(message.payload.subarray(0, 16), PARTITIONS);
    if (expected !== message.partition || tables.get(id)!.ownerOf(expected) !== id) misrouted++;
  }
}
const elapsed = performance.now() - started;

const rows = nodeIds.map((id) => {
  const s = stats.get(id)!;
  const table = tables.get(id)!;
  const held = table.partitionsFor(id);
  const owned = held.filter((p) => table.ownerOf(p) === id).length;
  return {
    node: String(id),
    partitions: String(owned),
    replicas: String(held.length - owned),
    intents: String(s.intentsOwned),
    forwarded: String(s.intentsReceived),
    sent: String(s.messagesSent),
    bytes: String(s.bytesSent),
    table: `v${s.tableVersion}`,
  };
});
const totals = [...stats.values()].reduce(
  (t, s) => ({
    intents: t.intents + s.intentsOwned,
    sent: t.sent + s.messagesSent,
    bytes: t.bytes + s.bytesSent,
  }),
  { intents: 0, sent: 0, bytes: 0 },
);
rows.push({
  node: 'total',
  partitions: String(PARTITIONS),
  replicas: String(PARTITIONS * REPLICAS),
  intents: String(totals.intents),
  forwarded: String(rows.reduce((n, r) => n + Number(r.forwarded), 0)),
  sent: String(totals.sent),
  bytes: String(totals.bytes),
  table: '',
});

const headers = {
  node: 'node',
  partitions: 'owns',
  replicas: 'replicates',
  intents: 'intents handled',
  forwarded: 'received over wire',
  sent: 'messages sent',
  bytes: 'bytes sent',
  table: 'table',
};
const keys = Object.keys(headers) as (keyof typeof headers)[];
const width = (k: keyof typeof headers) =>
  Math.max(headers[k].length, ...rows.map((r) => r[k].length));
const line = (r: Record<keyof typeof headers, string>) =>
  keys.map((k) => r[k].padStart(width(k))).join('  ');

console.log(
  `tala-net demo: ${NODES} nodes, ${PARTITIONS} partitions (owner + ${REPLICAS} replicas), ${INTENTS.toLocaleString('en-US')} intents, seed ${SEED}\n`,
);
console.log(line(headers));
console.log(keys.map((k) => '-'.repeat(width(k))).join('  '));
for (const row of rows) console.log(line(row));
console.log(
  `\nrouted ${totals.intents.toLocaleString('en-US')} intents (${misrouted} misrouted) in ${elapsed.toFixed(0)} ms — ${Math.round((INTENTS / elapsed) * 1000).toLocaleString('en-US')} intents/s, every message encoded and decoded by @tala-net/codec`,
);
if (misrouted > 0 || totals.intents !== INTENTS) process.exitCode = 1;
