import { TalaError } from '@tala-net/types';
import type {
  ClusterStats,
  ClusterStatus,
  MemberStatus,
  PeerTransportStats,
} from './cluster-status.js';

/** The `Content-Type` of the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The kind of a metric: a `counter` only goes up (its name ends in `_total` by convention), a
 * `gauge` goes up and down.
 */
export type MetricType = 'counter' | 'gauge';

/** One value of a {@link MetricFamily}, told apart from the others by its labels. */
export interface MetricSample {
  /**
   * Label names and values (names `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`; values any
   * text).
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** The value (a `bigint` is written exactly, e.g. a u64 version). */
  readonly value: number | bigint;
}

/** A metric: its name, help text, type and samples. */
export interface MetricFamily {
  /** Metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
  readonly name: string;
  /** What it measures, for people (one line; escaped on output). */
  readonly help: string;
  /** Counter or gauge. */
  readonly type: MetricType;
  /** Its samples (none is fine: the family is still described). */
  readonly samples: readonly MetricSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function invalid(detail: string): TalaError {
  return new TalaError('InvalidArgument', `Prometheus text: ${detail}`);
}

/** Escapes a HELP text: backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Escapes a label value: backslash, double quote and line feed. */
function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'number') throw invalid(`expected a number, found ${typeof value}`);
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw invalid(`bad label name ${JSON.stringify(name)}`);
    }
    if (typeof value !== 'string') throw invalid(`label ${name}: expected a string value`);
    parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/**
 * Writes `families` in the Prometheus text exposition format 0.0.4: for each family a `# HELP`
 * and a `# TYPE` line, then one line per sample, `name{label="value",…} value`. Throws a
 * `TalaError` (`InvalidArgument`) for a bad metric or label name, a repeated family name or a
 * value that is not a number.
 *
 * @example
 * ```ts
 * writePrometheusText([
 *   { name: 'jobs_total', help: 'Jobs done.', type: 'counter', samples: [{ value: 3 }] },
 * ]);
 * // '# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 3\n'
 * ```
 */
export function writePrometheusText(families: readonly MetricFamily[]): string {
  const names = new Set<string>();
  let text = '';
  for (const family of families) {
    const { name, type } = family;
    if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
      throw invalid(`bad metric name ${JSON.stringify(name)}`);
    }
    if (type !== 'counter' && type !== 'gauge') throw invalid(`${name}: bad type ${String(type)}`);
    if (names.has(name)) throw invalid(`metric ${name} appears twice`);
    names.add(name);
    text += `# HELP ${name} ${escapeHelp(String(family.help))}\n# TYPE ${name} ${type}\n`;
    for (const sample of family.samples) {
      text += `${name}${formatLabels(sample.labels)} ${formatValue(sample.value)}\n`;
    }
  }
  return text;
}

/** `intentsDelivered` → `intents_delivered`. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Counters of {@link ClusterStats} that are gauges (they go down). */
const STATS_GAUGES: ReadonlySet<string> = new Set(['unconfirmed']);
/** Counters of {@link PeerTransportStats} that are gauges. */
const PEER_GAUGES: ReadonlySet<string> = new Set(['queuedFrames', 'queuedBytes']);

const STATS_HELP: Readonly<Record<string, string>> = {
  intentsDelivered: 'Intents delivered to the application by this node as owner.',
  intentsDuplicate: 'Duplicate intents recognised and answered without delivering again.',
  intentsInDoubt:
    'Intents answered in doubt: accepted by an earlier owner that stopped before marking them delivered.',
  intentsForwarded: 'Intents forwarded to another owner.',
  intentsSubmitted: 'Intents submitted on this node.',
  intentsFailed: 'Submitted intents that failed.',
  tablesAdopted: 'Partition tables adopted.',
  tablesComputed: 'Partition tables computed as coordinator.',
  segmentBytesSent: 'Segment bytes sent to replicas.',
  segmentBytesReceived: 'Segment bytes received as a replica.',
  dataSent: 'Reliable messaging: Data frames sent, retransmissions included.',
  dataReceived: 'Reliable messaging: Data frames received, duplicates included.',
  ackSent: 'Reliable messaging: acks sent.',
  ackReceived: 'Reliable messaging: acks received.',
  unconfirmed: 'Reliable messaging: Data frames sent and not yet acknowledged.',
};

