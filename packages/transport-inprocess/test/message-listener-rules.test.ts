import {
  type ErrorReportEvent,
  type Message,
  NodeId,
  TransportMessageEvent,
} from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { SimulatedNetwork } from '../src/index.js';

const ping = (seq: bigint): Message => ({ type: 'Ping', from: NodeId(1), seq });
const seqOf = (event: TransportMessageEvent): bigint => (event.message as { seq: bigint }).seq;

/** Two nodes of a simulated network; `send(seq)` delivers one Ping from node 1 to node 2. */
function pair() {
  const sim = new SimulatedNetwork({ seed: 1 });
  const a = sim.addNode(NodeId(1));
  const b = sim.addNode(NodeId(2));
  const send = (seq: bigint) => {
    a.send(NodeId(2), ping(seq));
    sim.runFor(10);
  };
  return { sim, b, send };
}

describe('message listeners of an in-process transport', () => {
  it('calls listeners in the order they were added, each once however often it was added', () => {
    const { b, send } = pair();
    const calls: string[] = [];
    const first = (event: TransportMessageEvent) => calls.push(`first ${seqOf(event)}`);
    const object = {
      handleEvent: (event: TransportMessageEvent) => calls.push(`object ${seqOf(event)}`),
    };
    b.addEventListener('message', first);
    b.addEventListener('message', object);
    b.addEventListener('message', first);
    expect(b.listenerCount('message')).toBe(2);
    send(1n);
    expect(calls).toEqual(['first 1', 'object 1']);
    // The same function with `capture` is another registration, as on any EventTarget.
    b.addEventListener('message', first, { capture: true });
    expect(b.listenerCount('message')).toBe(3);
    b.removeEventListener('message', first);
    b.removeEventListener('message', object);
    send(2n);
    expect(calls).toEqual(['first 1', 'object 1', 'first 2']);
    b.removeEventListener('message', first, { capture: true });
    expect(b.listenerCount('message')).toBe(0);
    expect(b.hasMessageListeners).toBe(false);
  });

  it('passes the transport as `this` and the sender and message on the event', () => {
    const { b, send } = pair();
    const seen: unknown[] = [];
    b.addEventListener('message', function (this: unknown, event) {
      seen.push(this === b, event.type, event.from, event.message);
    });
    send(7n);
    expect(seen).toEqual([true, 'message', NodeId(1), ping(7n)]);
  });

  it('removes a `once` listener before its call and a listener whose signal aborts', () => {
    const { b, send } = pair();
    const calls: string[] = [];
    const controller = new AbortController();
    b.addEventListener('message', () => calls.push('once'), { once: true });
    b.addEventListener('message', () => calls.push('signal'), { signal: controller.signal });
    send(1n);
    controller.abort();
    send(2n);
    expect(calls).toEqual(['once', 'signal']);
    expect(b.listenerCount('message')).toBe(0);
    // A listener given an aborted signal is never added: messages wait for `recv()`.
    b.addEventListener('message', () => calls.push('late'), { signal: controller.signal });
    send(3n);
    expect(calls).toEqual(['once', 'signal']);
    expect([b.recv()?.[1], b.recv()?.[1]]).toEqual([ping(2n), ping(3n)]);
  });

  it('skips a listener removed during a dispatch and defers one added during it', () => {
    const { b, send } = pair();
    const calls: string[] = [];
    const second = () => calls.push('second');
    const added = () => calls.push('added');
    b.addEventListener('message', () => {
      calls.push('first');
      b.removeEventListener('message', second);
      b.addEventListener('message', added);
    });
    b.addEventListener('message', second);
    send(1n);
    expect(calls).toEqual(['first']);
    send(2n);
    expect(calls).toEqual(['first', 'first', 'added']);
  });

  it('counts and reports what a listener throws, and the other listeners still run', () => {
    const { b, send } = pair();
    const reported: unknown[] = [];
    const calls: bigint[] = [];
    b.addEventListener('error', (event: ErrorReportEvent) => reported.push(event.error));
    b.addEventListener('message', () => {
      throw new Error('listener bug');
    });
    b.addEventListener('message', (event) => calls.push(seqOf(event)));
    send(1n);
    send(2n);
    expect(calls).toEqual([1n, 2n]);
    expect(b.listenerErrors).toBe(2);
    expect(reported).toHaveLength(2);
    expect((reported[0] as Error).message).toBe('listener bug');
  });

  it('hands messages queued without a listener to the first listener added', () => {
    const { sim, b, send } = pair();
    send(1n);
    send(2n);
    expect(b.queued).toBe(2);
    const calls: bigint[] = [];
    b.addEventListener('message', (event) => calls.push(seqOf(event)));
    expect(calls).toEqual([1n, 2n]);
    expect(b.queued).toBe(0);
    expect(sim.stats.delivered).toBe(2);
  });

  it('hands a message event dispatched on the transport to its message listeners', () => {
    const { b } = pair();
    const calls: bigint[] = [];
    b.addEventListener('message', (event) => calls.push(seqOf(event)));
    expect(b.dispatchEvent(new TransportMessageEvent(NodeId(1), ping(4n)))).toBe(true);
    expect(calls).toEqual([4n]);
  });
});
