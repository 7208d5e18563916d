import { NodeId, seededRandom, TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  errorCodeName,
  type IncomingRequest,
  isRetriable,
  Network,
  RequestError,
} from '../src/index.js';
import { bytes, settle, simulated, text } from './support.js';

/** Runs `promise` to completion while virtual time advances, and returns how it settled. */
async function outcome<T>(
  promise: Promise<T>,
  run: (ms: number) => Promise<void>,
  ms = 10_000,
): Promise<{ value?: T; error?: TalaError }> {
  let result: { value?: T; error?: TalaError } | undefined;
  promise.then(
    (value) => {
      result = { value };
    },
    (error: TalaError) => {
      result = { error };
    },
  );
  for (let waited = 0; result === undefined && waited < ms; waited += 10) await run(10);
  if (result === undefined) throw new Error('the request did not settle');
  return result;
}

describe('error codes', () => {
  it('are exactly the protocol list, with exactly five retriable', () => {
    expect(Object.entries(ErrorCode)).toEqual(
      [
        'None',
        'Unknown',
        'CorruptMessage',
        'UnknownTopic',
        'InvalidPartition',
        'LeaderNotAvailable',
        'NotLeaderForPartition',
        'RequestTimedOut',
        'NotEnoughReplicas',
        'NotEnoughReplicasAfterAppend',
        'InvalidRequiredAcks',
        'NotController',
        'InvalidRequest',
        'UnsupportedVersion',
        'TopicAlreadyExists',
        'InvalidReplicationFactor',
        'IneligibleReplica',
        'OffsetOutOfRange',
        'NotReplicaForPartition',
        'GroupAuthorizationFailed',
        'UnknownMemberId',
      ].map((name, code) => [name, code]),
    );
    const retriable = Array.from({ length: 100 }, (_, code) => code).filter(isRetriable);
    expect(retriable.map(errorCodeName)).toEqual([
      'LeaderNotAvailable',
      'NotLeaderForPartition',
      'RequestTimedOut',
      'NotEnoughReplicas',
      'NotController',
    ]);
    expect(errorCodeName(21)).toBe('Unknown');
  });

  it('make RequestErrors that are TalaErrors, and refuse codes outside 1 … 65535', () => {
    const error = new RequestError(ErrorCode.NotController, 'ask node 3');
    expect(error).toBeInstanceOf(TalaError);
    expect(error).toBeInstanceOf(RequestError);
    expect(new TalaError('Closed', 'x')).not.toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: 'NotController', errorCode: 11, retriable: true });
    expect(new RequestError(999, 'x')).toMatchObject({ code: 'Unknown', errorCode: 999 });
    for (const code of [0, -1, 65536, 1.5]) {
      expect(() => new RequestError(code, 'x')).toThrow(TalaError);
    }
  });
});

