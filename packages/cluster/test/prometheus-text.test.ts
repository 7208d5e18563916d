import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invalidArgument } from '../../../testing/expect-tala-error.js';
import {
  type ClusterStatus,
  clusterStatusMetrics,
  type MetricFamily,
  writePrometheusText,
} from '../src/index.js';

interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: string;
}

interface ParsedFamily {
  help: string;
  type: string;
  readonly samples: ParsedSample[];
}

/** Reads label pairs `a="x",b="y"` with the escapes of format 0.0.4 (\\, \", \n). */
function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    const eq = text.indexOf('="', at);
    const name = text.slice(at, eq);
    let value = '';
    let i = eq + 2;
    for (; text[i] !== '"'; i++) {
      if (text[i] === '\\') {
        i++;
        value += text[i] === 'n' ? '\n' : text[i];
      } else value += text[i];
    }
    labels[name] = value;
    at = text[i + 1] === ',' ? i + 2 : i + 1;
  }
  return labels;
}

/** A strict reader of the exposition format, line by line: HELP, then TYPE, then samples. */
function parseExposition(text: string): Map<string, ParsedFamily> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, ParsedFamily>();
  let current: string | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/s.exec(line);
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$/.exec(line);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/s.exec(line);
    if (help !== null) {
      expect(families.has(help[1]!)).toBe(false);
      families.set(help[1]!, {
        help: help[2]!.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : '\\')),
        type: '',
        samples: [],
      });
      current = help[1];
    } else if (type !== null) {
      expect(type[1]).toBe(current);
      families.get(current!)!.type = type[2]!;
    } else if (sample !== null) {
      expect(sample[1]).toBe(current);
      expect(sample[3]).toMatch(/^(-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|[+-]Inf)$/);
      families.get(current!)!.samples.push({
        name: sample[1]!,
        labels: parseLabels(sample[2] ?? ''),
        value: sample[3]!,
      });
    } else {
      throw new Error(`unparsable line: ${line}`);
    }
  }
  return families;
}

/** A status document of a node with a table, two peers and every counter distinct. */
export function sampleStatus(): ClusterStatus {
  return {
    id: '18446744073709551615',
    address: '127.0.0.1:7001',
    label: 'tala "prod"\\eu',
    uptimeMs: 12_500,
    members: [
      { id: '1', address: '127.0.0.1:7000', state: 'alive', incarnation: '0' },
      { id: '2', address: '127.0.0.1:7002', state: 'suspect', incarnation: '3' },
      { id: '3', address: '', state: 'dead', incarnation: '1' },
      { id: '18446744073709551615', address: '127.0.0.1:7001', state: 'alive', incarnation: '0' },
    ],
    table: {
      version: '9007199254740993',
      coordinator: '1',
      partitions: 8,
      assignments: [],
      owned: [0, 3, 5],
      replicated: [1, 2],
    },
    stats: {
      intentsDelivered: 1,
      intentsDuplicate: 2,
      intentsInDoubt: 0,
      intentsForwarded: 3,
      intentsSubmitted: 4,
      intentsFailed: 5,
      tablesAdopted: 6,
      tablesComputed: 7,
      segmentBytesSent: 8,
      segmentBytesReceived: 9,
      dataSent: 10,
      dataReceived: 11,
      ackSent: 12,
      ackReceived: 13,
      unconfirmed: 14,
      peers: {
        '1': {
          bytesIn: 100,
          bytesOut: 200,
          framesIn: 3,
          framesOut: 4,
          reconnects: 0,
          queuedFrames: 1,
          queuedBytes: 50,
        },
        '2': {
          bytesIn: 7,
          bytesOut: 8,
          framesIn: 1,
          framesOut: 2,
          reconnects: 1,
          queuedFrames: 0,
          queuedBytes: 0,
        },
      },
    },
  };
}

