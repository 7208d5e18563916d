import type { NodeId } from '@tala-net/types';

/**
 * The `subjectAltName` URI that binds a certificate to node `id`: `tala-net:node:<decimal id>`.
 * Put it in each node's certificate (e.g. `openssl req -addext
 * "subjectAltName=URI:tala-net:node:7"`) when `tls.bindNodeId` is on.
 */
export function nodeIdUri(id: NodeId): string {
  return `tala-net:node:${id}`;
}

/**
 * The node ids named by a certificate's `subjectAltName` text (as Node reports it, e.g.
 * `URI:tala-net:node:7, DNS:localhost`).
 */
export function nodeIdsInSubjectAltName(subjectAltName: string | undefined): bigint[] {
  if (subjectAltName === undefined) return [];
  const ids: bigint[] = [];
  for (const entry of subjectAltName.split(',')) {
    const match = /^\s*URI:tala-net:node:(\d{1,20})\s*$/.exec(entry);
    if (match !== null) ids.push(BigInt(match[1]!));
  }
  return ids;
}
