import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { encodeIntoIfFits, FrameDecoder } from '@tala-net/codec';
import { TcpTransport } from '@tala-net/transport-tcp';
import { type Message, NodeId } from '@tala-net/types';
import { WebSocket, WebSocketServer } from 'ws';
import { HeaderCounter } from './header-counter.js';
import type { ClusterPki } from './pki.js';
import { Countdown, nextTurn, type Sender } from './pump.js';

/** A sender and a receiver connected over loopback; the receiver counts what arrives. */
export interface Rig {
  readonly sender: Sender;
  /** Frames (or messages) the receiver has counted. */
  readonly received: Countdown;
  close(): Promise<void>;
}

/**
 * Bytes a sender may have buffered before it waits: Node's default `highWaterMark` of a socket,
 * the point where a raw `write()` starts returning `false`.
 */
export const SENDER_HIGH_WATER_BYTES = 16 * 1024;

const HOST = '127.0.0.1';
const SENDER_ID = NodeId(1);
const RECEIVER_ID = NodeId(2);

/** The node ids the rigs use (the benchmark PKI must name them). */
export const RIG_NODE_IDS = [SENDER_ID, RECEIVER_ID] as const;

function tlsOptions(pki: ClusterPki): tls.SecureContextOptions {
  return { key: pki.key, cert: pki.cert, ca: pki.ca, minVersion: 'TLSv1.3' };
}

/**
 * The raw ceiling: a `net` (or mutual-TLS `tls`) socket pair; each `send(count)` is one `write`
 * of `count` frames taken from `frames` (pre-encoded, `frameBytes` each, back to back), and the
 * receiver only parses frame headers.
 */
export async function rawRig(
  frames: Uint8Array,
  frameBytes: number,
  pki: ClusterPki | undefined,
): Promise<Rig> {
  const received = new Countdown();
  const counter = new HeaderCounter();
  const onSocket = (socket: net.Socket): void => {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      const before = counter.frames;
      counter.push(chunk);
      received.add(counter.frames - before);
    });
    socket.on('error', () => {});
  };
  const server =
    pki === undefined
      ? net.createServer({ noDelay: true }, onSocket)
      : tls.createServer({ ...tlsOptions(pki), requestCert: true, rejectUnauthorized: true });
  if (pki !== undefined) server.on('secureConnection', onSocket);
  server.listen(0, HOST);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const client =
    pki === undefined
      ? net.connect({ host: HOST, port, noDelay: true })
      : tls.connect({ ...tlsOptions(pki), host: HOST, port, checkServerIdentity: () => undefined });
  await once(client, pki === undefined ? 'connect' : 'secureConnect');
  client.setNoDelay(true);
  const sender: Sender = {
    send(count) {
      client.write(
        count * frameBytes === frames.length ? frames : frames.subarray(0, count * frameBytes),
      );
    },
    backpressure: () => (client.writableNeedDrain ? drainOf(client) : undefined),
  };
  return {
    sender,
    received,
    async close() {
      client.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

async function drainOf(socket: net.Socket): Promise<void> {
  await once(socket, 'drain');
}

/**
 * How the receiving {@link TcpTransport} of a rig hands over messages: `message` events, or
 * the `onMessage` option.
 */
export type Delivery = 'event' | 'onMessage';

/**
 * Two {@link TcpTransport}s (plain, or mutual TLS), the sender dialled to the receiver; each
 * `send(count)` calls `TcpTransport.send` `count` times with the next of `messages`.
 */
export async function transportRig(
  messages: readonly Message[],
  pki: ClusterPki | undefined,
  delivery: Delivery,
): Promise<Rig> {
  const tlsOption = pki === undefined ? {} : { tls: { key: pki.key, cert: pki.cert, ca: pki.ca } };
  const received = new Countdown();
  const onMessage = delivery === 'onMessage' ? { onMessage: () => received.add(1) } : {};
  const a = new TcpTransport({ localId: SENDER_ID, ...tlsOption });
  const b = new TcpTransport({ localId: RECEIVER_ID, ...tlsOption, ...onMessage });
  if (delivery === 'event') b.addEventListener('message', () => received.add(1));
  const address = await b.listen(`${HOST}:0`);
  await a.dial(address);
  const mask = messages.length - 1;
  let next = 0;
  const sender: Sender = {
    send(count) {
      for (let i = 0; i < count; i++) a.send(RECEIVER_ID, messages[next++ & mask]!);
    },
    backpressure: () =>
      a.buffered(RECEIVER_ID).bytes > SENDER_HIGH_WATER_BYTES ? a.drained(RECEIVER_ID) : undefined,
  };
  return {
    sender,
    received,
    async close() {
      await Promise.all([a.close({ timeoutMs: 100 }), b.close({ timeoutMs: 100 })]);
    },
  };
}

/** Bytes of the buffer {@link codecRig} encodes a burst into. */
const CODEC_RIG_BUFFER_BYTES = 64 * 1024;

/**
 * The codec without a socket: each `send(count)` encodes the next `count` of `messages` into
 * one buffer with `encodeIntoIfFits` and decodes that buffer with a `FrameDecoder`, counting the
 * messages it returns. It measures, in the same run and under the same conditions as the others,
 * what any transport that hands each frame over as a message must add to a raw socket's work.
 */
export async function codecRig(messages: readonly Message[]): Promise<Rig> {
  const received = new Countdown();
  const decoder = new FrameDecoder();
  const buffer = new Uint8Array(CODEC_RIG_BUFFER_BYTES);
  const mask = messages.length - 1;
  let next = 0;
  const sender: Sender = {
    send(count) {
      let at = 0;
      for (let i = 0; i < count; i++) at += encodeIntoIfFits(messages[next++ & mask]!, buffer, at);
      received.add(decoder.push(buffer.subarray(0, at)).length);
    },
    backpressure: () => undefined,
  };
  return { sender, received, close: async () => {} };
}

/**
 * `ws` without compression: the client sends `frame` as one binary message per `send()`; the
 * server counts `message` events.
 */
export async function wsRig(frame: Uint8Array): Promise<Rig> {
  const received = new Countdown();
  const server = new WebSocketServer({ host: HOST, port: 0, perMessageDeflate: false });
  server.on('connection', (socket) => {
    socket.on('message', () => received.add(1));
  });
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const client = new WebSocket(`ws://${HOST}:${port}`, { perMessageDeflate: false });
  await once(client, 'open');
  const payload = Buffer.from(frame);
  const sender: Sender = {
    send(count) {
      for (let i = 0; i < count; i++) client.send(payload, { binary: true });
    },
    backpressure: () =>
      client.bufferedAmount > SENDER_HIGH_WATER_BYTES ? whileBacklogged(client) : undefined,
  };
  return {
    sender,
    received,
    async close() {
      client.terminate();
      for (const socket of server.clients) socket.terminate();
      server.close();
      await once(server, 'close');
    },
  };
}

async function whileBacklogged(client: WebSocket): Promise<void> {
  while (client.bufferedAmount > SENDER_HIGH_WATER_BYTES) await nextTurn();
}
