/**
 * The line protocol of `tala-net node --ndjson`: the node writes one JSON object per line on
 * stdout for what happens to it, and reads one JSON object per line on stdin for what it is asked
 * to do. `tala-net demo` drives its nodes through it; any program can. Ids and versions are
 * decimal strings, intent ids 32 hex digits.
 */

/** A partition table as a node adopted it. */
export interface TableLine {
  readonly type: 'table';
  /** Epoch of the table (decimal): tables order by epoch, then by the lower coordinator id. */
  readonly epoch: string;
  /** The node that computed it (decimal). */
  readonly coordinator: string;
  /** Holders of each partition, by partition id: the owner first, then its replicas. */
  readonly holders: readonly (readonly string[])[];
}

/** What a node reports on stdout. */
export type NodeLine =
  | {
      readonly type: 'ready';
      readonly id: string;
      readonly address: string;
      readonly status: string | null;
    }
  | { readonly type: 'member'; readonly change: string; readonly node: string }
  | TableLine
  | {
      readonly type: 'delivered';
      readonly intent: string;
      readonly partition: number;
      /** `epoch/coordinator` of the table the node routed by when it delivered. */
      readonly table: string;
    }
  | {
      readonly type: 'acked';
      readonly intent: string;
      /** The owner that answered (decimal). */
      readonly owner: string;
      /** `true` when the owner had recorded the id before and did not deliver it again. */
      readonly duplicate: boolean;
    }
  | {
      readonly type: 'failed';
      readonly intent: string;
      readonly code: string;
      readonly message: string;
    }
  | {
      readonly type: 'digests';
      /** `epoch/coordinator` of the table the node routes by. */
      readonly table: string;
      /** SHA-256 (hex) of the segment bytes of each partition this node holds, by partition id. */
      readonly digests: Readonly<Record<string, string>>;
    }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | { readonly type: 'left' };

/** What a node accepts on stdin. */
export type NodeCommand =
  | { readonly type: 'submit'; readonly intent: string; readonly payload?: string }
  | { readonly type: 'digests' };

/** The key of a table in {@link NodeLine}s: `epoch/coordinator`. */
export function tableKey(epoch: bigint | string, coordinator: bigint | string): string {
  return `${epoch}/${coordinator}`;
}

/** Intent ids on the line protocol: 16 bytes as 32 lowercase hex digits. */
export function intentHex(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

/** The 16 bytes of a 32-hex-digit intent id, or `undefined` when it is not one. */
export function intentBytes(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
