import * as net from 'node:net';
import { type Conduit, Network, registerNetworkMessages } from '@tala-net/network';
import { TcpTransport } from '@tala-net/transport-tcp';
import { NodeId } from '@tala-net/types';
import type { Suite } from '../suite.js';

/**
 * Request/response and channel messages of `@tala-net/network` over `TcpTransport` on
 * loopback, side by side in one run with their baselines:
 *
 * - the ceiling: a minimal correlation-id RPC over raw `node:net` (frames `[length u32][id
 *   u32][payload]`, writes coalesced per turn on both sides), 16-byte payloads, with 1 and 64
 *   requests in flight, throughput and p50/p99 latency;
 * - `Conduit.send` of 16-byte channel messages against `TcpTransport.send` of the same
 *   `ChannelMessage` frames (the bare transport), time until the receiver has them all.
 *
 * Each measurement alternates the variants and reports the median of the repetitions.
 */
const PAYLOAD = new Uint8Array(16).fill(0xab);
const REPETITIONS = 5;
const REQUESTS = { 1: 3_000, 64: 40_000 } as const;
const MESSAGES = 200_000;
const BATCH = 4_096;

interface RpcRun {
  readonly requestsPerSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

interface Rpc {
  request(payload: Uint8Array): Promise<unknown>;
  close(): Promise<void>;
}

/** Runs `total` requests with `inFlight` outstanding at a time; measures rate and latencies. */
async function drive(rpc: Rpc, total: number, inFlight: number): Promise<RpcRun> {
  const latencies = new Float64Array(total);
  let started = 0;
  const begin = performance.now();
  const lane = async (): Promise<void> => {
    while (started < total) {
      const index = started++;
      const t0 = performance.now();
      await rpc.request(PAYLOAD);
      latencies[index] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const elapsed = performance.now() - begin;
  latencies.sort();
  return {
    requestsPerSecond: (total / elapsed) * 1000,
    p50Us: latencies[Math.floor(total * 0.5)]! * 1000,
    p99Us: latencies[Math.floor(total * 0.99)]! * 1000,
  };
}

/** Splits a byte stream into `[length u32 LE][body]` frames. */
function framer(onFrame: (body: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 4) {
      const length = pending.readUInt32LE(at);
      if (pending.length - at - 4 < length) break;
      onFrame(pending.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    pending = pending.subarray(at);
  };
}

/** Writes the frames queued during a turn as one buffer. */
function coalescer(socket: net.Socket): (frame: Buffer) => void {
  let queued: Buffer[] = [];
  return (frame) => {
    if (queued.length === 0) {
      queueMicrotask(() => {
        const out = queued;
        queued = [];
        socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
      });
    }
    queued.push(frame);
  };
}

/** The ceiling: a correlation-id RPC on a raw socket, echoing the payload. */
async function rawRpc(): Promise<Rpc> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const write = coalescer(socket);
    socket.on(
      'data',
      framer((body) => {
        const frame = Buffer.allocUnsafe(4 + body.length);
        frame.writeUInt32LE(body.length, 0);
        body.copy(frame, 4);
        write(frame);
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const write = coalescer(socket);
  const waiting = new Map<number, () => void>();
  let nextId = 0;
  socket.on(
    'data',
    framer((body) => {
      const id = body.readUInt32LE(0);
      const resolve = waiting.get(id);
      waiting.delete(id);
      resolve?.();
    }),
  );
  return {
    request(payload) {
      const id = nextId++ >>> 0;
      const frame = Buffer.allocUnsafe(8 + payload.length);
      frame.writeUInt32LE(4 + payload.length, 0);
      frame.writeUInt32LE(id, 4);
      frame.set(payload, 8);
      return new Promise<void>((resolve) => {
        waiting.set(id, resolve);
        write(frame);
      });
    },
    async close() {
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Two TCP nodes on loopback, each with a started network; node 1 dialled node 2. */
async function networkPair(): Promise<{
  transports: [TcpTransport, TcpTransport];
  networks: [Network, Network];
  close(): Promise<void>;
}> {
  const transports: [TcpTransport, TcpTransport] = [
    new TcpTransport({ localId: NodeId(1) }),
    new TcpTransport({ localId: NodeId(2) }),
  ];
  const networks: [Network, Network] = [
    new Network({ transport: transports[0] }),
    new Network({ transport: transports[1] }),
  ];
  await Promise.all(networks.map((network) => network.start()));
  const address = await transports[1].listen('127.0.0.1:0');
  await transports[0].dial(address);
  return {
    transports,
    networks,
    async close() {
      await Promise.all(networks.map((network) => network.stop()));
      await Promise.all(transports.map((transport) => transport.close()));
    },
  };
}

/**
 * The same request and response frames straight through two `TcpTransport`s, matched by
 * correlation id in a map: what the transport costs, so that the network's own share shows.
 */
async function transportRpc(): Promise<Rpc> {
  const pair = await networkPair();
  await Promise.all(pair.networks.map((network) => network.stop()));
  const [client, server] = pair.transports;
  server.addEventListener('message', ({ from, message }) => {
    if (message.type !== 'ChannelRequest') return;
    server.send(from, {
      type: 'ChannelResponse',
      correlationId: message.correlationId,
      errorCode: 0,
      errorMessage: '',
      payload: message.payload,
    });
  });
  const waiting = new Map<bigint, () => void>();
  client.addEventListener('message', ({ message }) => {
    if (message.type !== 'ChannelResponse') return;
    const resolve = waiting.get(message.correlationId);
    waiting.delete(message.correlationId);
    resolve?.();
  });
  let nextId = 0n;
  return {
    request(payload) {
      const correlationId = nextId++;
      return new Promise<void>((resolve) => {
        waiting.set(correlationId, resolve);
        client.send(NodeId(2), {
          type: 'ChannelRequest',
          version: 1,
          correlationId,
          source: NodeId(1),
          budgetMs: 60_000,
          channel: 1,
          metadata: [],
          payload,
        });
      });
    },
    close: () => pair.close(),
  };
}

async function networkRpc(): Promise<Rpc> {
  const pair = await networkPair();
  pair.networks[1].register('echo', { request: ({ payload }) => payload });
  const conduit = pair.networks[0].register('echo', {});
  return {
    request: (payload) => conduit.request(NodeId(2), payload, { timeout: 60_000 }),
    close: () => pair.close(),
  };
}

/** Time in ms until node 2 received `MESSAGES` sent by `send`, in batches that respect `drained`. */
async function channelRun(useNetwork: boolean): Promise<number> {
  const pair = await networkPair();
  let received = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const count = (): void => {
    if (++received === MESSAGES) done();
  };
  let conduit: Conduit | undefined;
  if (useNetwork) {
    pair.networks[1].register('flood', { message: count });
    conduit = pair.networks[0].register('flood', {});
  } else {
    await pair.networks[1].stop();
    pair.transports[1].addEventListener('message', count);
  }
  const message = { type: 'ChannelMessage', channel: 1, metadata: [], payload: PAYLOAD } as const;
  const peer = NodeId(2);
  const begin = performance.now();
  for (let sent = 0; sent < MESSAGES; ) {
    const end = Math.min(MESSAGES, sent + BATCH);
    for (; sent < end; sent++) {
      if (conduit === undefined) pair.transports[0].send(peer, message);
      else if (!conduit.send(peer, PAYLOAD).ok) throw new Error('send refused');
    }
    await pair.transports[0].drained(peer);
  }
  await all;
  const elapsed = performance.now() - begin;
  await pair.close();
  return elapsed;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const fmt = (value: number, digits = 2): string =>
  value.toLocaleString('en', { maximumFractionDigits: digits });

const suite: Suite = {
  name: 'network',
  async run() {
    registerNetworkMessages();
    const rpcRows: {
      inFlight: number;
      raw: RpcRun;
      transport: RpcRun;
      network: RpcRun;
    }[] = [];
    for (const inFlight of [1, 64] as const) {
      const raws: RpcRun[] = [];
      const transports: RpcRun[] = [];
      const networks: RpcRun[] = [];
      for (let r = 0; r < REPETITIONS; r++) {
        for (const [make, out] of [
          [rawRpc, raws],
          [transportRpc, transports],
          [networkRpc, networks],
        ] as const) {
          const rpc = await make();
          await drive(rpc, 200, inFlight); // warm-up
          out.push(await drive(rpc, REQUESTS[inFlight], inFlight));
          await rpc.close();
        }
      }
      const pick = (runs: RpcRun[]): RpcRun => ({
        requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
        p50Us: median(runs.map((run) => run.p50Us)),
        p99Us: median(runs.map((run) => run.p99Us)),
      });
      rpcRows.push({
        inFlight,
        raw: pick(raws),
        transport: pick(transports),
        network: pick(networks),
      });
    }
    const bare: number[] = [];
    const channel: number[] = [];
    for (let r = 0; r < REPETITIONS; r++) {
      bare.push(await channelRun(false));
      channel.push(await channelRun(true));
    }
    const bareRate = (MESSAGES / median(bare)) * 1000;
    const channelRate = (MESSAGES / median(channel)) * 1000;
    const markdown = [
      `Request/response over TCP loopback, 16-byte payloads, median of ${REPETITIONS} runs, alternated (${REQUESTS[1].toLocaleString('en')} requests at 1 in flight, ${REQUESTS[64].toLocaleString('en')} at 64):`,
      '',
      '| in flight | raw net RPC (ceiling) | same frames on bare TcpTransport | @tala-net/network | network / ceiling | network / bare transport | p50 ceiling / transport / network | p99 ceiling / transport / network |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rpcRows.map(
        ({ inFlight, raw, transport, network }) =>
          `| ${inFlight} | ${fmt(raw.requestsPerSecond / 1000, 1)} k req/s | ${fmt(transport.requestsPerSecond / 1000, 1)} k req/s | ${fmt(network.requestsPerSecond / 1000, 1)} k req/s | ${fmt((network.requestsPerSecond / raw.requestsPerSecond) * 100, 0)} % | ${fmt((network.requestsPerSecond / transport.requestsPerSecond) * 100, 0)} % | ${fmt(raw.p50Us, 0)} / ${fmt(transport.p50Us, 0)} / ${fmt(network.p50Us, 0)} µs | ${fmt(raw.p99Us, 0)} / ${fmt(transport.p99Us, 0)} / ${fmt(network.p99Us, 0)} µs (network ${fmt(network.p99Us / raw.p99Us)}× the ceiling) |`,
      ),
      '',
      `Channel messages, ${MESSAGES.toLocaleString('en')} × 16 bytes, until the receiver has them all: bare \`TcpTransport.send\` ${fmt(bareRate / 1e3, 0)} k msg/s, \`Conduit.send\` ${fmt(channelRate / 1e3, 0)} k msg/s: overhead ${fmt((1 - channelRate / bareRate) * 100, 1)} %.`,
    ].join('\n');
    return {
      title: 'Network: request/response and channels over TCP loopback',
      markdown,
      data: { rpc: rpcRows, channels: { bareMs: bare, channelMs: channel, bareRate, channelRate } },
    };
  },
};

export default suite;
