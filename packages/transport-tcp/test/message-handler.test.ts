import {
  type ErrorReportEvent,
  type Message,
  type MessageHandler,
  NodeId,
  type PeerId,
} from '@tala-net/types';
import { describe, expect, it } from 'vitest';
import { invalidArgument } from '../../../testing/expect-tala-error.js';
import { collect, listening, nextEvent, ping, seqOf, transport } from './support.js';

const pong = (from: NodeId, seq: number): Message => ({ type: 'Pong', from, seq: BigInt(seq) });

/** A handler that records what it gets and resolves `done` once it got `count` messages. */
function recorder(count: number): {
  got: [PeerId, Message][];
  handler: MessageHandler;
  done: Promise<void>;
} {
  const got: [PeerId, Message][] = [];
  let resolve: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const handler: MessageHandler = (from, message) => {
    got.push([from, message]);
    if (got.length === count) resolve();
  };
  return { got, handler, done };
}

describe('TcpTransport.addMessageHandler', () => {
  it('takes the messages of its types in order, without events or recv(); other kinds stay events', async () => {
    const b = await listening({ localId: NodeId(2) });
    const { got, handler, done } = recorder(200);
    b.addMessageHandler(['Ping'], handler);
    const events = collect(b, 200);
    const a = transport({ localId: NodeId(1) });
    await a.dial(b.address!);
    for (let seq = 0; seq < 200; seq++) {
      a.send(NodeId(2), ping(NodeId(1), seq));
      a.send(NodeId(2), pong(NodeId(1), seq));
    }
    await done;
    const pongs = await events;
    expect(got.map(([from]) => from)).toEqual(Array(200).fill(1n));
    expect(got.map(([, message]) => message.type)).toEqual(Array(200).fill('Ping'));
    expect(got.map(([, message]) => seqOf(message))).toEqual([...Array(200).keys()]);
    expect(pongs.map(([, message]) => message.type)).toEqual(Array(200).fill('Pong'));
    expect(pongs.map(([, message]) => seqOf(message))).toEqual([...Array(200).keys()]);
    expect(b.recv()).toBeUndefined();
  });

  it('calls the handlers of a type in the order they were added, each once, until its signal aborts', async () => {
    const b = await listening({ localId: NodeId(2) });
    const calls: string[] = [];
    const first: MessageHandler = (_from, message) => calls.push(`first ${seqOf(message)}`);
    const stop = new AbortController();
    b.addMessageHandler(['Ping', 'Pong'], first, { signal: stop.signal });
    b.addMessageHandler(['Ping'], first);
    const { handler, done } = recorder(1);
    b.addMessageHandler(['Ping'], (from, message) => {
      calls.push(`second ${seqOf(message)}`);
      handler(from, message);
    });
    const a = transport({ localId: NodeId(1) });
    await a.dial(b.address!);
    a.send(NodeId(2), ping(NodeId(1), 0));
    await done;
    expect(calls).toEqual(['first 0', 'second 0']);
    stop.abort();
    const event = nextEvent(b, 'message');
    a.send(NodeId(2), pong(NodeId(1), 1));
    expect(((await event) as unknown as { message: Message }).message.type).toBe('Pong');
    expect(calls).toEqual(['first 0', 'second 0']);
  });

  it('counts and reports an exception a handler throws, and delivery goes on', async () => {
    const b = await listening({ localId: NodeId(2) });
    const { got, handler, done } = recorder(3);
    b.addMessageHandler(['Ping'], (from, message) => {
      handler(from, message);
      if (seqOf(message) === 1) throw new Error('handler failed');
    });
    const reported = nextEvent<ErrorReportEvent>(b, 'error');
    const a = transport({ localId: NodeId(1) });
    await a.dial(b.address!);
    for (let seq = 0; seq < 3; seq++) a.send(NodeId(2), ping(NodeId(1), seq));
    await done;
    const report = await reported;
    expect(report.source).toBe('messageHandler');
    expect((report.error as Error).message).toBe('handler failed');
    expect(b.listenerErrors).toBe(1);
    expect(got.map(([, message]) => seqOf(message))).toEqual([0, 1, 2]);
  });

  it('leaves every message to the onMessage option when it is set', async () => {
    const { got, handler, done } = recorder(2);
    const b = await listening({ localId: NodeId(2), onMessage: handler });
    const taken: Message[] = [];
    b.addMessageHandler(['Ping'], (_from, message) => taken.push(message));
    const a = transport({ localId: NodeId(1) });
    await a.dial(b.address!);
    a.send(NodeId(2), ping(NodeId(1), 0));
    a.send(NodeId(2), ping(NodeId(1), 1));
    await done;
    expect(got.map(([, message]) => seqOf(message))).toEqual([0, 1]);
    expect(taken).toEqual([]);
  });

  it('refuses a handler that is not a function and types that are not strings', () => {
    const b = transport({ localId: NodeId(2) });
    invalidArgument(() => b.addMessageHandler(['Ping'], 'no' as unknown as MessageHandler));
    invalidArgument(() => b.addMessageHandler([1] as unknown as string[], () => {}));
    invalidArgument(() => b.addMessageHandler('Ping' as unknown as string[], () => {}));
  });
});
