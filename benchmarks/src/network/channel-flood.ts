import { type Conduit, channelId } from '@tala-net/network';
import { NodeId } from '@tala-net/types';
import { networkPair } from './tala-rpc.js';

/** Time and CPU time of one flood of channel messages. */
export interface FloodRun {
  /** Milliseconds until the receiver had every message. */
  readonly ms: number;
  /** CPU time of the process (sender and receiver) per message, in nanoseconds. */
  readonly cpuNsPerMessage: number;
}

/**
/**
 * How a flood is sent and received: `Conduit.send` to a processor (`network`), or the same
 * `ChannelMessage` frames through the bare `TcpTransport.send` to a message handler (`handler`,
 * as a network receives them) or to a `message` event listener (`events`).
 */
export type FloodPath = 'network' | 'handler' | 'events';

/**
 * Time and CPU time until node 2 of a TCP pair received `messages` channel messages of
 * `payload`, sent in batches of `batch` that wait for `drained`, along `path`.
 */
export async function channelFlood(
  path: FloodPath,
  payload: Uint8Array,
  messages: number,
  batch: number,
): Promise<FloodRun> {
  const pair = await networkPair();
  let received = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const count = (): void => {
    if (++received === messages) done();
  };
  let conduit: Conduit | undefined;
  if (path === 'network') {
    pair.networks[1].register('flood', { message: count });
    conduit = pair.networks[0].register('flood', {});
  } else {
    await pair.networks[1].stop();
    if (path === 'handler') pair.transports[1].addMessageHandler(['ChannelMessage'], count);
    else pair.transports[1].addEventListener('message', count);
  }
  // The channel's own wire id, as the network sends it: above 2^31 − 1, it is not a small
  // integer to V8, which costs every path that handles it.
  const channel = channelId('flood');
  const message = { type: 'ChannelMessage', channel, metadata: [], payload: payload } as const;
  const peer = NodeId(2);
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  for (let sent = 0; sent < messages; ) {
    const end = Math.min(messages, sent + batch);
    for (; sent < end; sent++) {
      if (conduit === undefined) pair.transports[0].send(peer, message);
      else if (!conduit.send(peer, payload).ok) throw new Error('send refused');
    }
    await pair.transports[0].drained(peer);
  }
  await all;
  const elapsed = performance.now() - begin;
  const cpu = process.cpuUsage(cpuBefore);
  await pair.close();
  return { ms: elapsed, cpuNsPerMessage: ((cpu.user + cpu.system) * 1000) / messages };
}
