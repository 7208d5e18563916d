import { type Random, seededRandom, TalaError } from '@tala-net/types';
import { DemoLedger, holderSetsChanged, type IntentAudit, ownersMoved } from './demo-ledger.js';
import { fetchStatus } from './fetch-status.js';
import { LocalCluster } from './local-cluster.js';
import type { TableLine } from './node-protocol.js';
import type { Reporter } from './reporter.js';
import { waitUntil } from './wait-until.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Path of the `tala-net` command's script: the demo runs each node as `node <cliPath> node …`. */
  readonly cliPath: string;
  /** Where the demo reports its progress. */
  readonly reporter: Reporter;
  /**
   * Nodes of the cluster (2 … 16).
   * @default 5
   */
  readonly nodes?: number;
  /**
   * Intents routed: half before and during the crash, half after the restart.
   * @default 1000
   */
  readonly intents?: number;
  /**
   * Seed of the intent ids and of the choice of the node to kill.
   * @default a random seed
   */
  readonly seed?: number;
  /**
   * Partitions of the table.
   * @default 64
   */
  readonly partitions?: number;
  /**
   * Replicas of each partition, besides its owner.
   * @default 2
   */
  readonly replicas?: number;
  /** Stops the demo (its processes are ended all the same). */
  readonly signal?: AbortSignal;
}

/** What a demo measured: the audit of the intents (see {@link IntentAudit}) and the rest. */
export interface DemoSummary extends Omit<IntentAudit, 'unknownTable'> {
  /** Nodes of the cluster. */
  readonly nodes: number;
  /** The seed used. */
  readonly seed: number;
  /** Id of the node that was killed. */
  readonly killed: string;
  /** Intents submitted. */
  readonly intents: number;
  /** Intents acknowledged (delivered by their owner). */
  readonly acknowledged: number;
  /** Submissions that failed (rejected with a coded error), by code. */
  readonly failed: Readonly<Record<string, number>>;
  /** From SIGKILL until the first survivor suspected the killed node, in ms (or `null`). */
  readonly suspectedAfterMs: number | null;
  /** From SIGKILL until every survivor declared it dead (or `null`). */
  readonly detectedAfterMs: number | null;
  /** From SIGKILL until every survivor routed by a table without it. */
  readonly rebalancedAfterMs: number;
  /** Partitions whose owner changed in that rebalance. */
  readonly ownersMoved: number;
  /** Partitions whose holders (owner and replicas) changed in that rebalance. */
  readonly holdersChanged: number;
  /** From the restart until every node routed by a table with the node back. */
  readonly rejoinedAfterMs: number;
  /** Partitions whose owner and replicas ended with byte-identical segments. */
  readonly replicasIdentical: number;
  /** Partitions of the table. */
  readonly partitions: number;
  /** Wall time of the whole demo. */
  readonly durationMs: number;
}

const IN_FLIGHT = 64;
const START_TIMEOUT_MS = 15_000;
const CONVERGE_TIMEOUT_MS = 20_000;
/** How long after the tables agree every survivor may take to declare the crashed node dead. */
const DETECTION_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3000;

/**
 * Runs a local cluster of `tala-net node` processes on 127.0.0.1 and puts it through a crash:
 * the nodes start and converge; intents are routed through them (64 in flight), and one node is
 * killed with SIGKILL halfway through; the survivors detect it and rebalance while routing goes
 * on; it restarts with the same id and ports and rejoins; the rest of the intents are routed;
 * the replicas' segments are compared by digest. Every process is ended before it returns or
 * throws.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const count = options.nodes ?? 5;
  const intents = options.intents ?? 1000;
  if (!Number.isInteger(count) || count < 2 || count > 16) {
    throw new TalaError('InvalidArgument', `demo: expected 2 … 16 nodes, found ${count}`);
  }
  if (!Number.isInteger(intents) || intents < 2 || intents > 1_000_000) {
    throw new TalaError(
      'InvalidArgument',
      `demo: expected 2 … 1,000,000 intents, found ${intents}`,
    );
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  const partitions = options.partitions ?? 64;
  const ledger = new DemoLedger();
  const cluster = await LocalCluster.create({
    cliPath: options.cliPath,
    nodes: count,
    partitions,
    replicas: options.replicas ?? 2,
    label: 'tala-net-demo',
    startTimeoutMs: START_TIMEOUT_MS,
    onLine: (index, line, at) => ledger.record(String(index + 1), line, at),
  });
  // The last resort when the process exits under the demo (e.g. Ctrl-C in a terminal while a
  // spinner holds the keyboard): no node outlives it, and the exit says it was interrupted.
  const killAll = (): void => {
    cluster.killNow();
    process.exitCode = 130;
  };
  process.once('exit', killAll);
  try {
    const scenario = new DemoScenario(options, cluster, ledger, random);
    const measured = await scenario.run(intents);
    const { unknownTable: _, ...audit } = ledger.audit();
    return {
      nodes: count,
      seed,
      intents,
      partitions,
      ...measured,
      ...audit,
      acknowledged: ledger.acknowledged,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await cluster.stop(STOP_GRACE_MS);
    process.removeListener('exit', killAll);
  }
}

type Measured = Omit<
  DemoSummary,
  keyof IntentAudit | 'nodes' | 'seed' | 'intents' | 'partitions' | 'acknowledged' | 'durationMs'
>;

/** The steps of {@link runDemo}, one method each. */
class DemoScenario {
  readonly #options: DemoOptions;
  readonly #cluster: LocalCluster;
  readonly #ledger: DemoLedger;
  readonly #random: Random;
  readonly #reporter: Reporter;
  readonly #failed: Record<string, number> = {};
  readonly #ids: string[];

