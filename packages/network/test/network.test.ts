import { InProcessNetwork } from '@tala-net/transport-inprocess';
import {
  ErrorReportEvent,
  NodeId,
  PeerConnectEvent,
  PeerDisconnectEvent,
  TalaError,
  type TalaErrorCode,
  TransportMessageEvent,
} from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { expectTalaError, invalidArgument } from '../../../testing/expect-tala-error.js';
import {
  channelId,
  type IncomingMessage,
  Network,
  type NetworkOptions,
  type SendResult,
} from '../src/index.js';
import { bytes, settle, simulated, text } from './support.js';

/** Two in-process nodes (1 and 2) that know each other's address, each with a started network. */
async function pair(options: Omit<NetworkOptions, 'transport'> = {}) {
  const net = new InProcessNetwork();
  const t1 = net.addNode(NodeId(1));
  const t2 = net.addNode(NodeId(2));
  t1.addressBook.set(NodeId(2), t2.address);
  t2.addressBook.set(NodeId(1), t1.address);
  const n1 = new Network({ transport: t1, ...options });
  const n2 = new Network({ transport: t2, ...options });
  await Promise.all([n1.start(), n2.start()]);
  return { net, t1, t2, n1, n2 };
}

function failure(result: SendResult | undefined): TalaErrorCode | undefined {
  return result?.ok === false ? result.error.code : undefined;
}

