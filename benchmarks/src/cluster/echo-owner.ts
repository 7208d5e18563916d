import { registerClusterMessages } from '@tala-net/cluster';
import { TcpTransport } from '@tala-net/transport-tcp';
import { NodeId } from '@tala-net/types';

/*
 * The owner side of the ceiling for intent routing, in a process of its own: a bare
 * `TcpTransport` that answers every `IntentSubmit` frame with an `IntentReceipt` at once (no
 * table, no segment, no replication, no dedup window). Started as `echo-owner.ts <node id>`;
 * it sends its address to its parent over IPC and exits when the parent disconnects.
 */

registerClusterMessages();
const localId = NodeId(BigInt(process.argv[2] ?? '1'));
const transport = new TcpTransport({ localId });
transport.addEventListener('message', ({ from, message }) => {
  if (message.type !== 'IntentSubmit') return;
  transport.send(from, {
    type: 'IntentReceipt',
    partition: message.partition,
    owner: localId,
    duplicate: false,
  });
});
const address = await transport.listen('127.0.0.1:0');
process.on('disconnect', () => process.exit(0));
process.send?.({ address });
