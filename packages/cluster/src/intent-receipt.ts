import type { NodeId, PartitionId } from '@tala-net/types';

/** What `ClusterNode.submitIntent` resolves with: the owner delivered the intent. */
export interface IntentReceipt {
  /** The intent's partition. */
  readonly partition: PartitionId;
  /** The node that owns it and delivered the intent. */
  readonly owner: NodeId;
  /**
   * `true` when the id had been recorded before (within the window) and was not delivered
   * again: an earlier submission, a retry or a copy on the way got there first.
   */
  readonly duplicate: boolean;
}

/** Options of `ClusterNode.submitIntent`. */
export interface SubmitIntentOptions {
  /**
   * Overall deadline in milliseconds, retries included.
   * @default the node's `intentTimeoutMs` (10,000)
   */
  readonly timeout?: number;
  /** Cancels the submission: it rejects with `Aborted`. */
  readonly signal?: AbortSignal;
}
