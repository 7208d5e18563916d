import { type ErrorReportEvent, type Message, NodeId, type PeerId } from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { invalidArgument } from '../../../testing/expect-tala-error.js';
import { TcpTransport } from '../src/index.js';
import { listening, nextEvent, ping, seqOf, transport } from './support.js';

/** Resolves once `got` holds `count` entries, checked after each delivery. */
function receiver(count: number): {
  got: [PeerId, Message][];
  onMessage: (from: PeerId, message: Message) => void;
  done: Promise<void>;
} {
  const got: [PeerId, Message][] = [];
  let resolve: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const onMessage = (from: PeerId, message: Message): void => {
    got.push([from, message]);
    if (got.length === count) resolve();
  };
  return { got, onMessage, done };
}

describe('TcpTransport: the onMessage option', () => {
  it('receives every message in order with its sender, in place of events and recv()', async () => {
    const { got, onMessage, done } = receiver(300);
    const b = await listening({ localId: NodeId(2), onMessage });
    let events = 0;
    b.addEventListener('message', () => events++);
    const a = transport({ localId: NodeId(1) });
    await a.dial(b.address!);
    for (let seq = 0; seq < 300; seq++) a.send(NodeId(2), ping(NodeId(1), seq));
    await done;
    expect(got.map(([from]) => from)).toEqual(Array(300).fill(1n));
    expect(got.map(([, message]) => seqOf(message))).toEqual([...Array(300).keys()]);
    expect(events).toBe(0);
    expect(b.recv()).toBeUndefined();
    expect(b.stats.framesIn).toBeGreaterThanOrEqual(300);
  });

  it('counts and reports an exception it throws, and delivery goes on', async () => {
    const { got, onMessage, done } = receiver(3);
    const b = await listening({
      localId: NodeId(2),
      onMessage: (from, message) => {
        onMessage(from, message);
        if (seqOf(message) === 1) throw new Error('handler failed');
      },
    });
    const reported = nextEvent<ErrorReportEvent>(b, 'error');
    const a = transport({ localId: NodeId(1) });
    await a.dial(b.address!);
    for (let seq = 0; seq < 3; seq++) a.send(NodeId(2), ping(NodeId(1), seq));
    await done;
    const report = await reported;
    expect(report.source).toBe('onMessage');
    expect((report.error as Error).message).toBe('handler failed');
    expect(b.listenerErrors).toBe(1);
    expect(got.map(([, message]) => seqOf(message))).toEqual([0, 1, 2]);
  });

  it('must be a function', () => {
    const onMessage = 'not a function' as unknown as () => void;
    invalidArgument(() => new TcpTransport({ localId: NodeId(1), onMessage }));
  });
});
