import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ClusterNode } from '@tala-net/cluster';
import { TalaError } from '@tala-net/types';
import { clusterOptionsFromFlags, type NodeFlags } from './node-flags.js';
import {
  intentBytes,
  intentHex,
  type NodeCommand,
  type NodeLine,
  tableKey,
} from './node-protocol.js';
import { writeLineSync } from './write-line-sync.js';

/** Where `tala-net node` writes and reads, and what stops it. */
export interface RunNodeOptions {
  /** Report with the line protocol of {@link NodeLine} (and read {@link NodeCommand}s from `input`). */
  readonly ndjson: boolean;
  /** Where the ready line (or the protocol's lines) go. */
  readonly output: Writable;
  /** The file descriptor of `output`: the protocol's lines are then written synchronously. */
  readonly outputFd?: number;
  /** Where warnings go (errors the node survived). */
  readonly errors: Writable;
  /** Commands (with `ndjson`); the node leaves when it ends, as when its driver has gone. */
  readonly input: Readable;
  /** Leaves the cluster when aborted (SIGINT, SIGTERM). */
  readonly signal: AbortSignal;
}

/**
 * Runs one cluster node for `tala-net node` until `signal` aborts, then leaves gracefully.
 * Prints one line when ready (its id and address), or with `ndjson` reports everything as
 * {@link NodeLine}s. Rejects with the `TalaError` of `ClusterNode.start` when the node cannot
 * start (a taken port, an unreadable TLS file, …).
 */
export async function runNode(flags: NodeFlags, options: RunNodeOptions): Promise<void> {
  const startOptions = { ...clusterOptionsFromFlags(flags), signal: options.signal };
  // Loaded on use: `status` and `demo` do not need the cluster's code in their process.
  const cluster = await import('@tala-net/cluster');
  const node = await cluster.ClusterNode.start(startOptions);
  const write = (line: NodeLine): void => {
    const text = `${JSON.stringify(line)}\n`;
    // Written before the node goes on: a line must survive a SIGKILL that follows it.
    if (options.outputFd !== undefined) writeLineSync(options.outputFd, text);
    else options.output.write(text);
  };
  node.addEventListener('error', (event) => {
    const message = event.error instanceof Error ? event.error.message : String(event.error);
    if (options.ndjson) write({ type: 'error', code: errorCode(event.error), message });
    else options.errors.write(`tala-net node: ${event.source}: ${message}\n`);
  });
  if (options.ndjson) reportLines(node, write, options.input);
  const status = node.statusAddress === undefined ? null : `http://${node.statusAddress}`;
  if (options.ndjson) {
    write({ type: 'ready', id: String(node.id), address: node.address, status });
  } else {
    const endpoint = status === null ? '' : `, status ${status}`;
    options.output.write(`tala-net node ${node.id} ready on ${node.address}${endpoint}\n`);
  }
  await node.done;
  if (options.ndjson) write({ type: 'left' });
  else options.output.write(`tala-net node ${node.id} left the cluster\n`);
}

/** Wires the line protocol: events out, commands in. */
function reportLines(node: ClusterNode, write: (line: NodeLine) => void, input: Readable): void {
  const currentTable = (): string => {
    const table = node.table;
    return table === undefined ? '' : tableKey(table.epoch, table.coordinator);
  };
  node.addEventListener('intent', (event) => {
    write({
      type: 'delivered',
      intent: intentHex(event.id),
      partition: event.partition,
      table: currentTable(),
    });
  });
  node.addEventListener('table', (event) => {
    const table = event.table;
    write({
      type: 'table',
      epoch: String(table.epoch),
      coordinator: String(table.coordinator),
      holders: [...table.table.assignments]
        .sort((a, b) => a.partitionId - b.partitionId)
        .map((assignment) => [String(assignment.owner), ...assignment.replicas.map(String)]),
    });
  });
  node.addEventListener('member', (event) => {
    write({ type: 'member', change: event.change, node: String(event.node) });
  });
  const commands = createInterface({ input, crlfDelay: Infinity });
  commands.on('line', (text) => runCommand(node, text, write, currentTable));
  // The driver is gone: leave rather than run on unattended.
  commands.on('close', () => void node.stop());
}

const EMPTY = new Uint8Array(0);

function runCommand(
  node: ClusterNode,
  text: string,
  write: (line: NodeLine) => void,
  currentTable: () => string,
): void {
  let command: NodeCommand;
  try {
    command = JSON.parse(text) as NodeCommand;
  } catch {
    write({
      type: 'error',
      code: 'InvalidArgument',
      message: `expected a JSON command, found ${text.slice(0, 80)}`,
    });
    return;
  }
  if (command.type === 'digests') {
    write({ type: 'digests', table: currentTable(), digests: segmentDigests(node) });
    return;
  }
  if (command.type !== 'submit') {
    write({
      type: 'error',
      code: 'InvalidArgument',
      message: `unknown command ${text.slice(0, 80)}`,
    });
    return;
  }
  const id = intentBytes(command.intent);
  if (id === undefined) {
    write({
      type: 'failed',
      intent: String(command.intent),
      code: 'InvalidArgument',
      message: 'expected 32 hex digits',
    });
    return;
  }
  const payload = command.payload === undefined ? EMPTY : new TextEncoder().encode(command.payload);
  node.submitIntent(id, payload).then(
    (receipt) =>
      write({
        type: 'acked',
        intent: command.intent,
        owner: String(receipt.owner),
        duplicate: receipt.duplicate,
      }),
    (error: unknown) =>
      write({
        type: 'failed',
        intent: command.intent,
        code: errorCode(error),
        message: error instanceof Error ? error.message : String(error),
      }),
  );
}

/** SHA-256 digests of the segments this node holds, by partition. */
function segmentDigests(node: ClusterNode): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const assignment of node.table?.table.assignments ?? []) {
    if (assignment.owner !== node.id && !assignment.replicas.includes(node.id)) continue;
    const segment = node.segment(assignment.partitionId);
    if (segment !== undefined) digests[String(assignment.partitionId)] = segment.digest;
  }
  return digests;
}

function errorCode(error: unknown): string {
  return error instanceof TalaError ? error.code : 'Unknown';
}