  constructor(options: DemoOptions, cluster: LocalCluster, ledger: DemoLedger, random: Random) {
    this.#options = options;
    this.#cluster = cluster;
    this.#ledger = ledger;
    this.#random = random;
    this.#reporter = options.reporter;
    this.#ids = cluster.nodes.map((node) => node.id);
  }

  async run(intents: number): Promise<Measured> {
    const reporter = this.#reporter;
    reporter.start(`tala-net demo: ${this.#ids.length} node processes on 127.0.0.1`);
    await this.#startAll();
    const before = await this.#converge(this.#ids, 'converging');
    // Never node 0 (every node's seed), so that the restarted node has a seed to rejoin through.
    const victim = 1 + this.#random.nextInt(this.#ids.length - 1);
    const victimId = this.#ids[victim]!;
    const survivors = this.#ids.filter((id) => id !== victimId);
    const firstHalf = Math.floor(intents / 2);
    let killedAt = 0;
    await this.#route(firstHalf, survivors, 'routing intents', {
      at: Math.floor(firstHalf / 2),
      action: async () => {
        killedAt = performance.now();
        await this.#cluster.kill(victim);
      },
      note: () => (killedAt === 0 ? '' : this.#crashNote(victimId, survivors, killedAt)),
    });
    // Reported once the bar is done: a line written under a live bar would break its redraw.
    reporter.warn(
      `node ${victimId} was killed with SIGKILL after ${Math.floor(firstHalf / 2)} intents (no goodbye)`,
    );
    const detection = await this.#awaitRebalance(victimId, survivors, killedAt, before);
    const restartedAt = performance.now();
    await this.#restart(victim, victimId);
    await this.#converge(this.#ids, `node ${victimId} rejoining`);
    const rejoinedAfterMs = this.#elapsedUntilTable(this.#ids, this.#ids, restartedAt);
    reporter.step(`node ${victimId} rejoined after ${rejoinedAfterMs} ms`);
    await this.#route(intents - firstHalf, this.#ids, 'routing intents after the rejoin');
    const replicasIdentical = await this.#compareReplicas();
    reporter.end('demo finished');
    return {
      killed: victimId,
      failed: this.#failed,
      ...detection,
      rejoinedAfterMs,
      replicasIdentical,
    };
  }

  async #startAll(): Promise<void> {
    const task = this.#reporter.task(`starting ${this.#ids.length} nodes`);
    try {
      await this.#cluster.start(0);
      let ready = 1;
      task.message(`starting nodes: ${ready}/${this.#ids.length} ready`);
      await Promise.all(
        this.#cluster.nodes.slice(1).map(async (node) => {
          await this.#cluster.start(node.index);
          ready++;
          task.message(`starting nodes: ${ready}/${this.#ids.length} ready`);
        }),
      );
    } catch (error) {
      task.fail('a node did not start');
      throw error;
    }
    const addresses = this.#cluster.nodes
      .map((node) => `${node.id}@${node.listen} (pid ${node.process?.pid})`)
      .join(', ');
    task.done(`${this.#ids.length} nodes ready: ${addresses}`);
  }

  /**
   * Polls the status endpoints of `members` until each sees exactly them alive and all route
   * by the same table, whose holders are exactly them. Returns that table (as the nodes
   * reported it on their lines).
   */
  async #converge(members: readonly string[], title: string): Promise<TableLine> {
    const task = this.#reporter.task(title);
    const wanted = [...members].sort().join(',');
    const nodes = this.#cluster.nodes.filter((node) => members.includes(node.id));
    try {
      const key = await waitUntil(
        async () => {
          const statuses = await Promise.all(
            nodes.map((node) => fetchStatus(node.statusUrl, { timeoutMs: 2000 })),
          );
          const agreeing = statuses.filter((status) => {
            const alive = status.members.filter((m) => m.state === 'alive').map((m) => m.id);
            const holders = new Set(
              status.table?.assignments.flatMap((a) => [a.owner, ...a.replicas]) ?? [],
            );
            return alive.sort().join(',') === wanted && [...holders].sort().join(',') === wanted;
          });
          const versions = new Set(
            agreeing.map((status) => `${status.table?.version}/${status.table?.coordinator}`),
          );
          task.message(
            `${title}: ${agreeing.length}/${nodes.length} nodes see ${members.length} alive members, tables ${[...versions].join(' ') || '-'}`,
          );
          return agreeing.length === nodes.length && versions.size === 1
            ? [...versions][0]
            : undefined;
        },
        {
          what: `${members.length} nodes to agree on members and table`,
          timeoutMs: CONVERGE_TIMEOUT_MS,
          ...this.#signal(),
        },
      );
      task.done(`${title}: all ${nodes.length} nodes route by table ${key}`);
    } catch (error) {
      task.fail(`${title}: no agreement`);
      throw error;
    }
    const table = this.#ledger.latestTable(members[0]!);
    if (table === undefined) throw new TalaError('Closed', 'demo: no node reported its table');
    return table;
  }

  async #route(
    count: number,
    submitters: readonly string[],
    title: string,
    midway?: { at: number; action: () => Promise<void>; note: () => string },
  ): Promise<void> {
    const bar = this.#reporter.bar(title, count);
    const progress = (): string => {
      const failed = failures > 0 ? `, ${failures} failed` : '';
      const note = midway?.note() ?? '';
      return `${title}: ${settled}/${count}${failed}${note === '' ? '' : ` (${note})`}`;
    };
    // Routing may stall while the cluster detects a crash: keep the message current meanwhile.
    const refresh = setInterval(() => bar.message(progress()), 250);
    const nodes = this.#cluster.nodes.filter((node) => submitters.includes(node.id));
    let next = 0;
    let settled = 0;
    let failures = 0;
    let midwayDone: Promise<void> | undefined;
    const worker = async (): Promise<void> => {
      while (next < count) {
        if (this.#options.signal?.aborted === true) {
          throw new TalaError('Aborted', 'demo: aborted while routing', {
            cause: this.#options.signal.reason,
          });
        }
        const index = next++;
        if (midway !== undefined && index === midway.at) midwayDone = midway.action();
        const node = nodes[index % nodes.length]!;
        try {
          await node.process!.submit(this.#intentId());
        } catch (error) {
          failures++;
          const code = error instanceof TalaError ? error.code : 'Unknown';
          this.#failed[code] = (this.#failed[code] ?? 0) + 1;
        }
        settled++;
        bar.advance(1, progress());
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
      await midwayDone;
    } finally {
      clearInterval(refresh);
    }
    const failedText = failures === 0 ? 'none failed' : `${failures} failed`;
    bar.done(`${title}: ${count - failures}/${count} acknowledged, ${failedText}`);
  }

  async #awaitRebalance(
    victim: string,
    survivors: readonly string[],
    killedAt: number,
    before: TableLine,
  ): Promise<
    Pick<
      Measured,
      | 'suspectedAfterMs'
      | 'detectedAfterMs'
      | 'rebalancedAfterMs'
      | 'ownersMoved'
      | 'holdersChanged'
    >
  > {
    const after = await this.#converge(
      survivors,
      `detecting node ${victim}'s crash and rebalancing`,
    );
    await this.#awaitDeclaredDead(victim, survivors, killedAt);
    const { suspected, dead } = this.#crashSeen(victim, survivors, killedAt);
    const suspectedAfterMs =
      suspected.size === 0 ? null : Math.round(Math.min(...suspected.values()) - killedAt);
    const detectedAfterMs =
      dead.size < survivors.length ? null : Math.round(Math.max(...dead.values()) - killedAt);
    const rebalancedAfterMs = this.#elapsedUntilTable(survivors, survivors, killedAt);
    const moved = ownersMoved(before, after);
    const changed = holderSetsChanged(before, after);
    this.#reporter.step(
      `node ${victim}: first suspected after ${suspectedAfterMs ?? '?'} ms, dead for all survivors after ${detectedAfterMs ?? '?'} ms; ` +
        `table rebalanced after ${rebalancedAfterMs} ms: ${moved} partitions changed owner, ${changed} changed holders`,
    );
    return {
      suspectedAfterMs,
      detectedAfterMs,
      rebalancedAfterMs,
      ownersMoved: moved,
      holdersChanged: changed,
    };
  }

  /**
   * Waits until every survivor has reported `victim` dead or gone. The tables can agree first:
   * a survivor that still holds the victim Suspect routes by the new table all the same, and a
   * node's events reach the ledger after its status answers. Gives up after the deadline (the
   * summary then says the detection was not seen).
   */
  async #awaitDeclaredDead(
    victim: string,
    survivors: readonly string[],
    killedAt: number,
  ): Promise<void> {
    try {
      await waitUntil(
        () =>
          this.#crashSeen(victim, survivors, killedAt).dead.size === survivors.length
            ? true
            : undefined,
        {
          what: `every survivor to declare node ${victim} dead`,
          timeoutMs: DETECTION_TIMEOUT_MS,
          ...this.#signal(),
        },
      );
    } catch (error) {
      if (error instanceof TalaError && error.code === 'TimedOut') return;
      throw error;
    }
  }

  /**
   * When each of `survivors` first suspected `victim` (or declared it dead or gone) and first
   * declared it dead or gone, after `killedAt`, from what they reported.
   */
  #crashSeen(
    victim: string,
    survivors: readonly string[],
    killedAt: number,
  ): { suspected: Map<string, number>; dead: Map<string, number> } {
    const ledger = this.#ledger;
    return {
      suspected: ledger.memberChangeTimes(
        victim,
        ['suspected', 'dead', 'left'],
        survivors,
        killedAt,
      ),
      dead: ledger.memberChangeTimes(victim, ['dead', 'left'], survivors, killedAt),
    };
  }

  /** Where the survivors are in handling the crash of `victim`, from what they reported. */
  #crashNote(victim: string, survivors: readonly string[], killedAt: number): string {
    const of = (times: Map<string, number>): string => `${times.size}/${survivors.length}`;
    const { suspected, dead } = this.#crashSeen(victim, survivors, killedAt);
    const rebalanced = this.#ledger.tableAdoptionTimes(survivors, survivors, killedAt);
    return `node ${victim} killed: suspected by ${of(suspected)}, dead for ${of(dead)}, rebalanced on ${of(rebalanced)}`;
  }

  async #restart(index: number, id: string): Promise<void> {
    const task = this.#reporter.task(`restarting node ${id}`);
    try {
      await this.#cluster.start(index);
    } catch (error) {
      task.fail(`node ${id} did not restart`);
      throw error;
    }
    const node = this.#cluster.nodes[index]!;
    task.done(`node ${id} restarted on ${node.listen} (pid ${node.process?.pid})`);
  }

  /** Milliseconds from `since` until every one of `observers` adopted a table held by exactly `members`. */
  #elapsedUntilTable(
    members: readonly string[],
    observers: readonly string[],
    since: number,
  ): number {
    const times = this.#ledger.tableAdoptionTimes(members, observers, since);
    return times.size === 0 ? 0 : Math.round(Math.max(...times.values()) - since);
  }

  /**
   * Asks every node for its segment digests until each partition's holders agree (or the
   * deadline passes) and returns how many partitions agree.
   */
  async #compareReplicas(): Promise<number> {
    const task = this.#reporter.task('comparing the replicas of every partition');
    let identical = 0;
    let total = 0;
    try {
      await waitUntil(
        async () => {
          const answers = await Promise.all(
            this.#cluster.nodes.map((node) => node.process!.digests()),
          );
          [identical, total] = agreeingPartitions(
            this.#cluster.nodes.map((node) => node.id),
            answers,
            this.#ledger,
          );
          task.message(`replicas identical on ${identical}/${total} partitions`);
          return identical === total && total > 0 ? true : undefined;
        },
        { what: 'identical replicas', timeoutMs: 10_000, intervalMs: 200, ...this.#signal() },
      );
      task.done(`replicas identical on ${identical}/${total} partitions (SHA-256 of each segment)`);
    } catch (error) {
      if (!(error instanceof TalaError) || error.code !== 'TimedOut') throw error;
      task.fail(`replicas identical on only ${identical}/${total} partitions`);
    }
    return identical;
  }

  #intentId(): string {
    let hex = '';
    for (let word = 0; word < 4; word++) {
      hex += this.#random.nextInt(0x1_0000_0000).toString(16).padStart(8, '0');
    }
    return hex;
  }

  #signal(): { signal?: AbortSignal } {
    return this.#options.signal === undefined ? {} : { signal: this.#options.signal };
  }
}

/** Counts the partitions whose holders (in node 1's latest table) all report the same digest. */
function agreeingPartitions(
  ids: readonly string[],
  answers: readonly { table: string; digests: Readonly<Record<string, string>> }[],
  ledger: DemoLedger,
): [identical: number, total: number] {
  const table = ledger.latestTable(ids[0]!);
  if (table === undefined) return [0, 0];
  let identical = 0;
  table.holders.forEach((holders, partition) => {
    const digests = holders.map(
      (holder) => answers[ids.indexOf(holder)]?.digests[String(partition)],
    );
    if (digests.every((digest) => digest !== undefined && digest === digests[0])) identical++;
  });
  return [identical, table.holders.length];
}
