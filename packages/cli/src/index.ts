/**
 * The `tala-net` command (`tala-net node | status | demo`) and the pieces it is made of that
 * programs can use: reading a node's status document and rendering it as text.
 *
 * @module tala-net
 */

export type {
  AssignmentStatus,
  ClusterStats,
  ClusterStatus,
  MemberStatus,
  PeerTransportStats,
  TableStatus,
} from '@tala-net/cluster';
export { type FetchStatusOptions, fetchStatus, parseClusterStatus } from './fetch-status.js';
export { type LocalNodeSpec, localNodeArguments } from './local-node-arguments.js';
export { renderStatus } from './render-status.js';
export { textTable } from './text-table.js';
