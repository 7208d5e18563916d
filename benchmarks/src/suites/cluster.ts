import { loadavg } from 'node:os';
import { ClusterNode, type ClusterStatus } from '@tala-net/cluster';
import { NodeId } from '@tala-net/types';
import { cpuMsOf, type IdleUsage, idleUsage, spawnBareNode } from '../cluster/idle-usage.js';
import { driveLoad, EchoOwners, type LoadRun, planIntents } from '../cluster/intent-load.js';
import { NodeProcesses, sleep } from '../cluster/node-processes.js';
import { oneTableHeldBy, POLL_MS, tableView, waitForTable } from '../cluster/table-views.js';
import type { Suite } from '../suite.js';

/*
 * A 5-process `tala-net node` cluster on loopback, side by side in one run:
 *
 * 1. intents per second, acknowledged, 64 in flight, through a `ClusterNode` in this process that
 *    joins the cluster as a sixth member and calls `submitIntent` (only ids owned by one of the
 *    five processes: every intent crosses the network to its owner, which records it, replicates
 *    it to its replicas and delivers it before it answers), against the same intents sent as
 *    `IntentSubmit` frames over a bare `TcpTransport` to one echo process per owner (the
 *    ceiling), rounds alternated; then the same in a second cluster started with `--replicas 0`,
 *    to show what replication costs;
 * 2. time from the SIGKILL of one process to one table without it in every survivor's status
 *    document (and to its death in every survivor's member list), over several kills;
 * 3. CPU and RSS of each node process idle in the converged 5-node cluster, next to a bare
 *    `node` process, from `/proc`.
 *
 * Every process started here is killed when the suite ends or fails, and when this process
 * exits or is interrupted.
 */
const NODES = 5;
const PARTITIONS = 64;
const REPLICAS = 2;
const LABEL = 'bench';
const IN_FLIGHT = 64;
const PAYLOAD = new Uint8Array(16).fill(0xab);
const INTENTS_PER_RUN = Number(process.env.CLUSTER_BENCH_INTENTS ?? 3_000);
const ROUNDS = 5;
const IDLE_SETTLE_MS = 2_000;
const IDLE_WINDOW_MS = 8_000;
/** The nodes killed, one per run, by index (index 0, id 1, is the coordinator). */
const KILLED = [4, 0, 2, 3];
const CONVERGE_TIMEOUT_MS = 60_000;
/** Id of the submitting member in this process: above the processes' ids, never coordinator. */
const SUBMITTER_ID = NodeId(NODES + 1);

interface KillRun {
  readonly killedId: string;
  /** From the SIGKILL to the first poll that saw it suspect or dead on any survivor. */
  readonly suspectedMs: number;
  /** From the SIGKILL to the first poll that saw it dead in every survivor's member list. */
  readonly deadEverywhereMs: number;
  /** From the SIGKILL to the first poll that saw one table without it on every survivor. */
  readonly rebalancedMs: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
};
const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ids = (count: number): Set<string> =>
  new Set(Array.from({ length: count }, (_, i) => String(i + 1)));
const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

/** Starts node 1, then the others joining through it, and waits for one table of all five. */
async function startCluster(processes: NodeProcesses): Promise<void> {
  await processes.start(0, []);
  await Promise.all(range(NODES - 1).map((i) => processes.start(i + 1, [0])));
  await waitForTable(processes, range(NODES), ids(NODES), CONVERGE_TIMEOUT_MS);
}

/** Joins a submitting member and waits until it and every process route by one table of six. */
async function joinSubmitter(processes: NodeProcesses, replicas: number): Promise<ClusterNode> {
  const submitter = await ClusterNode.start({
    id: SUBMITTER_ID,
    listen: '127.0.0.1:0',
    seeds: [processes.nodes[0]!.listen],
    label: LABEL,
    partitions: PARTITIONS,
    replicas,
    swim: 'local',
  });
  try {
    await waitForTable(processes, range(NODES), ids(NODES + 1), CONVERGE_TIMEOUT_MS);
    const deadline = performance.now() + CONVERGE_TIMEOUT_MS;
    for (;;) {
      const key = tableView(await processes.status(0))?.key;
      const own = submitter.table;
      if (own !== undefined && key === `${own.epoch}/${own.coordinator}`) return submitter;
      if (performance.now() > deadline) throw new Error('the submitter did not adopt the table');
      await sleep(POLL_MS);
    }
  } catch (error) {
    await submitter.stop();
    throw error;
  }
}

