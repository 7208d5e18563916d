import { channelId, Network } from '@tala-net/network';
import { TcpTransport } from '@tala-net/transport-tcp';
import { type Message, NodeId, type PeerId } from '@tala-net/types';
import type { Rpc } from './rpc.js';

/** Two TCP nodes on loopback, each with a started network; node 1 dialled node 2. */
export async function networkPair(): Promise<{
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
 * With `handlers` they are received by message handlers (as a network receives them),
 * otherwise by `message` event listeners.
 */
export async function transportRpc(handlers: boolean): Promise<Rpc> {
  const pair = await networkPair();
  await Promise.all(pair.networks.map((network) => network.stop()));
  const [client, server] = pair.transports;
  const answer = (from: PeerId, message: Message): void => {
    if (message.type !== 'ChannelRequest') return;
    server.send(from, {
      type: 'ChannelResponse',
      correlationId: message.correlationId,
      errorCode: 0,
      errorMessage: '',
      payload: message.payload,
    });
  };
  const waiting = new Map<bigint, () => void>();
  const settle = (_from: PeerId, message: Message): void => {
    if (message.type !== 'ChannelResponse') return;
    const resolve = waiting.get(message.correlationId);
    waiting.delete(message.correlationId);
    resolve?.();
  };
  if (handlers) {
    server.addMessageHandler(['ChannelRequest'], answer);
    client.addMessageHandler(['ChannelResponse'], settle);
  } else {
    server.addEventListener('message', ({ from, message }) => answer(from, message));
    client.addEventListener('message', ({ from, message }) => settle(from, message));
  }
  // The wire id of the network variant's channel, so that the frames are the same.
  const channel = channelId('echo');
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
          channel,
          metadata: [],
          payload,
        });
      });
    },
    close: () => pair.close(),
  };
}

/** `Conduit.request` to a processor on node 2 that answers with the payload. */
export async function networkRpc(): Promise<Rpc> {
  const pair = await networkPair();
  pair.networks[1].register('echo', { request: ({ payload }) => payload });
  const conduit = pair.networks[0].register('echo', {});
  return {
    request: (payload) => conduit.request(NodeId(2), payload, { timeout: 60_000 }),
    close: () => pair.close(),
  };
}
