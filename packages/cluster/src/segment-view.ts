/** The segment of one partition as a node holds it (see `ClusterNode.segment`). */
export interface SegmentView {
  /** First logical offset held (earlier bytes were trimmed past the dedup window). */
  readonly start: bigint;
  /** Logical offset after the last byte held. */
  readonly end: bigint;
  /** SHA-256 of the held bytes, in hex: two holders of one range hold the same bytes when equal. */
  readonly digest: string;
  /** `true` when the node holds the segment in full (it may serve or copy it). */
  readonly synced: boolean;
  /** A copy of the held bytes. */
  readonly bytes: Uint8Array;
}
