import { TcpTransport } from '@tala-net/transport-tcp';
import { NodeId } from '@tala-net/types';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, Network, RequestError, registerNetworkMessages } from '../src/index.js';
import { bytes, text } from './support.js';

registerNetworkMessages();

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** `count` TCP nodes on 127.0.0.1 (ids 1 … count), each with a started network, all dialled. */
async function tcpNodes(
  count: number,
): Promise<{ transports: TcpTransport[]; networks: Network[] }> {
  const transports = Array.from(
    { length: count },
    (_, i) => new TcpTransport({ localId: NodeId(i + 1) }),
  );
  const networks = transports.map((transport) => new Network({ transport }));
  for (const [i, transport] of transports.entries()) {
    open.push(async () => {
      await networks[i]!.stop();
      await transport.close({ timeoutMs: 1_000 });
    });
  }
  const addresses = await Promise.all(transports.map((t) => t.listen('127.0.0.1:0')));
  await Promise.all(networks.map((network) => network.start()));
  for (const [i, a] of transports.entries()) {
    for (const [j, address] of addresses.entries()) if (i < j) await a.dial(address);
  }
  return { transports, networks };
}

describe('Network over TCP on loopback', () => {
  it('answers 64 concurrent requests over one reused connection', async () => {
    const { transports, networks } = await tcpNodes(2);
    networks[1]!.register('echo', { request: ({ payload }) => payload });
    const echo = networks[0]!.register('echo', {});
    const answers = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        echo.request(NodeId(2), bytes(`request ${i}`), { timeout: 30_000 }),
      ),
    );
    expect(answers.map(text)).toEqual(Array.from({ length: 64 }, (_, i) => `request ${i}`));
    const stats = transports[0]!.stats;
    expect(stats.connections).toBe(1);
    expect(stats.reconnects).toBe(0);
    expect(networks[0]!.metrics().channels.echo).toMatchObject({
      messagesOut: 64,
      messagesIn: 64,
      requestsInFlight: 0,
      latency: { count: 64 },
    });
  });

  it('delivers channel messages in order per channel and peer, from several senders', async () => {
    const { networks } = await tcpNodes(3);
    const got = new Map<string, number[]>();
    let total = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => {
      done = resolve;
    });
    for (const channel of ['a', 'b']) {
      networks[2]!.register(channel, {
        message: ({ from, payload }) => {
          const key = `${channel}:${from}`;
          got.set(key, [...(got.get(key) ?? []), Number(text(payload))]);
          if (++total === 4 * 200) done();
        },
      });
    }
    const senders = networks
      .slice(0, 2)
      .flatMap((network) => ['a', 'b'].map((channel) => network.register(channel, {})));
    for (let i = 0; i < 200; i++) {
      for (const conduit of senders) expect(conduit.send(NodeId(3), bytes(`${i}`)).ok).toBe(true);
    }
    await all;
    const expected = Array.from({ length: 200 }, (_, i) => i);
    expect([...got.keys()].sort()).toEqual(['a:1', 'a:2', 'b:1', 'b:2']);
    for (const list of got.values()) expect(list).toEqual(expected);
  });

  it('carries error codes, megabyte payloads, and refuses what is over the limit', async () => {
    const { networks } = await tcpNodes(2);
    networks[1]!.register('kv', {
      request: ({ payload }) => {
        if (payload.length === 1) throw new RequestError(ErrorCode.NotEnoughReplicas, '1 of 3');
        return payload.subarray(0, 4);
      },
    });
    const kv = networks[0]!.register('kv', {});
    await expect(kv.request(NodeId(2), new Uint8Array(1))).rejects.toMatchObject({
      code: 'NotEnoughReplicas',
      errorCode: 8,
      retriable: true,
      message: '1 of 3',
    });
    const big = new Uint8Array(1024 * 1024).fill(7);
    expect(await kv.request(NodeId(2), big, { timeout: 30_000 })).toEqual(
      new Uint8Array([7, 7, 7, 7]),
    );
    await expect(kv.request(NodeId(2), new Uint8Array(16 * 1024 * 1024))).rejects.toMatchObject({
      code: 'MessageTooLarge',
    });
  });

  it('takes its kinds through the message handler, no events; what arrived before start comes as events', async () => {
    const [a, b] = [1, 2].map((id) => new TcpTransport({ localId: NodeId(id) })) as [
      TcpTransport,
      TcpTransport,
    ];
    const [sender, receiver] = [new Network({ transport: a }), new Network({ transport: b })];
    open.push(async () => {
      await Promise.all([sender.stop(), receiver.stop()]);
      await Promise.all([a.close({ timeoutMs: 1_000 }), b.close({ timeoutMs: 1_000 })]);
    });
    await sender.start();
    await a.dial(await b.listen('127.0.0.1:0'));
    const conduit = sender.register('c', {});
    expect(conduit.send(NodeId(2), bytes('early')).ok).toBe(true);
    await a.drained(NodeId(2));
    // Held for recv() (nobody listens yet): the receiver's start gets it as an event.
    const got: string[] = [];
    let events = 0;
    let done!: () => void;
    const both = new Promise<void>((resolve) => {
      done = resolve;
    });
    receiver.register('c', {
      message: ({ payload }) => {
        got.push(text(payload));
        if (got.length === 2) done();
      },
    });
    while (b.stats.framesIn < 2) await new Promise((resolve) => setImmediate(resolve));
    const started = receiver.start();
    b.addEventListener('message', () => events++);
    await started;
    expect(conduit.send(NodeId(2), bytes('late')).ok).toBe(true);
    await both;
    expect(got).toEqual(['early', 'late']);
    // The early message was dispatched as an event (to both listeners), the late one was not.
    expect(events).toBe(1);
  });

  it('fails requests to a peer that went away: Closed results, then timeouts', async () => {
    const { transports, networks } = await tcpNodes(2);
    networks[1]!.register('x', { request: () => new Promise<Uint8Array>(() => {}) });
    const conduit = networks[0]!.register('x', {});
    const pending = conduit.request(NodeId(2), bytes('never answered'), { timeout: 200 });
    await expect(pending).rejects.toMatchObject({ code: 'RequestTimedOut' });
    await transports[0]!.close({ timeoutMs: 100 });
    expect(conduit.send(NodeId(2), bytes('x'))).toMatchObject({
      ok: false,
      error: { code: 'Closed' },
    });
    await networks[0]!.done;
  });
});
