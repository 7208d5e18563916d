import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { TcpTransport } from '@tala-net/transport-tcp';
import { NodeId } from '@tala-net/types';
import type { ClusterPki } from './pki.js';

/** Handshakes timed per variant (after {@link WARM_UP} untimed ones). */
export const HANDSHAKE_SAMPLES = 40;
const WARM_UP = 3;
/** Ids of the dialling transports: one per sample, so each dial is a new node. */
export const FIRST_DIALLER_ID = 100;
const HOST = '127.0.0.1';

/** Milliseconds from starting a connection until it can carry messages, per sample. */
export interface HandshakeTimes {
  readonly rawNet: number[];
  readonly rawTls: number[];
  readonly transport: number[];
  readonly transportTls: number[];
}

/**
 * Times connection set-up, alternating the four variants sample by sample: raw `net.connect`
 * until `connect`; raw mutual-TLS `tls.connect` until `secureConnect`; and `TcpTransport.dial`
 * (plain and mutual TLS) until it resolves (TCP, TLS and the transport's hello/welcome done, the
 * peer's id known), each from a new transport to a listening one.
 */
export async function handshakeTimes(pki: ClusterPki): Promise<HandshakeTimes> {
  const tlsOptions = { key: pki.key, cert: pki.cert, ca: pki.ca };
  const rawNetServer = net.createServer((socket) => socket.on('error', () => {}));
  const rawTlsServer = tls.createServer({
    ...tlsOptions,
    requestCert: true,
    minVersion: 'TLSv1.3',
  });
  rawTlsServer.on('secureConnection', (socket) => socket.on('error', () => {}));
  for (const server of [rawNetServer, rawTlsServer]) {
    server.listen(0, HOST);
    await once(server, 'listening');
  }
  const portOf = (server: net.Server): number => (server.address() as net.AddressInfo).port;
  const plain = new TcpTransport({ localId: NodeId(2) });
  const secure = new TcpTransport({ localId: NodeId(2), tls: tlsOptions });
  const plainAddress = await plain.listen(`${HOST}:0`);
  const secureAddress = await secure.listen(`${HOST}:0`);
  const times: HandshakeTimes = { rawNet: [], rawTls: [], transport: [], transportTls: [] };
  try {
    for (let i = 0; i < WARM_UP + HANDSHAKE_SAMPLES; i++) {
      const keep = i >= WARM_UP;
      const id = NodeId(FIRST_DIALLER_ID + (i % HANDSHAKE_SAMPLES));
      const rawNet = await timed(async () => {
        const socket = net.connect({ host: HOST, port: portOf(rawNetServer) });
        await once(socket, 'connect');
        return () => socket.destroy();
      });
      const rawTls = await timed(async () => {
        const socket = tls.connect({
          ...tlsOptions,
          host: HOST,
          port: portOf(rawTlsServer),
          minVersion: 'TLSv1.3',
          checkServerIdentity: () => undefined,
        });
        await once(socket, 'secureConnect');
        return () => socket.destroy();
      });
      const transport = await timed(() =>
        dialFrom(new TcpTransport({ localId: id }), plainAddress),
      );
      const transportTls = await timed(() =>
        dialFrom(new TcpTransport({ localId: id, tls: tlsOptions }), secureAddress),
      );
      if (!keep) continue;
      times.rawNet.push(rawNet);
      times.rawTls.push(rawTls);
      times.transport.push(transport);
      times.transportTls.push(transportTls);
    }
  } finally {
    await Promise.all([plain.close({ timeoutMs: 100 }), secure.close({ timeoutMs: 100 })]);
    rawNetServer.close();
    rawTlsServer.close();
  }
  return times;
}

async function dialFrom(client: TcpTransport, address: string): Promise<() => Promise<void>> {
  await client.dial(address);
  return () => client.close({ timeoutMs: 100 });
}

/** Milliseconds until `connect` resolves; then runs the clean-up it returned (not timed). */
async function timed(connect: () => Promise<() => unknown>): Promise<number> {
  const start = performance.now();
  const cleanUp = await connect();
  const ms = performance.now() - start;
  await cleanUp();
  return ms;
}
