import { NodeId, TalaError } from '@tala-net/types';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TcpTlsOptions } from '../src/index.js';
import {
  collect,
  largeFramesDamaged,
  listening,
  makePki,
  ping,
  RawPeer,
  seqOf,
  transport,
} from './support.js';

let cluster: ReturnType<typeof makePki>;
let stranger: ReturnType<typeof makePki>;
let tlsOf: (index: number, pki?: ReturnType<typeof makePki>) => TcpTlsOptions;

beforeAll(() => {
  // Nodes 1, 2, 3 of the cluster CA, a certificate of the cluster CA that names node 4 but is
  // used by node 5, and node 6 of another CA.
  cluster = makePki([1n, 2n, 3n, 4n]);
  stranger = makePki([6n]);
  tlsOf = (index, pki = cluster) => ({ ...pki.nodes[index]!, ca: cluster.ca });
}, 60_000);

describe('TcpTransport over mutual TLS', () => {
  it('exchanges messages in order between nodes of the cluster CA', async () => {
    const a = await listening({ localId: NodeId(1), tls: tlsOf(0) });
    const b = await listening({ localId: NodeId(2), tls: tlsOf(1) });
    expect(await a.dial(b.address!)).toBe(2n);
    const got = collect(b, 500);
    for (let i = 0; i < 500; i++) a.send(NodeId(2), ping(NodeId(1), i));
    expect((await got).map(([, m]) => seqOf(m))).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('carries large frames intact whether their writes wait in the socket or reuse memory', async () => {
    const a = await listening({ localId: NodeId(1), tls: tlsOf(0) });
    const b = await listening({ localId: NodeId(2), tls: tlsOf(1) });
    await a.dial(b.address!);
    expect(await largeFramesDamaged(a, b)).toEqual([]);
  });

  it('closes a client that never finishes its TLS handshake after handshakeTimeoutMs', async () => {
    const b = await listening({ localId: NodeId(2), tls: tlsOf(1), handshakeTimeoutMs: 200 });
    const silent = await RawPeer.connect(b.address!);
    await silent.until(() => silent.closed);
    expect(b.stats.handshakeFailures).toBe(1);
    expect(b.connectedPeers()).toEqual([]);
  });

  it('drops connections beyond maxConnections + maxPendingHandshakes before their TLS handshake', async () => {
    const b = await listening({
      localId: NodeId(2),
      tls: tlsOf(1),
      maxConnections: 2,
      maxPendingHandshakes: 2,
      handshakeTimeoutMs: 60_000,
    });
    const peers: RawPeer[] = [];
    for (let i = 0; i < 6; i++) peers.push(await RawPeer.connect(b.address!));
    for (const late of peers.slice(4)) await late.until(() => late.closed);
    expect(peers.map((p) => p.closed)).toEqual([false, false, false, false, true, true]);
    expect(b.stats.rejectedConnections).toBe(2);
  });

  it('never completes a handshake with a peer whose certificate another CA signed', async () => {
    const b = await listening({ localId: NodeId(2), tls: tlsOf(1) });
    const outsider = transport({ localId: NodeId(6), tls: tlsOf(0, stranger) });
    const error = (await outsider.dial(b.address!).catch((e: unknown) => e)) as TalaError;
    expect(error).toBeInstanceOf(TalaError);
    expect(b.connectedPeers()).toEqual([]);
    expect(outsider.connectedPeers()).toEqual([]);
    // And the other way round: a node of the cluster does not accept the outsider as a server.
    const server = await listening({ localId: NodeId(6), tls: tlsOf(0, stranger) });
    const a = transport({ localId: NodeId(1), tls: tlsOf(0) });
    await expect(a.dial(server.address!)).rejects.toBeInstanceOf(TalaError);
    expect(server.connectedPeers()).toEqual([]);
  });

  it('refuses an id the certificate does not name, in either direction', async () => {
    const b = await listening({ localId: NodeId(2), tls: tlsOf(1) });
    // Node 5 holds a valid cluster certificate, but for node 4.
    const impostor = transport({ localId: NodeId(5), tls: tlsOf(3) });
    const error = (await impostor.dial(b.address!).catch((e: unknown) => e)) as TalaError;
    expect(error.code).toBe('HandshakeRefused');
    expect(error.message).toMatch(/node 5 presented a certificate for node 4/);
    // An acceptor whose certificate names another node is refused by the dialler.
    const server = await listening({ localId: NodeId(5), tls: tlsOf(3) });
    const a = transport({ localId: NodeId(1), tls: tlsOf(0) });
    const fromDialler = (await a.dial(server.address!).catch((e: unknown) => e)) as TalaError;
    expect(fromDialler).toBeInstanceOf(TalaError);
    expect(fromDialler.message).toMatch(/node 5 presented a certificate for node 4/);
    expect(a.connectedPeers()).toEqual([]);
  });

  it('accepts any id with a certificate of the CA when bindNodeId is off', async () => {
    const b = await listening({ localId: NodeId(2), tls: { ...tlsOf(1), bindNodeId: false } });
    const a = transport({ localId: NodeId(5), tls: { ...tlsOf(3), bindNodeId: false } });
    expect(await a.dial(b.address!)).toBe(2n);
  });
});
