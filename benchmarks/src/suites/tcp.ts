import { loadavg } from 'node:os';
import { NodeId } from '@tala-net/types';
import type { Suite } from '../suite.js';
import { FIRST_DIALLER_ID, HANDSHAKE_SAMPLES, handshakeTimes } from '../tcp/handshake-time.js';
import { IDLE_CONNECTIONS, type IdleCost, type IdleKind, idleCost } from '../tcp/idle-memory.js';
import { clusterPki } from '../tcp/pki.js';
import { RIG_NODE_IDS } from '../tcp/rigs.js';
import {
  BURST,
  bulkVariants,
  CODEC_ALONE,
  type Run,
  runVariant,
  smallFrameVariants,
  type Variant,
} from '../tcp/throughput.js';

/*
 * The TCP transport against raw sockets and ws, side by side in one run, on loopback. Sender and
 * receiver share one process, so a run's CPU time is the whole cost of moving its frames (both
 * ends and the kernel's loopback work in their system calls); wall-clock rates are reported
 * too, but on a loaded machine they mostly measure the scheduler. Every variant runs once to
 * warm up, then ROUNDS times, alternating variants round by round.
 */
const ROUNDS = 5;

interface Measured {
  readonly name: string;
  readonly runs: Run[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
};
const wallRate = (run: Run): number => run.frames / (run.wallMs / 1_000);
const cpuRate = (run: Run): number => run.frames / (run.cpuMs / 1_000);

async function measure(variants: readonly Variant[]): Promise<Measured[]> {
  const measured = variants.map((variant) => ({ name: variant.name, runs: [] as Run[] }));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [i, variant] of variants.entries()) {
      const run = await runVariant(variant);
      if (round > 0) measured[i]!.runs.push(run);
    }
  }
  return measured;
}

/** `formatRate(2_500_000, 'msg')` is `2.50 M msg/s`. */
function formatRate(perSecond: number, unit: string): string {
  if (unit === 'B') return `${(perSecond / 1e9).toFixed(2)} GB/s`;
  return perSecond >= 1e6
    ? `${(perSecond / 1e6).toFixed(2)} M ${unit}/s`
    : `${(perSecond / 1e3).toFixed(0)} k ${unit}/s`;
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(0)} %`;

/**
 * A table of `measured` rates against `measured[0]` (the raw ceiling): median and worst of the
 * rounds, by CPU time and by wall clock, and the ratio to the ceiling (of the medians, and the
 * worst ratio of one round to the same round's ceiling).
 */
function rateTable(measured: readonly Measured[], unitBytes: number, unit: string): string {
  const ceiling = measured[0]!;
  const rows = measured.map(({ name, runs }) => {
    const cells = [cpuRate, wallRate].flatMap((rate) => {
      const rates = runs.map(rate);
      const ceilingRates = ceiling.runs.map(rate);
      const worstRatio = Math.min(...rates.map((r, i) => r / ceilingRates[i]!));
      return [
        formatRate(median(rates) * unitBytes, unit),
        formatRate(Math.min(...rates) * unitBytes, unit),
        `${percent(median(rates) / median(ceilingRates))} (worst ${percent(worstRatio)})`,
      ];
    });
    return `| ${name} | ${cells.join(' | ')} |`;
  });
  return [
    '| variant | by CPU: median | worst | ÷ raw | by wall clock: median | worst | ÷ raw |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

function timesRow(name: string, samples: readonly number[]): string {
  return `| ${name} | ${median(samples).toFixed(2)} ms | ${Math.max(...samples).toFixed(2)} ms |`;
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`;
const ns = (value: number): string => `${value.toFixed(0)} ns`;

/** CPU per small frame (medians of the rounds) and the bound the codec sets. */
interface FrameCosts {
  readonly rawNs: number;
  readonly codecNs: number;
  /** TcpTransport's `onMessage` run. */
  readonly transportNs: number;
  /**
   * raw ÷ (raw + codec), round by round: the most a transport that did only raw's work and the
   * codec's could reach. Median and lowest of the rounds.
   */
  readonly bound: number;
  readonly worstBound: number;
}

function frameCosts(measured: readonly Measured[]): FrameCosts {
  const runsOf = (pick: (name: string) => boolean): Run[] =>
    measured.find((m) => pick(m.name))!.runs;
  const raw = measured[0]!.runs;
  const codec = runsOf((name) => name === CODEC_ALONE);
  const transport = runsOf((name) => name.endsWith('onMessage'));
  const nsPerFrame = (runs: readonly Run[]): number => 1e9 / median(runs.map(cpuRate));
  // Both rates in frames per CPU second: raw's time per frame over raw's plus the codec's.
  const bounds = raw.map((run, i) => cpuRate(codec[i]!) / (cpuRate(run) + cpuRate(codec[i]!)));
  return {
    rawNs: nsPerFrame(raw),
    codecNs: nsPerFrame(codec),
    transportNs: nsPerFrame(transport),
    bound: median(bounds),
    worstBound: Math.min(...bounds),
  };
}