describe('writePrometheusText', () => {
  it('writes HELP, TYPE and samples, with escaped help and label values', () => {
    const text = writePrometheusText([
      {
        name: 'jobs_total',
        help: 'Jobs done\\by workers\nper queue.',
        type: 'counter',
        samples: [
          { labels: { queue: 'a "quoted"\\ name\nnext' }, value: 3 },
          { labels: { queue: 'b' }, value: 2n ** 64n - 1n },
        ],
      },
      {
        name: 'temperature',
        help: 'Heat.',
        type: 'gauge',
        samples: [{ value: -1.5 }, { labels: { x: 'y' }, value: Number.NaN }],
      },
      { name: 'empty', help: '', type: 'gauge', samples: [] },
    ]);
    expect(text).toBe(
      [
        '# HELP jobs_total Jobs done\\\\by workers\\nper queue.',
        '# TYPE jobs_total counter',
        'jobs_total{queue="a \\"quoted\\"\\\\ name\\nnext"} 3',
        'jobs_total{queue="b"} 18446744073709551615',
        '# HELP temperature Heat.',
        '# TYPE temperature gauge',
        'temperature -1.5',
        'temperature{x="y"} NaN',
        '# HELP empty ',
        '# TYPE empty gauge',
        '',
      ].join('\n'),
    );
    expect(
      writePrometheusText([
        {
          name: 'inf',
          help: 'h',
          type: 'gauge',
          samples: [{ value: Infinity }, { value: -Infinity }],
        },
      ]),
    ).toContain('inf +Inf\ninf -Inf\n');
  });

  it('round-trips any label value through the escapes', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (value, help) => {
          const text = writePrometheusText([
            { name: 'm', help, type: 'gauge', samples: [{ labels: { v: value }, value: 1 }] },
          ]);
          const family = parseExposition(text).get('m')!;
          expect(family.help).toBe(help);
          expect(family.samples[0]!.labels).toEqual({ v: value });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses bad names, repeated families, bad types and values with InvalidArgument', () => {
    const ok: MetricFamily = { name: 'a', help: '', type: 'gauge', samples: [] };
    invalidArgument(() => writePrometheusText([{ ...ok, name: '1abc' }]));
    invalidArgument(() => writePrometheusText([{ ...ok, name: 'a-b' }]));
    invalidArgument(() => writePrometheusText([ok, ok]));
    invalidArgument(() => writePrometheusText([{ ...ok, type: 'histogram' as never }]));
    invalidArgument(() =>
      writePrometheusText([{ ...ok, samples: [{ labels: { __x: 'y' }, value: 1 }] }]),
    );
    invalidArgument(() =>
      writePrometheusText([{ ...ok, samples: [{ labels: { 'a b': 'y' }, value: 1 }] }]),
    );
    invalidArgument(() =>
      writePrometheusText([{ ...ok, samples: [{ labels: { a: 1 as never }, value: 1 }] }]),
    );
    invalidArgument(() => writePrometheusText([{ ...ok, samples: [{ value: '1' as never }] }]));
  });
});

describe('clusterStatusMetrics', () => {
  it('exposes members by state, the table, every counter and per-peer transport counters', () => {
    const families = parseExposition(writePrometheusText(clusterStatusMetrics(sampleStatus())));
    const value = (name: string, labels: Record<string, string> = {}) =>
      families.get(name)?.samples.find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))
        ?.value;

    expect(families.get('tala_node_info')!.samples[0]!.labels).toEqual({
      id: '18446744073709551615',
      address: '127.0.0.1:7001',
      label: 'tala "prod"\\eu',
    });
    expect(value('tala_uptime_seconds')).toBe('12.5');
    expect(families.get('tala_members')!.samples.map((s) => [s.labels.state, s.value])).toEqual([
      ['alive', '2'],
      ['suspect', '1'],
      ['dead', '1'],
      ['left', '0'],
    ]);
    expect(value('tala_table_present')).toBe('1');
    expect(value('tala_table_version')).toBe('9007199254740993');
    expect(value('tala_table_partitions')).toBe('8');
    expect(value('tala_partitions_owned')).toBe('3');
    expect(value('tala_partitions_replicated')).toBe('2');

    const stats = sampleStatus().stats;
    const counters = Object.keys(stats).filter((key) => key !== 'peers' && key !== 'unconfirmed');
    expect(counters).toHaveLength(14);
    for (const key of counters) {
      const name = `tala_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total`;
      expect(families.get(name)?.type, name).toBe('counter');
      expect(value(name)).toBe(String(stats[key as keyof typeof stats]));
    }
    expect(families.get('tala_unconfirmed')!.type).toBe('gauge');
    expect(value('tala_unconfirmed')).toBe('14');

    expect(families.get('tala_peer_bytes_in_total')!.type).toBe('counter');
    expect(value('tala_peer_bytes_in_total', { peer: '1' })).toBe('100');
    expect(value('tala_peer_bytes_out_total', { peer: '2' })).toBe('8');
    expect(value('tala_peer_reconnects_total', { peer: '2' })).toBe('1');
    expect(families.get('tala_peer_queued_bytes')!.type).toBe('gauge');
    expect(value('tala_peer_queued_bytes', { peer: '1' })).toBe('50');
    for (const family of families.values()) expect(family.help.length).toBeGreaterThan(0);
  });

  it('describes a node without a table or peers with zeros', () => {
    const status: ClusterStatus = {
      ...sampleStatus(),
      members: [],
      table: null,
      stats: { ...sampleStatus().stats, peers: {} },
    };
    const families = parseExposition(writePrometheusText(clusterStatusMetrics(status, 'node_')));
    expect(families.get('node_table_present')!.samples[0]!.value).toBe('0');
    expect(families.get('node_table_version')!.samples[0]!.value).toBe('0');
    expect(families.get('node_partitions_owned')!.samples[0]!.value).toBe('0');
    expect(families.get('node_peer_bytes_in_total')!.samples).toEqual([]);
    expect(families.get('node_members')!.samples.every((s) => s.value === '0')).toBe(true);
  });

  it('refuses a table version that is not a decimal u64 with InvalidArgument', () => {
    const status = sampleStatus();
    invalidArgument(() =>
      clusterStatusMetrics({ ...status, table: { ...status.table!, version: '0x10' } }),
    );
  });
});