describe('Conduit request', () => {
  it('resolves with the response; the responder sees the remaining budget as a deadline', async () => {
    const { networks, sim, run } = await simulated(2);
    const seen: IncomingRequest[] = [];
    networks[1]!.register('echo', {
      request: (request) => {
        seen.push(request);
        return request.payload;
      },
    });
    const echo = networks[0]!.register('echo', {});
    const started = sim.now();
    const { value } = await outcome(
      echo.request(NodeId(2), bytes('hi'), { timeout: 300, metadata: { trace: 't-1' } }),
      run,
    );
    expect(text(value!)).toBe('hi');
    expect(seen[0]).toMatchObject({ channel: 'echo', from: 1n, deadline: started + 5 + 300 });
    expect([...seen[0]!.metadata]).toEqual([['trace', 't-1']]);
    await expect(echo.request(NodeId(2), bytes('x'), { timeout: 2 ** 31 })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    const metrics = networks[0]!.metrics().channels.echo!;
    expect(metrics.latency).toMatchObject({ count: 1, maxMs: 10 });
    expect(metrics.latency.p50Ms).toBe(10);
    expect(metrics).toMatchObject({ requestsInFlight: 0, requestsFailed: 0, messagesIn: 1 });
  });

  it('rejects with the code the processor threw, Unknown for anything else', async () => {
    const { networks, run } = await simulated(2);
    const errors: unknown[] = [];
    networks[1]!.addEventListener('error', (event) => errors.push(event));
    networks[1]!.register('coded', {
      request: ({ payload }) => {
        if (text(payload) === 'coded') throw new RequestError(ErrorCode.InvalidPartition, 'p9');
        if (text(payload) === 'async') return Promise.reject(new Error('secret detail'));
        throw new Error('secret detail');
      },
    });
    const conduit = networks[0]!.register('coded', {});
    const coded = await outcome(conduit.request(NodeId(2), bytes('coded')), run);
    expect(coded.error).toMatchObject({ code: 'InvalidPartition', errorCode: 4, message: 'p9' });
    for (const payload of ['plain', 'async']) {
      const { error } = await outcome(conduit.request(NodeId(2), bytes(payload)), run);
      expect(error).toMatchObject({ code: 'Unknown', errorCode: 1 });
      expect(error!.message).not.toContain('secret');
    }
    expect(networks[1]!.metrics().channels.coded!.processorErrors).toBe(2);
    expect(errors).toHaveLength(2);
  });

  it('answers UnknownTopic without a processor and InvalidRequest without a request handler', async () => {
    const { networks, run } = await simulated(2);
    networks[1]!.register('oneway', { message: () => {} });
    const oneway = networks[0]!.register('oneway', {});
    const nobody = networks[0]!.register('nobody', {});
    expect((await outcome(nobody.request(NodeId(2), bytes('x')), run)).error).toMatchObject({
      code: 'UnknownTopic',
    });
    expect((await outcome(oneway.request(NodeId(2), bytes('x')), run)).error).toMatchObject({
      code: 'InvalidRequest',
    });
    expect(networks[1]!.metrics().unknownChannel).toBe(1);
  });

  it('answers UnsupportedVersion to a request of another version', async () => {
    const { networks, sim, run } = await simulated(2);
    networks[1]!.register('v', { request: () => new Uint8Array(0) });
    const t1 = sim.transport(NodeId(1));
    const responses: unknown[] = [];
    t1.addEventListener('message', (event) => {
      if (event.message.type === 'ChannelResponse') responses.push(event.message);
    });
    t1.send(NodeId(2), {
      type: 'ChannelRequest',
      version: 2,
      correlationId: 77n,
      source: NodeId(1),
      budgetMs: 100,
      channel: 0,
      metadata: [],
      payload: new Uint8Array(0),
    });
    await run(20);
    expect(responses).toMatchObject([{ correlationId: 77n, errorCode: 13 }]);
    expect(networks[1]!.metrics().unsupportedVersion).toBe(1);
  });

  it('rejects with UnsupportedVersion when the responder does not speak its version', async () => {
    const { networks, sim, run } = await simulated(2);
    // Node 2 runs a responder that speaks no version of ours.
    await networks[1]!.stop();
    const t2 = sim.transport(NodeId(2));
    t2.addEventListener('message', ({ from, message }) => {
      if (message.type !== 'ChannelRequest') return;
      t2.send(from, {
        type: 'ChannelResponse',
        correlationId: message.correlationId,
        errorCode: ErrorCode.UnsupportedVersion,
        errorMessage: 'only version 7',
        payload: new Uint8Array(0),
      });
    });
    const conduit = networks[0]!.register('v', {});
    const { error } = await outcome(conduit.request(NodeId(2), bytes('x'), { retry: true }), run);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({
      code: 'UnsupportedVersion',
      errorCode: 13,
      retriable: false,
      message: 'only version 7',
    });
  });

  it('times out in virtual time with RequestTimedOut and counts the late response', async () => {
    const { networks, sim, run } = await simulated(2, {
      link: { latency: { kind: 'fixed', ms: 50 } },
    });
    networks[1]!.register('slow', { request: () => new Uint8Array(0) });
    const conduit = networks[0]!.register('slow', {});
    const started = sim.now();
    let settledAt = -1;
    const request = conduit.request(NodeId(2), bytes('x'), { timeout: 80 });
    request.catch(() => {
      settledAt = sim.now();
    });
    const { error } = await outcome(request, run);
    expect(error).toMatchObject({ code: 'RequestTimedOut', errorCode: 7, retriable: true });
    expect(settledAt - started).toBe(80);
    await run(50);
    expect(networks[0]!.metrics().responsesDropped).toEqual({
      late: 1,
      duplicate: 0,
      unmatched: 0,
    });
    expect(networks[0]!.metrics().channels.slow).toMatchObject({
      requestsFailed: 1,
      requestsInFlight: 0,
    });
  });

  it('does not answer after the budget: the response is dropped as expired', async () => {
    const { networks, run } = await simulated(2);
    let release!: () => void;
    networks[1]!.register('late', {
      request: () =>
        new Promise<Uint8Array>((resolve) => {
          release = () => resolve(new Uint8Array(0));
        }),
    });
    const conduit = networks[0]!.register('late', {});
    const request = conduit.request(NodeId(2), bytes('x'), { timeout: 30 });
    const { error } = await outcome(request, run);
    expect(error?.code).toBe('RequestTimedOut');
    // The responder got the request 5 ms after it was sent: its deadline is 5 ms later too.
    await run(10);
    release();
    await run(20);
    expect(networks[1]!.metrics().channels.late!.dropped.expired).toBe(1);
    expect(networks[0]!.metrics().responsesDropped.late).toBe(0);
  });

  it('drops and counts duplicate responses; the request resolves once', async () => {
    const { networks, run } = await simulated(2, {
      link: { latency: { kind: 'fixed', ms: 5 }, duplicate: 1 },
    });
    let served = 0;
    networks[1]!.register('dup', {
      request: () => {
        served++;
        return bytes('once');
      },
    });
    const conduit = networks[0]!.register('dup', {});
    let resolutions = 0;
    const { value } = await outcome(
      conduit.request(NodeId(2), bytes('x')).then((v) => {
        resolutions++;
        return v;
      }),
      run,
    );
    await run(50);
    expect(text(value!)).toBe('once');
    expect(resolutions).toBe(1);
    // The request is duplicated too: both copies are served, every extra response is dropped.
    expect(served).toBe(2);
    expect(networks[0]!.metrics().responsesDropped.duplicate).toBe(3);
  });

  it('retries retriable codes with backoff inside the deadline, never the others', async () => {
    const { networks, run } = await simulated(2);
    const calls: number[] = [];
    let failures = 2;
    networks[1]!.register('leader', {
      request: ({ payload }) => {
        calls.push(payload[0]!);
        if (payload[0] === 1 && failures-- > 0) {
          throw new RequestError(ErrorCode.NotLeaderForPartition, 'moved');
        }
        if (payload[0] === 2) throw new RequestError(ErrorCode.InvalidRequest, 'never');
        return new Uint8Array([42]);
      },
    });
    const conduit = networks[0]!.register('leader', {});
    const retried = await outcome(
      conduit.request(NodeId(2), new Uint8Array([1]), { retry: { attempts: 5, baseMs: 10 } }),
      run,
    );
    expect(retried.value).toEqual(new Uint8Array([42]));
    expect(calls).toEqual([1, 1, 1]);
    const notRetried = await outcome(
      conduit.request(NodeId(2), new Uint8Array([2]), { retry: true }),
      run,
    );
    expect(notRetried.error).toMatchObject({ code: 'InvalidRequest' });
    expect(calls).toEqual([1, 1, 1, 2]);
    failures = 100;
    const exhausted = await outcome(
      conduit.request(NodeId(2), new Uint8Array([1]), { retry: { attempts: 3, baseMs: 1 } }),
      run,
    );
    expect(exhausted.error).toMatchObject({ code: 'NotLeaderForPartition' });
    expect(calls.length).toBe(7);
  });

  it('an abort in the same turn as a failed attempt stops the retries', async () => {
    const { networks, sim, run } = await simulated(2);
    let calls = 0;
    networks[1]!.register('leader', {
      request: () => {
        if (++calls === 1) throw new RequestError(ErrorCode.NotLeaderForPartition, 'moved');
        return new Uint8Array([42]);
      },
    });
    const conduit = networks[0]!.register('leader', {});
    const controller = new AbortController();
    const request = conduit.request(NodeId(2), new Uint8Array([1]), {
      retry: { attempts: 5, baseMs: 10 },
      signal: controller.signal,
    });
    const result = outcome(request, run);
    // Step time until the refusal ends the first attempt, then abort before anything else runs.
    const inFlight = () => networks[0]!.metrics().channels.leader!.requestsInFlight;
    while (inFlight() > 0) {
      sim.runUntil(sim.now() + 1);
      if (inFlight() === 0) controller.abort();
      else await settle();
    }
    expect((await result).error).toMatchObject({ code: 'Aborted' });
    expect(calls).toBe(1);
  });

  it('stop() rejects a request waiting between two attempts', async () => {
    const { networks, run } = await simulated(2);
    networks[1]!.register('leader', {
      request: () => {
        throw new RequestError(ErrorCode.NotLeaderForPartition, 'moved');
      },
    });
    const conduit = networks[0]!.register('leader', {});
    const request = conduit.request(NodeId(2), new Uint8Array([1]), {
      timeout: 10_000_000,
      retry: { attempts: 5, baseMs: 3_600_000, capMs: 3_600_000, attemptTimeoutMs: 1_000 },
    });
    let error: TalaError | undefined;
    request.catch((e: TalaError) => {
      error = e;
    });
    await run(100);
    expect(networks[0]!.metrics().channels.leader!.requestsInFlight).toBe(0);
    expect(error).toBeUndefined();
    await networks[0]!.stop();
    await run(10);
    expect(error).toMatchObject({ code: 'Closed' });
  });

  it('a response to a request of an earlier network on the same transport answers none of the new one', async () => {
    const { networks, sim, run } = await simulated(2);
    const answers: ((bytes: Uint8Array) => void)[] = [];
    networks[1]!.register('slow', {
      request: () => new Promise<Uint8Array>((resolve) => answers.push(resolve)),
    });
    const { transport } = networks[0]!;
    const old = networks[0]!
      .register('slow', {})
      .request(NodeId(2), bytes('old?'), { timeout: 5_000 });
    old.catch(() => {});
    await run(20);
    await networks[0]!.stop();
    const renewed = new Network({
      transport,
      clock: sim.clockFor(NodeId(1)),
      // A new process draws new randomness.
      random: seededRandom(7),
    });
    await renewed.start();
    const fresh = renewed
      .register('slow', {})
      .request(NodeId(2), bytes('new?'), { timeout: 5_000 });
    let answered: Uint8Array | undefined;
    fresh.then(
      (value) => {
        answered = value;
      },
      () => {},
    );
    await run(20);
    expect(answers).toHaveLength(2);
    answers[0]!(bytes('old'));
    await run(20);
    expect(answered).toBeUndefined();
    answers[1]!(bytes('new'));
    await run(20);
    expect(text(answered!)).toBe('new');
    await renewed.stop();
  });

  it('retries timed-out attempts within the overall deadline and stops at it', async () => {
    const { networks, sim, run } = await simulated(2, {
      link: { latency: { kind: 'fixed', ms: 5 } },
    });
    let served = 0;
    networks[1]!.register('flaky', {
      request: () => {
        served++;
        return served < 3 ? new Promise<Uint8Array>(() => {}) : bytes('finally');
      },
    });
    const conduit = networks[0]!.register('flaky', {});
    const started = sim.now();
    const { value } = await outcome(
      conduit.request(NodeId(2), bytes('x'), {
        timeout: 500,
        retry: { attempts: 10, baseMs: 5, capMs: 20, attemptTimeoutMs: 50 },
      }),
      run,
    );
    expect(text(value!)).toBe('finally');
    expect(served).toBe(3);
    expect(sim.now() - started).toBeLessThan(500);
    served = -1000;
    const begin = sim.now();
    let endedAt = 0;
    const deadline = conduit.request(NodeId(2), bytes('x'), {
      timeout: 200,
      retry: { attempts: 100, baseMs: 5, capMs: 20, attemptTimeoutMs: 50 },
    });
    deadline.catch(() => {
      endedAt = sim.now();
    });
    const { error } = await outcome(deadline, run);
    expect(error?.code).toBe('RequestTimedOut');
    expect(endedAt - begin).toBeLessThanOrEqual(200);
  });

  it('cancels on abort, with the signal reason as the cause', async () => {
    const { networks, run } = await simulated(2, { link: { latency: { kind: 'fixed', ms: 50 } } });
    networks[1]!.register('abort', { request: () => new Uint8Array(0) });
    const conduit = networks[0]!.register('abort', {});
    const controller = new AbortController();
    const request = conduit.request(NodeId(2), bytes('x'), { signal: controller.signal });
    await run(10);
    controller.abort('changed my mind');
    const { error } = await outcome(request, run);
    expect(error).toMatchObject({ code: 'Aborted', cause: 'changed my mind' });
    await run(100);
    expect(networks[0]!.metrics().responsesDropped.late).toBe(1);
    const already = await outcome(
      conduit.request(NodeId(2), bytes('x'), { signal: AbortSignal.abort() }),
      run,
    );
    expect(already.error?.code).toBe('Aborted');
  });

  it('refuses a payload over the maximum before sending it', async () => {
    const { networks, sim, run } = await simulated(2, { network: { maxMessageBytes: 1024 } });
    const conduit = networks[0]!.register('big', {});
    const sent = sim.stats.sent;
    const { error } = await outcome(conduit.request(NodeId(2), new Uint8Array(1024)), run);
    expect(error?.code).toBe('MessageTooLarge');
    expect(sim.stats.sent).toBe(sent);
    expect(networks[0]!.metrics().channels.big!.dropped.tooLarge).toBe(1);
  });

  it('refuses 16 MiB payloads by default, before encoding anything', async () => {
    const { networks, sim, run } = await simulated(2);
    const conduit = networks[0]!.register('big', {});
    const { error } = await outcome(
      conduit.request(NodeId(2), new Uint8Array(16 * 1024 * 1024)),
      run,
    );
    expect(error?.code).toBe('MessageTooLarge');
    expect(sim.stats.sent).toBe(0);
  });

  it('bounds pending requests', async () => {
    const { networks, run } = await simulated(2, { network: { maxPendingRequests: 2 } });
    networks[1]!.register('p', { request: () => new Uint8Array(0) });
    const conduit = networks[0]!.register('p', {});
    const first = conduit.request(NodeId(2), bytes('1'));
    const second = conduit.request(NodeId(2), bytes('2'));
    const third = await outcome(conduit.request(NodeId(2), bytes('3')), run);
    expect(third.error?.code).toBe('TooManyPendingRequests');
    expect((await outcome(first, run)).value).toBeDefined();
    expect((await outcome(second, run)).value).toBeDefined();
    expect(networks[0]!.metrics().pendingRequests).toBe(0);
  });

  it('bounds the requests it serves at once: beyond it, answers Unknown at once', async () => {
    const { networks, run } = await simulated(2, { network: { maxServingRequests: 2 } });
    const release: (() => void)[] = [];
    networks[1]!.register('busy', {
      request: () =>
        new Promise<Uint8Array>((resolve) => {
          release.push(() => resolve(bytes('done')));
        }),
    });
    const conduit = networks[0]!.register('busy', {});
    const held = [conduit.request(NodeId(2), bytes('1')), conduit.request(NodeId(2), bytes('2'))];
    await run(10);
    const refused = await outcome(conduit.request(NodeId(2), bytes('3')), run);
    expect(refused.error).toMatchObject({ code: 'Unknown', errorCode: 1 });
    expect(networks[1]!.metrics().channels.busy!.dropped.overloaded).toBe(1);
    for (const answer of release) answer();
    for (const request of held) expect(text((await outcome(request, run)).value!)).toBe('done');
    // Room again: the next request is served.
    const fourth = conduit.request(NodeId(2), bytes('4'));
    await run(10);
    expect(release).toHaveLength(3);
    release[2]!();
    expect(text((await outcome(fourth, run)).value!)).toBe('done');
  });

  it('rejects with the send failure when the request cannot be sent', async () => {
    const { networks, run } = await simulated(2);
    const conduit = networks[0]!.register('x', {});
    expect((await outcome(conduit.request(NodeId(9), bytes('x')), run)).error?.code).toBe(
      'UnknownPeer',
    );
    expect(networks[0]!.metrics().pendingRequests).toBe(0);
  });

  it('rejects pending requests with Closed when the network stops', async () => {
    const { networks, run } = await simulated(2);
    networks[1]!.register('s', { request: () => new Promise<Uint8Array>(() => {}) });
    const conduit = networks[0]!.register('s', {});
    const request = conduit.request(NodeId(2), bytes('x'));
    await run(10);
    await networks[0]!.stop();
    const { error } = await outcome(request, run);
    expect(error?.code).toBe('Closed');
    expect((await outcome(conduit.request(NodeId(2), bytes('x')), run)).error?.code).toBe('Closed');
    await settle();
  });
});
