import { loadavg } from 'node:os';
import { registerNetworkMessages } from '@tala-net/network';
import { channelFlood, type FloodPath, type FloodRun } from '../network/channel-flood.js';
import { grpcUnaryRpc } from '../network/grpc-unary-rpc.js';
import { libp2pEchoRpc } from '../network/libp2p-echo-rpc.js';
import { rawNetRpc } from '../network/raw-net-rpc.js';
import { drive, type Rpc, type RpcRun } from '../network/rpc.js';
import { networkRpc, transportRpc } from '../network/tala-rpc.js';
import type { Suite } from '../suite.js';

/**
 * Request/response of `@tala-net/network` over `TcpTransport` on loopback, side by side in one
 * run with its baselines and peers, 16-byte payloads, 1 and 64 requests in flight, throughput
 * and p50/p99 latency:
 *
 * - the ceiling: a minimal correlation-id RPC over raw `node:net`, writes coalesced per turn;
 * - the same request and response frames on the bare `TcpTransport`, received by message
 *   handlers as a network receives them (what the transport costs);
 * - `@grpc/grpc-js` unary calls with raw-bytes serializers;
 * - js-libp2p echo on one stream over tcp + noise + yamux, one chunk per request and the
 *   requests of a turn coalesced into one chunk;
 *
 * and `Conduit.send` of 16-byte channel messages against `TcpTransport.send` of the same
 * `ChannelMessage` frames to a message handler (the bare transport), time until the receiver
 * has them all.
 *
 * Both ends of every connection run in this process, so its CPU time per request is the whole
 * cost of a request: it compares across a loaded machine, where wall-clock rates drift.
 *
 * Each measurement alternates the variants and reports the median of the repetitions. The slow
 * peers run fewer requests so that the suite stays within about two minutes.
 */
const PAYLOAD = new Uint8Array(16).fill(0xab);
const REPETITIONS = 7;
const WARM_UP = 200;
const MESSAGES = 200_000;
const BATCH = 4_096;

interface Variant {
  readonly name: string;
  readonly make: () => Promise<Rpc>;
  /** Requests per repetition, at 1 and at 64 in flight. */
  readonly requests: { readonly 1: number; readonly 64: number };
}

const CEILING = 'raw net RPC (ceiling)';
const NETWORK = '@tala-net/network';
/**
 * The channel-message floods, in the order they alternate: each network flood right after the
 * bare flood it is compared with, and the event flood (which leaves the most garbage behind) last.
 */
const FLOODS: readonly { readonly path: FloodPath; readonly name: string }[] = [
  { path: 'handler', name: 'bare `TcpTransport.send`, message handler' },
  { path: 'network', name: '`Conduit.send`' },
  { path: 'events', name: 'bare `TcpTransport.send`, message events' },
];

const VARIANTS: readonly Variant[] = [
  { name: CEILING, make: rawNetRpc, requests: { 1: 3_000, 64: 40_000 } },
  {
    name: 'bare TcpTransport, message handlers',
    make: () => transportRpc(true),
    requests: { 1: 3_000, 64: 40_000 },
  },
  {
    name: 'bare TcpTransport, message events',
    make: () => transportRpc(false),
    requests: { 1: 3_000, 64: 40_000 },
  },
  { name: NETWORK, make: networkRpc, requests: { 1: 3_000, 64: 40_000 } },
  { name: 'grpc-js unary', make: grpcUnaryRpc, requests: { 1: 500, 64: 3_000 } },
  {
    name: 'libp2p echo, chunk per request',
    make: () => libp2pEchoRpc(PAYLOAD.length, false),
    requests: { 1: 1_000, 64: 8_000 },
  },
  {
    name: 'libp2p echo, coalesced',
    make: () => libp2pEchoRpc(PAYLOAD.length, true),
    requests: { 1: 1_000, 64: 30_000 },
  },
];

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const fmt = (value: number, digits = 2): string =>
  value.toLocaleString('en', { maximumFractionDigits: digits });

async function measure(inFlight: 1 | 64): Promise<Map<string, RpcRun>> {
  const runs = new Map<string, RpcRun[]>(VARIANTS.map((variant) => [variant.name, []]));
  for (let r = 0; r < REPETITIONS; r++) {
    for (const variant of VARIANTS) {
      const rpc = await variant.make();
      await drive(rpc, PAYLOAD, WARM_UP, inFlight);
      runs.get(variant.name)!.push(await drive(rpc, PAYLOAD, variant.requests[inFlight], inFlight));
      await rpc.close();
    }
  }
  const medians = new Map<string, RpcRun>();
  for (const [name, list] of runs) {
    medians.set(name, {
      requestsPerSecond: median(list.map((run) => run.requestsPerSecond)),
      p50Us: median(list.map((run) => run.p50Us)),
      p99Us: median(list.map((run) => run.p99Us)),
      cpuUsPerRequest: median(list.map((run) => run.cpuUsPerRequest)),
    });
  }
  return medians;
}