interface LoadRounds {
  readonly cluster: LoadRun[];
  readonly ceiling: LoadRun[];
}

/**
 * Joins a submitter to the cluster of `processes` (whose partitions have `replicas` replicas)
 * and runs the warm-up round and {@link ROUNDS} rounds, each a cluster run and a ceiling run on
 * the same fresh ids.
 */
async function measureLoad(processes: NodeProcesses, replicas: number): Promise<LoadRounds> {
  const submitter = await joinSubmitter(processes, replicas);
  let echo: EchoOwners | undefined;
  try {
    echo = await EchoOwners.start(range(NODES).map((i) => NodeId(i + 1)));
    const rounds: LoadRounds = { cluster: [], ceiling: [] };
    const nodePids = processes.nodes.map((node) => node.child!.pid!);
    const echoPids = echo.pids;
    for (let round = 0; round <= ROUNDS; round++) {
      const intents = planIntents(submitter.table!, INTENTS_PER_RUN, SUBMITTER_ID);
      const cluster = await driveLoad(
        intents,
        IN_FLIGHT,
        (intent) => submitter.submitIntent(intent.id, PAYLOAD),
        () => cpuMsOf(nodePids),
      );
      const ceiling = await driveLoad(
        intents,
        IN_FLIGHT,
        (intent) => echo!.submit(intent, PAYLOAD),
        () => cpuMsOf(echoPids),
      );
      if (round === 0) continue;
      rounds.cluster.push(cluster);
      rounds.ceiling.push(ceiling);
    }
    return rounds;
  } finally {
    await echo?.close();
    await submitter.stop();
  }
}

/**
 * Polls the survivors of a SIGKILL of node `killedId` until it is dead in all their member lists
 * and they all route by one table without it; times each from `begin`.
 */
async function observeKill(
  processes: NodeProcesses,
  survivors: readonly number[],
  killedId: string,
  begin: number,
): Promise<KillRun> {
  const holders = new Set([...ids(NODES)].filter((id) => id !== killedId));
  // A member forgotten after its reclaim time counts as dead; a survivor that did not answer
  // counts as not knowing yet.
  const stateOf = (status: ClusterStatus | undefined) =>
    status === undefined
      ? 'unknown'
      : (status.members.find((m) => m.id === killedId)?.state ?? 'dead');
  let suspectedAt: number | undefined;
  let deadAt: number | undefined;
  let rebalancedAt: number | undefined;
  const deadline = begin + CONVERGE_TIMEOUT_MS;
  while (deadAt === undefined || rebalancedAt === undefined) {
    if (performance.now() > deadline)
      throw new Error(`node ${killedId}'s death was not seen by every survivor in time`);
    const at = performance.now();
    const statuses = await Promise.all(survivors.map((index) => processes.status(index)));
    const states = statuses.map(stateOf);
    if (states.some((state) => state === 'suspect' || state === 'dead')) suspectedAt ??= at;
    if (states.every((state) => state === 'dead')) deadAt ??= at;
    if (oneTableHeldBy(statuses, holders)) rebalancedAt ??= at;
    await sleep(POLL_MS);
  }
  return {
    killedId,
    suspectedMs: (suspectedAt ?? deadAt) - begin,
    deadEverywhereMs: deadAt - begin,
    rebalancedMs: rebalancedAt - begin,
  };
}

/** Kills each node of {@link KILLED} in turn, times its detection and the rebalance, restarts it. */
async function measureKills(processes: NodeProcesses): Promise<KillRun[]> {
  const runs: KillRun[] = [];
  for (const index of KILLED) {
    const survivors = range(NODES).filter((i) => i !== index);
    const begin = performance.now();
    await processes.kill(index);
    runs.push(await observeKill(processes, survivors, processes.nodes[index]!.id, begin));
    await processes.start(index, survivors);
    await waitForTable(processes, range(NODES), ids(NODES), CONVERGE_TIMEOUT_MS);
  }
  return runs;
}

