/**
 * A `Transport` over TCP or mutual TLS: a handshake with versions, cluster label, node ids and
 * capabilities, one connection per pair, bounded per-peer queues with backpressure, coalesced
 * writes, heartbeats and redials with backoff.
 *
 * @module @tala-net/transport-tcp
 */
export { formatAddress, type HostPort, isWildcardAddress, parseAddress } from './address.js';
export {
  type HandshakeHello,
  type HandshakeRefusal,
  type HandshakeWelcome,
  type Heartbeat,
  handshakeHelloMessage,
  handshakeMessages,
  handshakeRefusalMessage,
  handshakeWelcomeMessage,
  heartbeatMessage,
  MAX_CAPABILITY_BYTES,
  MAX_CLUSTER_LABEL_BYTES,
  MAX_LISTEN_ADDRESS_BYTES,
  MAX_REFUSAL_DETAIL_BYTES,
  RefusalCode,
  registerHandshakeMessages,
} from './handshake-messages.js';
export { nodeIdsInSubjectAltName, nodeIdUri } from './node-id-uri.js';
export type { TcpDropStats, TcpPeerStats, TcpTransportStats } from './tcp-stats.js';
export { TcpTransport } from './tcp-transport.js';
export type { TcpTlsOptions, TcpTransportOptions } from './tcp-transport-options.js';