function rpcTable(rows: { inFlight: number; runs: Map<string, RpcRun> }[]): string[] {
  const lines = [
    '| in flight | variant | req/s | p50 | p99 | network ÷ variant (req/s) | p99 ÷ ceiling p99 | CPU per request (both ends) | variant CPU ÷ network CPU |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { inFlight, runs } of rows) {
    const network = runs.get(NETWORK)!;
    const ceiling = runs.get(CEILING)!;
    for (const [name, run] of runs) {
      lines.push(
        `| ${inFlight} | ${name} | ${fmt(run.requestsPerSecond / 1000, 1)} k | ${fmt(run.p50Us, 0)} µs | ${fmt(run.p99Us, 0)} µs | ${name === NETWORK ? '' : `${fmt(network.requestsPerSecond / run.requestsPerSecond)}×`} | ${fmt(run.p99Us / ceiling.p99Us)}× | ${fmt(run.cpuUsPerRequest)} µs | ${fmt(run.cpuUsPerRequest / network.cpuUsPerRequest)}× |`,
      );
    }
  }
  return lines;
}

interface FloodResult {
  readonly name: string;
  readonly runs: FloodRun[];
  readonly rate: number;
  readonly cpuNs: number;
}

async function measureFloods(): Promise<FloodResult[]> {
  const runs = FLOODS.map((): FloodRun[] => []);
  for (let r = 0; r < REPETITIONS; r++) {
    for (const [i, flood] of FLOODS.entries()) {
      runs[i]!.push(await channelFlood(flood.path, PAYLOAD, MESSAGES, BATCH));
    }
  }
  return FLOODS.map((flood, i) => ({
    name: flood.name,
    runs: runs[i]!,
    rate: (MESSAGES / median(runs[i]!.map((run) => run.ms))) * 1000,
    cpuNs: median(runs[i]!.map((run) => run.cpuNsPerMessage)),
  }));
}

/**
 * The overhead of the network's floods against `bare`'s, run by run (each network flood against
 * the bare flood of the same repetition): the median and the worst, as a percentage.
 */
function overheadCell(
  network: FloodResult,
  bare: FloodResult,
  overhead: (network: FloodRun, bare: FloodRun) => number,
): string {
  const ratios = network.runs.map((run, i) => overhead(run, bare.runs[i]!) * 100);
  return `${fmt(median(ratios), 1)} % (worst ${fmt(Math.max(...ratios), 1)} %)`;
}

function floodTable(floods: FloodResult[]): string[] {
  const network = floods.find((flood) => flood.name === FLOODS[1]!.name)!;
  const lines = [
    '| sender and receiver | msg/s | CPU per message (both ends) | `Conduit.send` overhead, by rate | by CPU |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const flood of floods) {
    const overhead =
      flood === network
        ? ' | '
        : `${overheadCell(network, flood, (n, b) => 1 - b.ms / n.ms)} | ${overheadCell(network, flood, (n, b) => n.cpuNsPerMessage / b.cpuNsPerMessage - 1)}`;
    lines.push(
      `| ${flood.name} | ${fmt(flood.rate / 1e3, 0)} k | ${fmt(flood.cpuNs, 0)} ns | ${overhead} |`,
    );
  }
  return lines;
}

const suite: Suite = {
  name: 'network',
  async run() {
    registerNetworkMessages();
    const load = loadavg().map((average) => average.toFixed(2));
    const rows: { inFlight: number; runs: Map<string, RpcRun> }[] = [];
    for (const inFlight of [1, 64] as const) rows.push({ inFlight, runs: await measure(inFlight) });
    const floods = await measureFloods();
    const counts = VARIANTS.map(
      (variant) =>
        `${variant.name} ${variant.requests[1].toLocaleString('en')} / ${variant.requests[64].toLocaleString('en')}`,
    ).join(', ');
    const markdown = [
      `Request/response over TCP loopback, 16-byte payloads, median of ${REPETITIONS} runs, variants alternated (requests per run at 1 / 64 in flight: ${counts}); load average ${load.join(', ')} when the suite started (2 cores, shared):`,
      '',
      ...rpcTable(rows),
      '',
      `Channel messages, ${MESSAGES.toLocaleString('en')} × 16 bytes, until the receiver has them all, median of ${REPETITIONS} runs, alternated (each \`Conduit.send\` flood right after the bare message-handler flood, the event flood last); the overhead of \`Conduit.send\` against each bare variant, flood by flood against the bare flood of the same repetition: median and worst:`,
      '',
      ...floodTable(floods),
    ].join('\n');
    return {
      title: 'Network: request/response and channels over TCP loopback',
      markdown,
      data: {
        rpc: rows.map(({ inFlight, runs }) => ({ inFlight, ...Object.fromEntries(runs) })),
        channels: floods,
      },
    };
  },
};

export default suite;