function loadTable(rounds: LoadRounds, clusterPath: string): string {
  const pick = (runs: LoadRun[]) => ({
    rate: median(runs.map((r) => r.intentsPerSecond)),
    worstRate: Math.min(...runs.map((r) => r.intentsPerSecond)),
    p50: median(runs.map((r) => r.p50Us)),
    p99: median(runs.map((r) => r.p99Us)),
    worstP99: Math.max(...runs.map((r) => r.p99Us)),
    cpu: median(runs.map((r) => r.cpuUsPerIntent)),
    cpuHere: median(runs.map((r) => r.submitterCpuUsPerIntent)),
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
  });
  const cluster = pick(rounds.cluster);
  const ceiling = pick(rounds.ceiling);
  const perRound = (value: (run: LoadRun) => number): number[] =>
    rounds.cluster.map((run, i) => value(run) / value(rounds.ceiling[i]!));
  const ratios = perRound((run) => run.intentsPerSecond);
  const p50Ratios = perRound((run) => run.p50Us);
  const cpuRatios = perRound((run) => run.cpuUsPerIntent);
  const row = (name: string, m: ReturnType<typeof pick>): string =>
    `| ${name} | ${fmt(m.rate)} /s | ${fmt(m.worstRate)} /s | ${fmt(m.p50 / 1000, 2)} ms | ${fmt(m.p99 / 1000, 2)} ms | ${fmt(m.worstP99 / 1000, 2)} ms | ${fmt(m.cpu)} µs | ${fmt(m.cpuHere)} µs | ${m.failures} |`;
  return [
    '| path | intents/s (median) | worst | p50 | p99 (median) | p99 (worst) | CPU per intent | of which the submitting process | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row(clusterPath, cluster),
    row('ceiling: bare `TcpTransport` → echo owner', ceiling),
    '',
    `Cluster ÷ ceiling, each round's cluster run against the ceiling run next to it: **${fmt(median(ratios) * 100, 1)} %** of the ceiling's rate (median of the rounds; worst ${fmt(Math.min(...ratios) * 100, 1)} %; rounds ${ratios.map((r) => `${fmt(r * 100, 1)} %`).join(', ')}); p50 latency ${fmt(median(p50Ratios), 1)}× the ceiling's; CPU per intent ${fmt(median(cpuRatios), 1)}× the ceiling's (worst ${fmt(Math.max(...cpuRatios), 1)}×).`,
  ].join('\n');
}

function killTable(runs: readonly KillRun[]): string {
  const row = (name: string, pick: (run: KillRun) => number): string => {
    const values = runs.map(pick);
    return `| ${name} | ${fmt(median(values))} ms | ${fmt(Math.max(...values))} ms | ${runs.map((r) => `${r.killedId}: ${fmt(pick(r))}`).join(', ')} |`;
  };
  return [
    '| measure | median | worst | runs (killed id: ms) |',
    '| --- | ---: | ---: | --- |',
    row('SIGKILL → suspected by a survivor', (r) => r.suspectedMs),
    row("SIGKILL → dead in every survivor's member list", (r) => r.deadEverywhereMs),
    row('SIGKILL → one table without it on every survivor', (r) => r.rebalancedMs),
  ].join('\n');
}

function idleTable(usage: readonly IdleUsage[], bare: IdleUsage): string {
  const cpu = usage.map((u) => u.cpuMsPerSecond);
  const rss = usage.map((u) => u.rssBytes / 2 ** 20);
  return [
    '| per idle node process | median | worst | each node (id 1 … 5) | bare `node` process (reference) |',
    '| --- | ---: | ---: | --- | ---: |',
    `| CPU (user + system) | ${fmt(median(cpu), 1)} ms/s | ${fmt(Math.max(...cpu), 1)} ms/s | ${cpu.map((c) => fmt(c, 1)).join(', ')} | ${fmt(bare.cpuMsPerSecond, 1)} ms/s |`,
    `| RSS | ${fmt(median(rss), 1)} MiB | ${fmt(Math.max(...rss), 1)} MiB | ${rss.map((r) => fmt(r, 1)).join(', ')} | ${fmt(bare.rssBytes / 2 ** 20, 1)} MiB |`,
  ].join('\n');
}