describe('Network lifecycle', () => {
  it('resolves ready on start and done on stop, idempotently', async () => {
    const transport = new InProcessNetwork().addNode(NodeId(1));
    const network = new Network({ transport });
    expect(network.running).toBe(false);
    const started = network.start();
    expect(network.start()).toBe(started);
    await started;
    await network.ready;
    expect(network.running).toBe(true);
    const stopped = network.stop();
    expect(network.stop()).toBe(stopped);
    await network.done;
    expect(network.running).toBe(false);
    expect(network.start()).toBe(network.ready);
    expect(network.running).toBe(false);
  });

  it('rejects ready with Closed when stopped before it started', async () => {
    const network = new Network({ transport: new InProcessNetwork().addNode(NodeId(1)) });
    await network.stop();
    await expect(network.ready).rejects.toMatchObject({ code: 'Closed' });
  });

  it('stops when its signal aborts or its transport closes, and never closes the transport', async () => {
    const net = new InProcessNetwork();
    const controller = new AbortController();
    const first = new Network({ transport: net.addNode(NodeId(1)) });
    await first.start({ signal: controller.signal });
    controller.abort();
    await first.done;
    const transport = net.addNode(NodeId(2));
    const second = new Network({ transport });
    await second.start();
    expect(transport.closed).toBe(false);
    await transport.close();
    await second.done;
    expect(second.running).toBe(false);
  });

  it('does not start with an aborted signal', async () => {
    const network = new Network({ transport: new InProcessNetwork().addNode(NodeId(1)) });
    await expect(network.start({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'Closed',
    });
    await network.done;
  });

  it('refuses invalid options with InvalidArgument', () => {
    invalidArgument(() => new Network(undefined as unknown as NetworkOptions));
    invalidArgument(() => new Network({ transport: {} as NetworkOptions['transport'] }));
    const transport = new InProcessNetwork().addNode(NodeId(1));
    invalidArgument(() => new Network({ transport, maxPendingRequests: 0 }));
    invalidArgument(() => new Network({ transport, maxMessageBytes: 1.5 }));
    invalidArgument(() => new Network({ transport, requestTimeoutMs: -1 }));
  });
});

describe('Network channels', () => {
  it('gives a channel one processor; a second register fails, unregister frees it', async () => {
    const { n1 } = await pair();
    const conduit = n1.register('consensus', {});
    expect(conduit.channel).toBe('consensus');
    expect(conduit.send(NodeId(2), bytes('x')).ok).toBe(true);
    const error = expectTalaError('ChannelInUse', () => n1.register('consensus', {}));
    expect(error.message).toContain('consensus');
    expect(n1.unregister('consensus')).toBe(true);
    expect(n1.unregister('consensus')).toBe(false);
    const again = n1.register('consensus', {});
    expect(again).not.toBe(conduit);
    expect(failure(conduit.send(NodeId(2), bytes('x')))).toBe('Closed');
    expect(again.send(NodeId(2), bytes('x')).ok).toBe(true);
  });

  it('detects names whose wire ids collide', async () => {
    expect(channelId('costarring')).toBe(channelId('liquid'));
    const { n1 } = await pair();
    n1.register('costarring', {});
    const error = expectTalaError('ChannelIdCollision', () => n1.register('liquid', {}));
    expect(error.message).toContain('costarring');
  });

  it('accepts only short printable ASCII names and processor objects', async () => {
    const { n1 } = await pair();
    for (const name of ['', 'a\tb', 'é', 'x'.repeat(65), 7 as unknown as string]) {
      invalidArgument(() => n1.register(name, {}));
    }
    n1.register('x'.repeat(64), {});
    invalidArgument(() => n1.register('ok', null as unknown as object));
  });

  it('routes each message to its channel processor, with sender and metadata', async () => {
    const { n1, n2 } = await pair();
    const seen: string[] = [];
    const record = (m: IncomingMessage): void => {
      seen.push(`${m.channel}|${m.from}|${text(m.payload)}|${m.metadata.get('k') ?? '-'}`);
    };
    const channels = ['test', 'consensus', 'sync committee', 'push transactions'];
    for (const channel of channels) n2.register(channel, { message: record });
    const conduits = channels.map((channel) => n1.register(channel, {}));
    conduits[2]!.send(NodeId(2), bytes('a'), { metadata: { k: 'v' } });
    conduits[0]!.send(NodeId(2), bytes('b'));
    conduits[3]!.send(NodeId(2), bytes('c'), { metadata: new Map([['k', 'w']]) });
    await settle();
    expect(seen).toEqual(['sync committee|1|a|v', 'test|1|b|-', 'push transactions|1|c|w']);
    expect(n2.metrics().channels['sync committee']).toMatchObject({
      messagesIn: 1,
      bytesIn: 5 + 4 + 6 + 1,
    });
    expect(n1.metrics().channels['sync committee']).toMatchObject({ messagesOut: 1, bytesOut: 16 });
  });

  it('drops and counts a message for a channel without a processor', async () => {
    const { n1, n2 } = await pair();
    const conduit = n1.register('orphan', {});
    expect(conduit.send(NodeId(2), bytes('x')).ok).toBe(true);
    n2.register('mute', {});
    n1.register('mute', {}).send(NodeId(2), bytes('y'));
    await settle();
    expect(n2.metrics().unknownChannel).toBe(1);
    expect(n2.metrics().channels.mute!.dropped).toMatchObject({ noHandler: 1, total: 1 });
  });

  it('counts and reports a processor that throws, and goes on routing', async () => {
    const { n1, n2 } = await pair();
    const errors: ErrorReportEvent[] = [];
    n2.addEventListener('error', (event) => {
      if (event instanceof ErrorReportEvent) errors.push(event);
    });
    const received: string[] = [];
    n2.register('fragile', {
      message: ({ payload }) => {
        if (text(payload) === 'bad') throw new Error('boom');
        received.push(text(payload));
      },
    });
    n2.register('async', {
      message: async () => {
        await settle();
        throw new Error('later');
      },
    });
    const fragile = n1.register('fragile', {});
    fragile.send(NodeId(2), bytes('one'));
    fragile.send(NodeId(2), bytes('bad'));
    fragile.send(NodeId(2), bytes('two'));
    n1.register('async', {}).send(NodeId(2), bytes('x'));
    await settle();
    await settle();
    expect(received).toEqual(['one', 'two']);
    expect(n2.metrics().processorErrors).toBe(2);
    expect(n2.metrics().channels.fragile!.processorErrors).toBe(1);
    expect(errors.map((event) => event.source)).toEqual([
      'processor:fragile:message',
      'processor:async:message',
    ]);
  });
});

describe('Conduit send and broadcast', () => {
  it('reuses one connection per peer for every channel and message', async () => {
    const { n1, n2, t2 } = await pair();
    let connects = 0;
    t2.addEventListener('peer:connect', () => connects++);
    let received = 0;
    for (const channel of ['a', 'b']) n2.register(channel, { message: () => void received++ });
    const conduits = [n1.register('a', {}), n1.register('b', {})];
    for (let i = 0; i < 50; i++) conduits[i % 2]!.send(NodeId(2), bytes(`${i}`));
    await settle();
    expect(received).toBe(50);
    expect(connects).toBe(1);
  });

  it('gives a send made while another is in the transport a message of its own', async () => {
    const { n1, n2, t1 } = await pair();
    const got: string[] = [];
    n2.register('c', { message: ({ payload }) => void got.push(text(payload)) });
    const conduit = n1.register('c', {});
    // A transport that calls back into the network during send, and reads the message after.
    const send = t1.send.bind(t1);
    const read: string[] = [];
    let nested = false;
    t1.send = (to, message) => {
      if (!nested) {
        nested = true;
        expect(conduit.send(NodeId(2), bytes('inner')).ok).toBe(true);
      }
      send(to, message);
      read.push(text((message as { payload: Uint8Array }).payload));
    };
    expect(conduit.send(NodeId(2), bytes('outer')).ok).toBe(true);
    expect(conduit.send(NodeId(2), bytes('next')).ok).toBe(true);
    await settle();
    expect(read).toEqual(['inner', 'outer', 'next']);
    expect(got).toEqual(['inner', 'outer', 'next']);
  });

  it('refuses a send to this node even after a message that names this node as its sender', async () => {
    const { n1, t1 } = await pair();
    let got = 0;
    const conduit = n1.register('c', { message: () => void got++ });
    const looped = {
      type: 'ChannelMessage',
      channel: channelId('c'),
      metadata: [],
      payload: bytes('x'),
    } as const;
    t1.dispatchEvent(new TransportMessageEvent(NodeId(1), looped));
    expect(got).toBe(1);
    expect(failure(conduit.send(NodeId(1), bytes('x')))).toBe('UnknownPeer');
    expect(conduit.send(NodeId(2), bytes('x')).ok).toBe(true);
    expect(failure(conduit.send(NodeId(1), bytes('x')))).toBe('UnknownPeer');
  });

  it('returns errors as values: unknown peer, this node, closed, too large', async () => {
    const { n1, t1 } = await pair({ maxMessageBytes: 64 });
    const conduit = n1.register('c', {});
    expect(failure(conduit.send(NodeId(9), bytes('x')))).toBe('UnknownPeer');
    expect(failure(conduit.send(NodeId(1), bytes('x')))).toBe('UnknownPeer');
    expect(failure(conduit.send(NodeId(2), new Uint8Array(60)))).toBe('MessageTooLarge');
    expect(conduit.send(NodeId(2), new Uint8Array(55)).ok).toBe(true);
    const results = conduit.broadcast([NodeId(2), NodeId(9), NodeId(2)], bytes('x'));
    expect(results.map((r) => [r.to, r.ok])).toEqual([
      [2n, true],
      [9n, false],
    ]);
    await t1.close();
    expect(failure(conduit.send(NodeId(2), bytes('x')))).toBe('Closed');
    expect(n1.metrics().channels.c!.dropped).toMatchObject({
      unknownPeer: 3,
      tooLarge: 1,
      closed: 1,
      total: 5,
    });
  });

  it('counts a send that the transport throws for: MessageTooLarge as tooLarge, the rest as closed', async () => {
    const { n1, t1 } = await pair();
    const conduit = n1.register('c', {});
    const send = t1.send.bind(t1);
    t1.send = () => {
      throw new TalaError('MessageTooLarge', 'over the frame limit');
    };
    expect(failure(conduit.send(NodeId(2), bytes('x')))).toBe('MessageTooLarge');
    t1.send = () => {
      throw new RangeError('no room');
    };
    const refused = conduit.send(NodeId(2), bytes('x'));
    expect(failure(refused)).toBe('InvalidArgument');
    expect(refused.ok === false && refused.error.message).toContain('no room');
    t1.send = send;
    expect(conduit.send(NodeId(2), bytes('x')).ok).toBe(true);
    const metrics = n1.metrics().channels.c!;
    expect(metrics.dropped).toMatchObject({ tooLarge: 1, closed: 1, total: 2 });
    expect(metrics.messagesOut).toBe(1);
  });

  it('counts a send on a conduit whose channel was unregistered as a closed drop', async () => {
    const { n1 } = await pair();
    const conduit = n1.register('c', {});
    n1.unregister('c');
    expect(failure(conduit.send(NodeId(2), bytes('x')))).toBe('Closed');
    expect(n1.metrics().channels.c!.dropped).toMatchObject({ closed: 1, total: 1 });
    expect(n1.metrics().channels.c!.messagesOut).toBe(0);
  });

  it('answers ConnectionFailed for a peer whose connection failed and has no address', async () => {
    const { n1, t1 } = await pair();
    const conduit = n1.register('c', {});
    // Connected: sends to it skip the address book until it disconnects.
    t1.dispatchEvent(new PeerConnectEvent(NodeId(2), 'inproc:2'));
    expect(conduit.send(NodeId(2), bytes('x')).ok).toBe(true);
    t1.addressBook.delete(NodeId(2));
    expect(conduit.send(NodeId(2), bytes('x')).ok).toBe(true);
    t1.dispatchEvent(new PeerDisconnectEvent(NodeId(2), 'error', 'reset'));
    expect(failure(conduit.send(NodeId(2), bytes('x')))).toBe('ConnectionFailed');
    t1.addressBook.set(NodeId(2), 'inproc:2');
    expect(conduit.send(NodeId(2), bytes('x')).ok).toBe(true);
  });

  it('answers QueueFull above the high-water mark of the transport queue', async () => {
    const { networks, run } = await simulated(2, { network: { maxBufferedFrames: 3 } });
    const conduit = networks[0]!.register('c', {});
    const results = Array.from({ length: 5 }, () => conduit.send(NodeId(2), bytes('x')));
    expect(results.map(failure)).toEqual([
      undefined,
      undefined,
      undefined,
      'QueueFull',
      'QueueFull',
    ]);
    await run(10);
    expect(conduit.send(NodeId(2), bytes('x')).ok).toBe(true);
  });

  it('throws InvalidArgument only for what the caller got wrong', async () => {
    const { n1 } = await pair();
    const conduit = n1.register('c', {});
    invalidArgument(() => conduit.send(NodeId(2), 'x' as unknown as Uint8Array));
    invalidArgument(() => conduit.send(-1n as NodeId, bytes('x')));
    invalidArgument(() => conduit.send(NodeId(2), bytes('x'), { metadata: { 'a b': 'c' } }));
    invalidArgument(() =>
      conduit.send(NodeId(2), bytes('x'), { metadata: { k: 1 as unknown as string } }),
    );
  });

  it('keeps per-channel per-peer order under concurrent senders', async () => {
    const { networks, run } = await simulated(4, {
      link: { latency: { kind: 'uniform', min: 1, max: 20 } },
    });
    const seen = new Map<string, number[]>();
    const channels = ['a', 'b', 'c'];
    for (const network of networks.slice(1)) {
      for (const channel of channels) {
        network.register(channel, {
          message: ({ from, payload }) => {
            const key = `${channel}:${from}:${networks.indexOf(network)}`;
            const list = seen.get(key) ?? [];
            list.push(new DataView(payload.buffer, payload.byteOffset).getUint32(0, true));
            seen.set(key, list);
          },
        });
      }
    }
    const conduits = channels.map((channel) => networks[0]!.register(channel, {}));
    const senders = conduits.map(async (conduit, c) => {
      for (let i = 0; i < 40; i++) {
        const payload = new Uint8Array(4);
        new DataView(payload.buffer).setUint32(0, i, true);
        const results = conduit.broadcast([NodeId(2), NodeId(3), NodeId(4)], payload);
        expect(results.every((r) => r.ok)).toBe(true);
        if ((i + c) % 3 === 0) await settle();
      }
    });
    await Promise.all(senders);
    await run(50);
    expect(seen.size).toBe(9);
    for (const list of seen.values()) expect(list).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});

describe('TalaError codes', () => {
  it('are TalaErrors', () => {
    expect(new TalaError('UnknownPeer', 'x')).toBeInstanceOf(TalaError);
  });
});
