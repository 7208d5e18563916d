import { nodeIdUri } from '@tala-net/transport-tcp';
import type { NodeId } from '@tala-net/types';
import { makePki } from '../../../testing/pki.js';

/** The PEM files of a benchmark cluster: its CA, and one key and certificate every node uses. */
export interface ClusterPki {
  readonly ca: string;
  readonly key: string;
  readonly cert: string;
}

/**
 * A CA and one certificate signed by it that names every id in `ids` (so each node of a
 * benchmark can present it with `bindNodeId` on), made by the `openssl` command.
 */
export function clusterPki(ids: readonly NodeId[]): ClusterPki {
  const pki = makePki([{ uris: ids.map(nodeIdUri) }]);
  const node = pki.nodes[0]!;
  return { ca: pki.ca, key: node.key, cert: node.cert };
}
