import { type Capability, CapabilityRegistry, uint32Capability } from '@tala-net/capability';
import { encode } from '@tala-net/codec';
import { type ErrorReportEvent, NodeId, type PeerConnectEvent, TalaError } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { hello, listening, nextEvent, RawPeer, transport } from './support.js';

/**
 * Capability `strict`, supporting `values`; with `throwsOn`, its decoder throws for that value
 * of a peer, as a strict decoder of the user's might.
 */
function strictCapability(values: number[], throwsOn?: number): Capability<number, 'strict'> {
  return {
    name: 'strict',
    supported: values,
    merge: (local, peer) => [...local].reverse().find((value) => peer.includes(value)),
    encodeValue: (value) => new Uint8Array([value]),
    decodeValue: (bytes) => {
      if (bytes[0] === throwsOn) throw new Error('a value this node refuses');
      return bytes[0];
    },
  };
}

async function refusal(
  dialer: Parameters<typeof transport>[0],
  acceptor: Parameters<typeof transport>[0],
) {
  const b = await listening(acceptor);
  const a = transport(dialer);
  const reported = nextEvent<ErrorReportEvent>(b, 'error');
  const error = (await a.dial(b.address!).catch((e: unknown) => e)) as TalaError;
  expect(error).toBeInstanceOf(TalaError);
  expect(error.code).toBe('HandshakeRefused');
  const atAcceptor = await reported;
  expect((atAcceptor.error as TalaError).code).toBe('HandshakeRefused');
  expect(a.connectedPeers()).toEqual([]);
  expect(b.connectedPeers()).toEqual([]);
  expect(b.stats.handshakeFailures).toBe(1);
  return { dialerSays: error.message, acceptorSays: (atAcceptor.error as Error).message };
}

describe('TcpTransport: handshake refusals (both sides say why)', () => {
  it('refuses another cluster label', async () => {
    const { dialerSays, acceptorSays } = await refusal(
      { localId: NodeId(1), clusterLabel: 'blue' },
      { localId: NodeId(2), clusterLabel: 'green' },
    );
    for (const said of [dialerSays, acceptorSays])
      expect(said).toMatch(/"blue" does not match "green"/);
  });

  it('refuses when no version is common, and picks the highest common one otherwise', async () => {
    const { dialerSays } = await refusal(
      { localId: NodeId(1), versions: [1, 2] },
      { localId: NodeId(2), versions: [3, 4] },
    );
    expect(dialerSays).toMatch(/versions 1…2 and 3…4 do not overlap/);
    const b = await listening({ localId: NodeId(3), versions: [2, 5] });
    const a = transport({ localId: NodeId(4), versions: [1, 3] });
    expect(await a.dial(b.address!)).toBe(3n);
  });

  it("refuses a peer that claims the acceptor's own id", async () => {
    const { dialerSays } = await refusal({ localId: NodeId(2) }, { localId: NodeId(2) });
    expect(dialerSays).toMatch(/own id 2/);
  });

  it('refuses a malformed capability advertisement', async () => {
    const b = await listening({ localId: NodeId(2) });
    const peer = await RawPeer.connect(b.address!);
    peer.write(hello(NodeId(1), { capabilities: new Uint8Array([1, 2, 3]) }));
    await peer.until(() => peer.closed);
    const answer = peer.received.find((m) => m.type === 'HandshakeRefusal') as
      | { code: number }
      | undefined;
    expect(answer?.code).toBe(6);
    expect(b.connectedPeers()).toEqual([]);
  });

  it('refuses a hello whose capabilities its registry cannot negotiate, and keeps running', async () => {
    const strict = new CapabilityRegistry().register(strictCapability([1], 9));
    const b = await listening({ localId: NodeId(2), capabilities: strict });
    const friend = await listening({ localId: NodeId(3) });
    await friend.dial(b.address!);
    const odd = new CapabilityRegistry().register(strictCapability([9]));
    const a = transport({ localId: NodeId(1), capabilities: odd });
    const reported = nextEvent<ErrorReportEvent>(b, 'error');
    await expect(a.dial(b.address!)).rejects.toMatchObject({ code: 'HandshakeRefused' });
    expect(String((await reported).error)).toContain('could not be negotiated');
    expect(b.connectedPeers()).toEqual([3n]);
    expect(strict.hasNegotiated(NodeId(1))).toBe(false);
  });

  it('closes a welcomed connection whose capabilities its registry cannot negotiate', async () => {
    const odd = new CapabilityRegistry().register(strictCapability([9]));
    const b = await listening({ localId: NodeId(2), capabilities: odd });
    const strict = new CapabilityRegistry().register(strictCapability([1], 9));
    const a = transport({ localId: NodeId(1), capabilities: strict });
    const reported = nextEvent<ErrorReportEvent>(a, 'error');
    await expect(a.dial(b.address!)).rejects.toBeInstanceOf(TalaError);
    expect(String((await reported).error)).toContain('could not be negotiated');
    expect(a.connectedPeers()).toEqual([]);
  });

  it('negotiates capabilities per connection and forgets them when it closes', async () => {
    const version = uint32Capability('wire.version', [1, 2, 3]);
    const capsA = new CapabilityRegistry().register(uint32Capability('wire.version', [1, 2]));
    const capsB = new CapabilityRegistry().register(version);
    const a = await listening({ localId: NodeId(1), capabilities: capsA });
    const b = await listening({ localId: NodeId(2), capabilities: capsB });
    const connected = nextEvent<PeerConnectEvent>(b, 'peer:connect');
    await a.dial(b.address!);
    await connected;
    expect(capsA.valueFor(NodeId(2), 'wire.version')).toBe(2);
    expect(capsB.valueFor(NodeId(1), 'wire.version')).toBe(2);
    const gone = nextEvent(b, 'peer:disconnect');
    await a.close();
    await gone;
    expect(capsB.hasNegotiated(NodeId(1))).toBe(false);
  });
});

