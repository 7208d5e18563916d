import { CapabilityRegistry, uint32Capability } from '@tala-net/capability';
import { NodeId } from '@tala-net/types';
import { afterEach, describe, expect, it } from 'vitest';
import { makePki } from '../../../testing/pki.js';
import { CLUSTER_PROTOCOL_CAPABILITY, ClusterNode, type ClusterNodeOptions } from '../src/index.js';
import { intentId, tablesAgree } from './support.js';

/** Safety net only: the waits below end on events, long before this. */
const EVENT_DEADLINE_MS = 60_000;

const started: ClusterNode[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((node) => node.stop()));
});

async function start(options: ClusterNodeOptions): Promise<ClusterNode> {
  const node = await ClusterNode.start({
    swim: 'local',
    tableDebounceMs: 50,
    tablePullIntervalMs: 300,
    partitions: 16,
    replicas: 1,
    ...options,
  });
  started.push(node);
  return node;
}

/** Resolves once `done()` holds, checking after every table and member event of `nodes`. */
function whenever(nodes: readonly ClusterNode[], done: () => boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const controller = new AbortController();
    const check = (): void => {
      if (!done()) return;
      controller.abort();
      clearTimeout(deadline);
      resolve();
    };
    const deadline = setTimeout(() => {
      controller.abort();
      reject(new Error('condition not reached'));
    }, EVENT_DEADLINE_MS);
    for (const node of nodes) {
      node.addEventListener('table', check, { signal: controller.signal });
      node.addEventListener('member', check, { signal: controller.signal });
    }
    check();
  });
}

const converged = (nodes: readonly ClusterNode[]) => (): boolean =>
  tablesAgree(nodes) && nodes.every((n) => n.table!.members.length === nodes.length);

describe('a cluster over TCP on loopback', () => {
  it('three nodes join by address, converge on one table and route intents', async () => {
    const first = await start({ id: NodeId(1) });
    const others = [
      await start({ id: NodeId(2), seeds: [first.address] }),
      await start({ id: NodeId(3), seeds: [first.address] }),
    ];
    const nodes = [first, ...others];
    await whenever(nodes, converged(nodes));
    const delivered: string[] = [];
    for (const node of nodes) {
      node.addEventListener('intent', (event) =>
        delivered.push(Buffer.from(event.id).toString('hex')),
      );
    }
    const receipts = await Promise.all(
      Array.from({ length: 24 }, (_, n) =>
        nodes[n % 3]!.submitIntent(intentId(n), new Uint8Array([n])),
      ),
    );
    expect(receipts.every((r) => !r.duplicate)).toBe(true);
    expect(new Set(delivered).size).toBe(24);
    expect(delivered.length).toBe(24);
    const table = first.table!.table;
    for (const receipt of receipts) expect(table.ownerOf(receipt.partition)).toBe(receipt.owner);
    expect(first.status().stats.peers['2']?.framesOut).toBeGreaterThan(0);
  });

  it('negotiates the cluster protocol and the application capabilities with each peer', async () => {
    const framing = (values: number[]) =>
      new CapabilityRegistry().register(uint32Capability('app.framing', values));
    const upgraded = await start({ id: NodeId(1), capabilities: framing([1, 2]) });
    const alsoUpgraded = await start({ id: NodeId(2), capabilities: framing([1, 2]) });
    const old = await start({ id: NodeId(3), capabilities: framing([1]) });
    await upgraded.transport.dial(alsoUpgraded.address);
    await upgraded.transport.dial(old.address);
    await alsoUpgraded.transport.dial(old.address);
    expect(upgraded.capabilities.names()).toEqual([
      'app.framing',
      CLUSTER_PROTOCOL_CAPABILITY.name,
    ]);
    expect(upgraded.capabilities.valueFor(NodeId(2), 'app.framing')).toBe(2);
    expect(upgraded.capabilities.valueFor(NodeId(3), 'app.framing')).toBe(1);
    expect(old.capabilities.valueFor(NodeId(1), 'app.framing')).toBe(1);
    expect(alsoUpgraded.capabilities.valueFor(NodeId(1), 'app.framing')).toBe(2);
    expect(upgraded.capabilities.clusterValue('app.framing', [NodeId(2), NodeId(3)])).toBe(1);
    for (const [node, peer] of [
      [upgraded, NodeId(2)],
      [old, NodeId(2)],
    ] as const) {
      expect(node.capabilities.hasNegotiated(peer)).toBe(true);
      expect(node.capabilities.valueFor(peer, CLUSTER_PROTOCOL_CAPABILITY.name)).toBe(1);
    }
  });

  it('refuses a node with another cluster label', async () => {
    const first = await start({ id: NodeId(1), label: 'blue' });
    const stranger = await start({ id: NodeId(9), label: 'green' });
    // What joining through `first` does first: the handshake refuses the other label.
    const error = await stranger.transport.dial(first.address).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/label/i);
    expect(first.membership.member(NodeId(9))).toBeUndefined();
  });

  it('runs a mutual-TLS cluster', async () => {
    const pki = makePki([1n, 2n]);
    const tls = (i: number) => ({ key: pki.nodes[i]!.key, cert: pki.nodes[i]!.cert, ca: pki.ca });
    const first = await start({ id: NodeId(1), tls: tls(0) });
    const second = await start({ id: NodeId(2), tls: tls(1), seeds: [first.address] });
    const nodes = [first, second];
    await whenever(nodes, converged(nodes));
    const receipt = await second.submitIntent(intentId(1), new Uint8Array([1]));
    expect(receipt.duplicate).toBe(false);
  });

  it('serves its status document over HTTP when asked to', async () => {
    const node = await start({ id: NodeId(7), status: '127.0.0.1:0' });
    await whenever([node], () => node.table !== undefined);
    const response = await fetch(`http://${node.statusAddress}/`);
    const document = (await response.json()) as { id: string; table: { partitions: number } };
    expect(document.id).toBe('7');
    expect(document.table.partitions).toBe(16);
    expect((await fetch(`http://${node.statusAddress}/healthz`)).status).toBe(200);
  });
});