const suite: Suite = {
  name: 'tcp',
  async run() {
    const load = loadavg().map((l) => l.toFixed(2));
    const dialliers = Array.from({ length: HANDSHAKE_SAMPLES }, (_, i) =>
      NodeId(FIRST_DIALLER_ID + i),
    );
    const pki = clusterPki([...RIG_NODE_IDS, ...dialliers]);

    const small = await measure(smallFrameVariants(undefined));
    const smallTls = await measure(smallFrameVariants(pki));
    const bulk = await measure(bulkVariants(undefined));
    const bulkTls = await measure(bulkVariants(pki));
    const handshakes = await handshakeTimes(pki);
    const idle: Partial<Record<IdleKind, IdleCost>> = {};
    for (const kind of ['net', 'transport', 'ws'] as const) idle[kind] = await idleCost(kind);

    const ws = small.find((m) => m.name.startsWith('ws'))!;
    const wsLines = small
      .filter((m) => m.name.startsWith('TcpTransport'))
      .map((m) => {
        const byCpu = median(m.runs.map(cpuRate)) / median(ws.runs.map(cpuRate));
        const byWall = median(m.runs.map(wallRate)) / median(ws.runs.map(wallRate));
        return `| ${m.name} | ${byCpu.toFixed(1)}× | ${byWall.toFixed(1)}× |`;
      });
    const costs = [small, smallTls].map(frameCosts);
    const idleRow = (name: string, kind: IdleKind): string => {
      const cost = idle[kind]!;
      const raw = idle.net!;
      return `| ${name} | ${kib(cost.heapAndExternal)} (${(cost.heapAndExternal / raw.heapAndExternal).toFixed(1)}×) | ${kib(cost.rss)} |`;
    };

    const markdown = `
Loopback, sender and receiver in one process; load average ${load.join(', ')} when the suite
started (2 cores, shared). ${ROUNDS} rounds after one warm-up round, variants alternated round by
round. Rates by CPU time (user + system of the process, which does all the work of both ends)
are what compare across a loaded machine; wall-clock rates are shown too. "÷ raw": ratio of the
medians, and in brackets the worst ratio of one round to the same round's raw run.

**21-byte frames** (Ping), ${BURST} per burst with a microtask between bursts, the sender waiting
for its buffer to drain above 16 KiB. Raw: ${BURST} pre-encoded frames per \`write\`, a receiver
that only reads frame headers. TcpTransport: one \`send\` per frame, counted by the receiver from
\`message\` events or the \`onMessage\` option. ws 8 (no compression, no bufferutil): one
\`send\` per message (the 21 encoded bytes), counted by \`message\` events. The codec alone
(no socket; see below) is the reference for what decoding every frame adds.

${rateTable(small, 1, 'msg')}

| TcpTransport ÷ ws, one message per send | by CPU | by wall clock |
| --- | ---: | ---: |
${wsLines.join('\n')}

Over mutual TLS 1.3 (P-256 certificates made by \`openssl\`), against raw \`node:tls\`:

${rateTable(smallTls, 1, 'msg')}

**Where a frame's CPU goes** (medians of the rounds above). "The codec alone" encodes each
burst with \`encodeIntoIfFits\` and decodes it with a \`FrameDecoder\`, without a socket. A
transport that hands every frame to its receiver as a message does the raw run's work (the
socket, the kernel, TLS) and the codec's on top: even with no cost of its own it cannot beat
raw ÷ (raw + codec), computed round by round.

| per 21-byte frame, CPU | plain | TLS |
| --- | ---: | ---: |
| raw socket work (the raw run) | ${costs.map((c) => ns(c.rawNs)).join(' | ')} |
| the codec alone: encode + decode | ${costs.map((c) => ns(c.codecNs)).join(' | ')} |
| TcpTransport, the whole frame (its \`onMessage\` run) | ${costs.map((c) => ns(c.transportNs)).join(' | ')} |
| 60 % of raw's rate allows in all | ${costs.map((c) => ns(c.rawNs / 0.6)).join(' | ')} |
| the most a transport using the codec can reach: raw ÷ (raw + codec) | ${costs.map((c) => `${percent(c.bound)} (lowest ${percent(c.worstBound)})`).join(' | ')} |

**1 MiB frames**: raw \`write\`s of 1 MiB against \`TcpTransport.send\` of SegmentSync messages
whose frames are 1 MiB (encoding copies the segment once; the receiver's FrameDecoder assembles
each frame from the chunks it arrives in).

${rateTable(bulk, 1024 * 1024, 'B')}

${rateTable(bulkTls, 1024 * 1024, 'B')}

**Connection set-up**, ${HANDSHAKE_SAMPLES} samples each, alternated: raw until \`connect\` /
\`secureConnect\`; TcpTransport until \`dial()\` resolves (TCP, TLS when on, and the hello /
welcome exchange: versions, cluster label, ids, capabilities), each from a new transport.

| connection | median | worst |
| --- | ---: | ---: |
${timesRow('raw net', handshakes.rawNet)}
${timesRow('TcpTransport', handshakes.transport)}
${timesRow('raw tls (mutual)', handshakes.rawTls)}
${timesRow('TcpTransport, mutual TLS', handshakes.transportTls)}

**Idle connections**: growth of a server process (its own, measured after full GCs) from
${IDLE_CONNECTIONS / 2} to ${IDLE_CONNECTIONS} idle connections, per connection. Heap + external
is stable from run to run; RSS moves by whole pages and allocator decisions, so it is noisy.

| server | heap + external per connection (÷ raw) | RSS per connection |
| --- | ---: | ---: |
${idleRow('raw net.Server', 'net')}
${idleRow('TcpTransport (handshake done)', 'transport')}
${idleRow('ws WebSocketServer', 'ws')}
`;
    return {
      title: 'TCP transport: TcpTransport vs raw net / tls and ws',
      markdown,
      data: { load, small, smallTls, bulk, bulkTls, costs, handshakes, idle },
    };
  },
};

export default suite;
