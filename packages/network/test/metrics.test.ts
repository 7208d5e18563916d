import type { Attributes, Meter, MetricOptions } from '@opentelemetry/api';
import { NodeId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RequestError } from '../src/index.js';
import { LatencyHistogram } from '../src/latency-histogram.js';
import { bytes, simulated } from './support.js';

/** One call to an instrument: its name, the value and the attributes. */
interface Recorded {
  readonly instrument: string;
  readonly value: number;
  readonly attributes: Attributes | undefined;
}

/**
 * A Meter that records every instrument created and every value recorded, in order. Only the
 * synchronous instruments a network uses are implemented; the others throw.
 */
function recordingMeter(): {
  meter: Meter;
  created: [string, MetricOptions | undefined][];
  calls: Recorded[];
} {
  const created: [string, MetricOptions | undefined][] = [];
  const calls: Recorded[] = [];
  const instrument = (name: string, options: MetricOptions | undefined) => {
    created.push([name, options]);
    const record = (value: number, attributes?: Attributes): void => {
      calls.push({ instrument: name, value, attributes });
    };
    return { add: record, record };
  };
  const unused = (): never => {
    throw new Error('not used by a network');
  };
  const meter: Meter = {
    createCounter: instrument,
    createUpDownCounter: instrument,
    createHistogram: instrument,
    createGauge: unused,
    createObservableGauge: unused,
    createObservableCounter: unused,
    createObservableUpDownCounter: unused,
    addBatchObservableCallback: unused,
    removeBatchObservableCallback: unused,
  };
  return { meter, created, calls };
}

const sum = (calls: Recorded[], instrument: string, attributes: Attributes): number =>
  calls
    .filter(
      (call) =>
        call.instrument === instrument &&
        Object.entries(attributes).every(([key, value]) => call.attributes?.[key] === value),
    )
    .reduce((total, call) => total + call.value, 0);

describe('LatencyHistogram', () => {
  it('answers quantiles within 12.5 % above the exact ones, in bounded memory', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 100_000, noNaN: true }), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.constantFrom(0.5, 0.9, 0.99, 1),
        (values, q) => {
          const histogram = new LatencyHistogram();
          for (const value of values) histogram.record(value);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.max(0, Math.ceil(q * values.length) - 1)]!;
          const estimate = histogram.quantile(q);
          expect(estimate).toBeGreaterThanOrEqual(exact);
          expect(estimate).toBeLessThanOrEqual(exact * 1.125 + 0.001);
          expect(histogram.count).toBe(values.length);
        },
      ),
    );
  });

  it('is 0 when empty and clamps what is out of range', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.quantile(0.5)).toBe(0);
    histogram.record(-5);
    histogram.record(Number.NaN);
    expect(histogram.quantile(1)).toBe(0);
    histogram.record(1e12);
    expect(histogram.max).toBe(1e12);
    expect(histogram.quantile(1)).toBe(1e12);
  });
});

describe('Network metrics', () => {
  it('counts per channel: messages and bytes, drops by cause, errors, latency', async () => {
    const { networks, run } = await simulated(2, { link: { latency: { kind: 'fixed', ms: 3 } } });
    networks[1]!.register('rpc', {
      request: ({ payload }) => {
        if (payload[0] === 1) throw new Error('broken');
        if (payload[0] === 2) throw new RequestError(ErrorCode.NotController, 'no');
        return payload;
      },
    });
    const conduit = networks[0]!.register('rpc', {});
    const requests = [0, 0, 1, 2].map((kind) =>
      conduit.request(NodeId(2), new Uint8Array([kind])).then(
        () => 'ok',
        (error: { code: string }) => error.code,
      ),
    );
    conduit.send(NodeId(9), bytes('x'));
    await run(20);
    expect(await Promise.all(requests)).toEqual(['ok', 'ok', 'Unknown', 'NotController']);
    const requester = networks[0]!.metrics().channels.rpc!;
    // Requests: 5-byte header + 26 fixed + 1 metadata + 1 payload; responses 5 + 12 + payload.
    expect(requester).toMatchObject({
      messagesOut: 4,
      bytesOut: 4 * 33,
      messagesIn: 4,
      requestsInFlight: 0,
      requestsFailed: 2,
      latency: { count: 4, p50Ms: 6, p99Ms: 6, maxMs: 6 },
    });
    expect(requester.dropped).toMatchObject({ unknownPeer: 1, total: 1 });
    const responder = networks[1]!.metrics().channels.rpc!;
    expect(responder).toMatchObject({
      messagesIn: 4,
      bytesIn: 4 * 33,
      messagesOut: 4,
      processorErrors: 1,
    });
    expect(responder.bytesOut).toBe(2 * 18 + (17 + 'the processor failed'.length) + (17 + 2));
  });

  it('records the same on OpenTelemetry instruments of a passed Meter', async () => {
    const { meter, created, calls } = recordingMeter();
    const { networks, run } = await simulated(2, {
      link: { latency: { kind: 'fixed', ms: 4 } },
      network: { meter },
    });
    // Each of the two networks creates its instruments on the meter.
    expect(created.map(([name]) => name).slice(0, 6)).toEqual([
      'tala_net.network.messages',
      'tala_net.network.bytes',
      'tala_net.network.drops',
      'tala_net.network.processor_errors',
      'tala_net.network.requests_in_flight',
      'tala_net.network.request.duration',
    ]);
    expect(created.find(([name]) => name === 'tala_net.network.request.duration')?.[1]?.unit).toBe(
      'ms',
    );
    networks[1]!.register('kv', {
      request: ({ payload }) => payload,
      message: () => {
        throw new Error('bad');
      },
    });
    const conduit = networks[0]!.register('kv', {});
    const answer = conduit.request(NodeId(2), bytes('abc'));
    conduit.send(NodeId(2), bytes('x'));
    conduit.send(NodeId(7), bytes('x'));
    await run(20);
    await answer;
    const out = { channel: 'kv', direction: 'out' };
    // The request and the message of node 1, the response of node 2.
    expect(sum(calls, 'tala_net.network.messages', out)).toBe(3);
    expect(sum(calls, 'tala_net.network.drops', { channel: 'kv', cause: 'unknownPeer' })).toBe(1);
    expect(sum(calls, 'tala_net.network.processor_errors', { channel: 'kv' })).toBe(1);
    const inFlight = calls.filter(
      (call) => call.instrument === 'tala_net.network.requests_in_flight',
    );
    expect(inFlight.map((call) => call.value)).toEqual([1, -1]);
    const durations = calls.filter(
      (call) => call.instrument === 'tala_net.network.request.duration',
    );
    expect(durations).toEqual([
      { instrument: 'tala_net.network.request.duration', value: 8, attributes: { channel: 'kv' } },
    ]);
    const metrics = networks[0]!.metrics().channels.kv!;
    expect(sum(calls, 'tala_net.network.bytes', out)).toBe(
      metrics.bytesOut + networks[1]!.metrics().channels.kv!.bytesOut,
    );
  });
});
