/**
 * A runnable tala-net node: SWIM membership, a versioned partition table, intent routing with
 * exactly-once delivery, segment replication, reliable Data/Ack messaging and an HTTP status
 * endpoint, over TCP or any `Transport`.
 *
 * @module @tala-net/cluster
 */

export { CLUSTER_PROTOCOL_CAPABILITY, clusterCapabilities } from './cluster-capabilities.js';
export {
  type ClusterNodeEventMap,
  IntentEvent,
  MemberEvent,
  TableEvent,
} from './cluster-events.js';
export {
  type ClusterTable,
  clusterMessages,
  clusterTableMessage,
  INTENT_ID_LENGTH,
  type IntentOutcome,
  type IntentOutcomeKind,
  type IntentOutcomeQuery,
  type IntentReceipt as IntentReceiptMessage,
  type IntentSubmit,
  intentOutcomeMessage,
  intentOutcomeQueryMessage,
  intentReceiptMessage,
  intentSubmitMessage,
  MAX_INTENT_HOPS,
  MAX_TABLE_MEMBERS,
  MAX_TABLE_PARTITIONS,
  MAX_TABLE_REPLICAS,
  MAX_ZONE_BYTES,
  registerClusterMessages,
  type SegmentAck,
  type SegmentFetch,
  segmentAckMessage,
  segmentFetchMessage,
  type TablePull,
  tablePullMessage,
} from './cluster-messages.js';
export { ClusterNode } from './cluster-node.js';
export type { ClusterNodeOptions } from './cluster-node-options.js';
export type {
  AssignmentStatus,
  ClusterStats,
  ClusterStatus,
  MemberStatus,
  PeerTransportStats,
  TableStatus,
} from './cluster-status.js';
export { CoordinatorAuthority, type CoordinatorAuthorityOptions } from './coordinator-authority.js';
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
export { INTENT_IN_DOUBT_ERROR_CODE } from './intent-in-doubt.js';
export type { IntentReceipt, SubmitIntentOptions } from './intent-receipt.js';
export { INTENT_CHANNEL, MAX_FORWARD_HOPS } from './intent-router.js';
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
export { RECORD_BYTES, SegmentLog } from './segment-log.js';
export { RecordKind } from './segment-record.js';
export { SEGMENT_CHANNEL } from './segment-replicator.js';
export type { SegmentView } from './segment-view.js';
export { StatusServer, type StatusServerOptions, type StatusServerStats } from './status-server.js';
export type { TableAuthority, TableAuthorityContext } from './table-authority.js';
export { isNewerTable, type TableKey, type VersionedTable } from './versioned-table.js';