const PEER_HELP: Readonly<Record<string, string>> = {
  bytesIn: 'Bytes received from the peer.',
  bytesOut: 'Bytes sent to the peer.',
  framesIn: 'Frames received from the peer.',
  framesOut: 'Frames sent to the peer.',
  reconnects: 'Connections to the peer established again after a loss.',
  queuedFrames: 'Frames waiting in the queue to the peer.',
  queuedBytes: 'Bytes waiting in the queue to the peer.',
};

const MEMBER_STATES: readonly MemberStatus['state'][] = ['alive', 'suspect', 'dead', 'left'];

/** A decimal u64 of the status document as a bigint. */
function decimal(value: string, field: string): bigint {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) {
    throw invalid(`${field}: expected a decimal string, found ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}

function gauge(name: string, help: string, value: number | bigint): MetricFamily {
  return { name, help, type: 'gauge', samples: [{ value }] };
}

function statsFamilies(stats: ClusterStats, prefix: string): MetricFamily[] {
  const families: MetricFamily[] = [];
  for (const [key, value] of Object.entries(stats)) {
    if (typeof value !== 'number') continue;
    const isGauge = STATS_GAUGES.has(key);
    families.push({
      name: `${prefix}${snakeCase(key)}${isGauge ? '' : '_total'}`,
      help: STATS_HELP[key] ?? `The ${key} counter of the node.`,
      type: isGauge ? 'gauge' : 'counter',
      samples: [{ value }],
    });
  }
  return families;
}

function peerFamilies(
  peers: Readonly<Record<string, PeerTransportStats>>,
  prefix: string,
): MetricFamily[] {
  const samples = new Map<string, MetricSample[]>();
  for (const [peer, counters] of Object.entries(peers)) {
    for (const [key, value] of Object.entries(counters)) {
      if (typeof value !== 'number') continue;
      let list = samples.get(key);
      if (list === undefined) {
        list = [];
        samples.set(key, list);
      }
      list.push({ labels: { peer }, value });
    }
  }
  const families: MetricFamily[] = [];
  for (const key of new Set([...Object.keys(PEER_HELP), ...samples.keys()])) {
    const isGauge = PEER_GAUGES.has(key);
    families.push({
      name: `${prefix}peer_${snakeCase(key)}${isGauge ? '' : '_total'}`,
      help: `Transport: ${PEER_HELP[key] ?? `the ${key} counter of the peer.`}`,
      type: isGauge ? 'gauge' : 'counter',
      samples: samples.get(key) ?? [],
    });
  }
  return families;
}

/**
 * The metrics of a status document, named `<prefix>…`: node info (`id`, `address`, `label` as
 * labels), uptime, members by state, the table's version, partition count and this node's owned
 * and replicated counts, every counter of {@link ClusterStats} (`_total` counters, except
 * `unconfirmed`, a gauge), and the transport counters of each peer (label `peer`).
 *
 * @example
 * ```ts
 * const text = writePrometheusText(clusterStatusMetrics(node.status()));
 * ```
 */
export function clusterStatusMetrics(status: ClusterStatus, prefix = 'tala_'): MetricFamily[] {
  const byState = new Map<string, number>(MEMBER_STATES.map((state) => [state, 0]));
  for (const member of status.members) {
    byState.set(member.state, (byState.get(member.state) ?? 0) + 1);
  }
  const table = status.table;
  return [
    {
      name: `${prefix}node_info`,
      help: 'This node: id, address and cluster label (the value is always 1).',
      type: 'gauge',
      samples: [
        { labels: { id: status.id, address: status.address, label: status.label }, value: 1 },
      ],
    },
    gauge(`${prefix}uptime_seconds`, 'Seconds since the node started.', status.uptimeMs / 1000),
    {
      name: `${prefix}members`,
      help: "Members of this node's view, by state (this node included).",
      type: 'gauge',
      samples: [...byState].map(([state, value]) => ({ labels: { state }, value })),
    },
    gauge(
      `${prefix}table_present`,
      '1 when the node has a partition table, else 0.',
      table === null ? 0 : 1,
    ),
    gauge(
      `${prefix}table_version`,
      'Version of the partition table (0 without one).',
      table === null ? 0n : decimal(table.version, 'table.version'),
    ),
    gauge(`${prefix}table_partitions`, 'Partitions of the table.', table?.partitions ?? 0),
    gauge(`${prefix}partitions_owned`, 'Partitions this node owns.', table?.owned.length ?? 0),
    gauge(
      `${prefix}partitions_replicated`,
      'Partitions this node holds a replica of.',
      table?.replicated.length ?? 0,
    ),
    ...statsFamilies(status.stats, prefix),
    ...peerFamilies(status.stats.peers, prefix),
  ];
}
