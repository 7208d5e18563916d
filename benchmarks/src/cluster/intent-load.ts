import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { VersionedTable } from '@tala-net/cluster';
import { partitionForIntent } from '@tala-net/partition';
import { TcpTransport } from '@tala-net/transport-tcp';
import { NodeId, type PartitionId } from '@tala-net/types';
import { killOnExit } from './node-processes.js';

/** One intent of a run, with where the table routes it. */
export interface PlannedIntent {
  readonly id: Uint8Array;
  readonly partition: PartitionId;
  readonly owner: NodeId;
}

/** Throughput and latencies of one run. */
export interface LoadRun {
  readonly intentsPerSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /**
   * CPU time of every process involved (submitter, owners, replicas) per intent, in µs: what
   * compares across a loaded machine.
   */
  readonly cpuUsPerIntent: number;
  /** Of {@link LoadRun.cpuUsPerIntent}, the share of this process (the submitter's side), in µs. */
  readonly submitterCpuUsPerIntent: number;
  /** Submissions that rejected (not counted in the rate's numerator, timed all the same). */
  readonly failures: number;
}

/**
 * `count` fresh random intent ids whose owner by `table` is not `except` (the submitter): each
 * one crosses the network to its owner, as in a cluster whose clients are not its members.
 */
export function planIntents(table: VersionedTable, count: number, except: NodeId): PlannedIntent[] {
  const planned: PlannedIntent[] = [];
  const partitions = table.table.assignments.length;
  while (planned.length < count) {
    const id = crypto.getRandomValues(new Uint8Array(16));
    const partition = partitionForIntent(id, partitions);
    const owner = table.table.ownerOf(partition);
    if (owner !== undefined && owner !== except) planned.push({ id, partition, owner });
  }
  return planned;
}

/**
 * Submits every intent of `intents` through `submit`, `inFlight` outstanding at a time, and
 * measures the rate (until the last answer), each submission's latency and the CPU time that
 * `cpuMs` (a cumulative reading) grew by.
 */
export async function driveLoad(
  intents: readonly PlannedIntent[],
  inFlight: number,
  submit: (intent: PlannedIntent) => Promise<unknown>,
  cpuMs: () => number,
): Promise<LoadRun> {
  const total = intents.length;
  const latencies = new Float64Array(total);
  let started = 0;
  let failures = 0;
  const cpuBefore = cpuMs();
  const ownBefore = process.cpuUsage();
  const begin = performance.now();
  const lane = async (): Promise<void> => {
    while (started < total) {
      const index = started++;
      const t0 = performance.now();
      try {
        await submit(intents[index]!);
      } catch {
        failures++;
      }
      latencies[index] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const elapsed = performance.now() - begin;
  const own = process.cpuUsage(ownBefore);
  const cpuUsPerIntent = ((cpuMs() - cpuBefore) * 1000) / total;
  const submitterCpuUsPerIntent = (own.user + own.system) / total;
  latencies.sort();
  return {
    intentsPerSecond: ((total - failures) / elapsed) * 1000,
    p50Us: latencies[Math.floor(total * 0.5)]! * 1000,
    p99Us: latencies[Math.floor(total * 0.99)]! * 1000,
    cpuUsPerIntent,
    submitterCpuUsPerIntent,
    failures,
  };
}

/** Id of the bare transport that sends intents to the echo owners. */
const CLIENT_ID = NodeId(10_000n);

/**
 * The ceiling: one echo-owner process per node id (`echo-owner.ts`), each a bare `TcpTransport`
 * answering `IntentSubmit` with `IntentReceipt`, and a bare `TcpTransport` here that sends each
 * intent to the process of its owner. Answers come back in order per connection (the transport
 * is FIFO per pair), so each owner's pending submissions wait in a queue.
 */
export class EchoOwners {
  readonly #children: ChildProcess[];
  readonly #client: TcpTransport;
  readonly #waiting = new Map<bigint, (() => void)[]>();

  private constructor(children: ChildProcess[], client: TcpTransport) {
    this.#children = children;
    this.#client = client;
    client.addEventListener('message', ({ from, message }) => {
      if (message.type !== 'IntentReceipt') return;
      this.#waiting.get(from)?.shift()?.();
    });
  }

  /** Starts one echo owner per id in `owners` and connects to each. */
  static async start(owners: readonly NodeId[]): Promise<EchoOwners> {
    const file = fileURLToPath(new URL('./echo-owner.ts', import.meta.url));
    const children = owners.map((owner) =>
      fork(file, [String(owner)], {
        execArgv: process.execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    for (const child of children) killOnExit(child);
    const client = new TcpTransport({ localId: CLIENT_ID });
    const echo = new EchoOwners(children, client);
    try {
      for (const child of children) {
        const [message] = (await once(child, 'message')) as [{ address: string }];
        const peer = await client.dial(message.address);
        echo.#waiting.set(peer, []);
      }
    } catch (error) {
      await echo.close();
      throw error;
    }
    return echo;
  }

  /** The process ids of the echo processes. */
  get pids(): number[] {
    return this.#children.map((child) => child.pid!);
  }

  /** Sends `intent` to its owner's echo process; resolves with the answer. */
  submit(intent: PlannedIntent, payload: Uint8Array): Promise<void> {
    const queue = this.#waiting.get(intent.owner);
    if (queue === undefined) return Promise.reject(new Error(`no echo owner ${intent.owner}`));
    return new Promise((resolve) => {
      queue.push(resolve);
      this.#client.send(intent.owner, {
        type: 'IntentSubmit',
        id: intent.id,
        partition: intent.partition,
        epoch: 1n,
        hops: 0,
        payload,
      });
    });
  }

  /** Closes the client and ends every echo process. */
  async close(): Promise<void> {
    await this.#client.close({ timeoutMs: 500 });
    for (const child of this.#children) child.kill('SIGKILL');
  }
}