const suite: Suite = {
  name: 'cluster',
  async run() {
    const loadBefore = loadavg().map((l) => l.toFixed(2));
    const processes = await NodeProcesses.create({
      nodes: NODES,
      partitions: PARTITIONS,
      replicas: REPLICAS,
      label: LABEL,
    });
    const unreplicated = await NodeProcesses.create({
      nodes: NODES,
      partitions: PARTITIONS,
      replicas: 0,
      label: LABEL,
    });
    try {
      await startCluster(processes);
      const bare = spawnBareNode();
      await sleep(IDLE_SETTLE_MS);
      const usage = await idleUsage(
        [...processes.nodes.map((node) => node.child!.pid!), bare.pid!],
        IDLE_WINDOW_MS,
      );
      bare.kill('SIGKILL');
      const idle = usage.slice(0, NODES);
      const bareUsage = usage[NODES]!;
      const load = await measureLoad(processes, REPLICAS);
      await waitForTable(processes, range(NODES), ids(NODES), CONVERGE_TIMEOUT_MS);
      const kills = await measureKills(processes);
      await processes.killAll();
      await startCluster(unreplicated);
      const loadUnreplicated = await measureLoad(unreplicated, 0);
      const loadAfter = loadavg().map((l) => l.toFixed(2));
      const markdown = `
Five \`tala-net node\` processes (the built CLI, no \`--ndjson\`) on 127.0.0.1, ${PARTITIONS}
partitions, ${REPLICAS} replicas, SWIM's \`local\` timing; load average ${loadBefore.join(', ')}
when the suite started and ${loadAfter.join(', ')} when it ended (2 cores, shared).

**Intents**, ${INTENTS_PER_RUN.toLocaleString('en')} per run, ${IN_FLIGHT} in flight, 16-byte
payloads, ${ROUNDS} rounds after a warm-up round of as many, the two paths alternated on the same fresh ids. The
submitter is a \`ClusterNode\` in the benchmark process that joined as a sixth member; only ids
owned by one of the five processes are submitted. The owner appends an \`Accepted\` record of
each id to its segment, replicates it to both replicas and waits for their acknowledgements
before it delivers, appends a \`Delivered\` record (replicated by the next round) and answers. The ceiling sends the same \`IntentSubmit\` frames over a bare \`TcpTransport\` to one
echo process per owner that answers each with an \`IntentReceipt\` at once. CPU per intent: user +
system time of the benchmark process and of the five node (or echo) processes during the run,
divided by the intents (other processes' times in 10 ms ticks): it compares across a loaded
machine better than the rate does.

${loadTable(load, `cluster: \`submitIntent\` → owner → ${REPLICAS} replicas → delivered`)}

The same in a second cluster of five processes started with \`--replicas 0\` (the owner records
each id and delivers it without waiting for anyone): what routing, the dedup window and the
acknowledgement cost without replication.

${loadTable(loadUnreplicated, 'cluster, no replicas: `submitIntent` → owner → delivered')}

**SIGKILL of one node process** (id 1 is the coordinator), timed from the kill to the first round
of status polls (every ${POLL_MS} ms, \`GET /\` of each survivor) that saw the state; the node is
restarted and the cluster reconverged between runs.

${killTable(kills)}

**Idle node processes**, converged 5-node cluster, ${IDLE_SETTLE_MS / 1000} s after convergence,
over ${IDLE_WINDOW_MS / 1000} s, next to a bare \`node\` process that only keeps its event loop alive, from \`/proc/<pid>/stat\` (one 10 ms clock tick is
${fmt(10 / (IDLE_WINDOW_MS / 1000), 2)} ms/s) and \`VmRSS\`:

${idleTable(idle, bareUsage)}
`;
      return {
        title: 'Cluster: five node processes on loopback',
        markdown,
        data: { loadBefore, loadAfter, idle, bareNode: bareUsage, load, loadUnreplicated, kills },
      };
    } finally {
      await processes.killAll();
      await unreplicated.killAll();
    }
  },
};

export default suite;