describe('TcpTransport: the handshake comes first', () => {
  it('disconnects a peer that sends a message before its hello', async () => {
    const b = await listening({ localId: NodeId(2) });
    const peer = await RawPeer.connect(b.address!);
    peer.write({ type: 'Ping', from: NodeId(1), seq: 1n });
    await peer.until(() => peer.closed);
    expect(b.connectedPeers()).toEqual([]);
    expect(b.stats.malformedFrames).toBe(1);
  });

  it('disconnects a peer that sends an unknown kind before its hello', async () => {
    const b = await listening({ localId: NodeId(2) });
    const peer = await RawPeer.connect(b.address!);
    peer.socket.write(new Uint8Array([0xee, 0, 0, 0, 0]));
    await peer.until(() => peer.closed);
    expect(b.stats.malformedFrames).toBe(1);
  });

  it('reads at most one handshake-sized frame before the handshake: a larger header closes at once', async () => {
    const b = await listening({ localId: NodeId(2) });
    const peer = await RawPeer.connect(b.address!);
    // A hello header declaring 16 MiB: refused from its 5 bytes, before any body is buffered.
    peer.socket.write(new Uint8Array([0x20, 0x00, 0x00, 0x00, 0x01]));
    await peer.until(() => peer.closed);
    expect(b.stats.malformedFrames).toBe(1);
    expect(b.stats.bytesIn).toBe(5);
  });

  it('assembles a hello that arrives one byte at a time', async () => {
    const b = await listening({ localId: NodeId(2) });
    const peer = await RawPeer.connect(b.address!);
    const frame = encode(
      hello(NodeId(1), { listenAddress: new TextEncoder().encode('127.0.0.1:9') }),
    );
    for (const byte of frame) {
      peer.socket.write(new Uint8Array([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await peer.until(() => peer.received.some((m) => m.type === 'HandshakeWelcome'));
    expect(b.connectedPeers()).toEqual([1n]);
    expect(b.addressBook.get(NodeId(1))).toBe('127.0.0.1:9');
  });
});
