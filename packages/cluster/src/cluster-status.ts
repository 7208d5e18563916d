/**
 * The status document of a cluster node: what `GET /` of the status endpoint answers (as JSON)
 * and what `tala-net status` prints. Every u64 (ids, incarnations, versions, large counters) is a
 * decimal string, so that the document survives `JSON.parse` without losing precision.
 */
export interface ClusterStatus {
  /** This node's id (decimal). */
  readonly id: string;
  /** The address other nodes reach this node at (`host:port` for TCP). */
  readonly address: string;
  /** The cluster label. */
  readonly label: string;
  /** Milliseconds since the node started. */
  readonly uptimeMs: number;
  /** The members of this node's SWIM view, this node included, sorted by id. */
  readonly members: readonly MemberStatus[];
  /** The partition table this node routes by, or `null` before it has one. */
  readonly table: TableStatus | null;
  /** Counters. */
  readonly stats: ClusterStats;
}

/** One member of a {@link ClusterStatus}. */
export interface MemberStatus {
  /** Node id (decimal). */
  readonly id: string;
  /** Its gossiped address (`''` when it has none). */
  readonly address: string;
  /** `alive`, `suspect`, `dead` or `left`. */
  readonly state: 'alive' | 'suspect' | 'dead' | 'left';
  /** Its SWIM incarnation (decimal). */
  readonly incarnation: string;
}

/** The partition table of a {@link ClusterStatus}. */
export interface TableStatus {
  /** Table version (decimal). */
  readonly version: string;
  /** The node that computed it (decimal). */
  readonly coordinator: string;
  /** Number of partitions. */
  readonly partitions: number;
  /** Each partition's owner and replicas (ids in decimal), by partition id. */
  readonly assignments: readonly AssignmentStatus[];
  /** Partitions this node owns. */
  readonly owned: readonly number[];
  /** Partitions this node holds a replica of. */
  readonly replicated: readonly number[];
}

/** One partition of a {@link TableStatus}. */
export interface AssignmentStatus {
  /** Partition id. */
  readonly partition: number;
  /** Owner (decimal). */
  readonly owner: string;
  /** Replicas (decimal). */
  readonly replicas: readonly string[];
}

/** Counters of a {@link ClusterStatus}. */
export interface ClusterStats {
  /** Intents this node delivered to its application (as owner). */
  readonly intentsDelivered: number;
  /** Duplicate intents recognised and answered without delivering again. */
  readonly intentsDuplicate: number;
  /** Intents answered `IntentInDoubt`: accepted by an earlier owner that stopped before marking them delivered. */
  readonly intentsInDoubt: number;
  /** Intents this node forwarded to another owner. */
  readonly intentsForwarded: number;
  /** Intents submitted on this node. */
  readonly intentsSubmitted: number;
  /** Submitted intents that failed (rejected with a coded error). */
  readonly intentsFailed: number;
  /** Partition tables adopted (including the first). */
  readonly tablesAdopted: number;
  /** Partition tables this node computed as coordinator. */
  readonly tablesComputed: number;
  /** Segment bytes sent to replicas. */
  readonly segmentBytesSent: number;
  /** Segment bytes received as a replica. */
  readonly segmentBytesReceived: number;
  /** Reliable messaging: Data frames sent (retransmissions included). */
  readonly dataSent: number;
  /** Reliable messaging: Data frames received (duplicates included). */
  readonly dataReceived: number;
  /** Reliable messaging: Acks sent. */
  readonly ackSent: number;
  /** Reliable messaging: Acks received. */
  readonly ackReceived: number;
  /** Reliable messaging: Data frames sent and not yet acknowledged. */
  readonly unconfirmed: number;
  /** Transport counters per peer (peer id in decimal → counters), when the transport keeps them. */
  readonly peers: Readonly<Record<string, PeerTransportStats>>;
}

/** Transport counters of one peer in {@link ClusterStats.peers}. */
export interface PeerTransportStats {
  /** Bytes received from the peer. */
  readonly bytesIn: number;
  /** Bytes sent to the peer. */
  readonly bytesOut: number;
  /** Frames received from the peer. */
  readonly framesIn: number;
  /** Frames sent to the peer. */
  readonly framesOut: number;
  /** Connections to the peer opened again after one was lost. */
  readonly reconnects: number;
  /** Frames waiting to be sent to the peer. */
  readonly queuedFrames: number;
  /** Bytes waiting to be sent to the peer. */
  readonly queuedBytes: number;
}
