/**
 * A runnable tala-net node: SWIM membership, a versioned partition table, intent routing with
 * exactly-once delivery, segment replication, reliable Data/Ack messaging and an HTTP status
 * endpoint, over TCP or any `Transport`.
 *
 * @module @tala-net/cluster
 */
export type { ClusterNodeOptions } from './cluster-node-options.js';
export type {
  AssignmentStatus,
  ClusterStats,
  ClusterStatus,
  MemberStatus,
  PeerTransportStats,
  TableStatus,
} from './cluster-status.js';
export {
  CLUSTER_DATA_ACK_FRAME_BYTES,
  type ClusterData,
  type ClusterDataAck,
  clusterDataAckMessage,
  clusterDataFrameBytes,
  clusterDataMessage,
  clusterDataMessages,
  registerClusterDataMessages,
} from './data-messages.js';
export {
  clusterStatusMetrics,
  type MetricFamily,
  type MetricSample,
  type MetricType,
  PROMETHEUS_CONTENT_TYPE,
  writePrometheusText,
} from './prometheus-text.js';
export {
  ClusterDataEvent,
  ClusterDataExpiredEvent,
  type ReliableMessagingEventMap,
} from './reliable-data-event.js';
export {
  type BroadcastResult,
  ReliableMessaging,
  type ReliableMessagingStats,
  type SendRefusal,
  type SendResult,
} from './reliable-messaging.js';
export {
  RELIABLE_MESSAGING_DEFAULTS,
  type ReliableMessagingLimits,
  type ReliableMessagingOptions,
  reliableMessagingLimits,
} from './reliable-messaging-options.js';
export { StatusServer, type StatusServerOptions, type StatusServerStats } from './status-server.js';
