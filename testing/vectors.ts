import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Message, NodeId, PartitionId } from '@tala-net/types';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The vectors produced by the Rust reference, next to the repository (`../shared/vectors/`). */
export const sharedVectorsPath = resolve(repoRoot, '../shared/vectors/tala-net-vectors.json');
/** The copy committed with the repository, used where the shared folder is absent. */
export const committedVectorsPath = resolve(repoRoot, 'vectors/tala-net-vectors.json');

interface JsonAssignment {
  partitionId: number;
  owner: string;
  replicas: string[];
}

/** A reference message as the vector file spells it: u64 as decimal strings, bytes as hex. */
export type JsonMessage =
  | { type: 'Ping' | 'Pong'; from: string; seq: string }
  | { type: 'IntentForward'; partition: number; payload: string }
  | { type: 'SegmentSync'; partition: number; segmentData: string }
  | { type: 'MembershipUpdate'; members: string[]; version: string }
  | { type: 'PartitionTableUpdate'; assignments: JsonAssignment[]; version: string };

export interface VectorFile {
  about: string;
  valid: { name: string; message: JsonMessage; hex: string }[];
  invalid: { name: string; hex: string; referenceError?: string; referenceAborts?: string }[];
  nonCanonical: { name: string; hex: string; referenceDecodes: string }[];
  partitionForIntent: { id: string; numPartitions: number; partition: number }[];
}

/** Loads the golden vectors: the shared reference file when present, else the committed copy. */
export function loadVectors(): VectorFile {
  const path = existsSync(sharedVectorsPath) ? sharedVectorsPath : committedVectorsPath;
  return JSON.parse(readFileSync(path, 'utf8')) as VectorFile;
}

export function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** The bytes of `parts`, one after the other, in one new array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Converts a vector's JSON message to a {@link Message}. */
export function messageFromJson(json: JsonMessage): Message {
  switch (json.type) {
    case 'Ping':
    case 'Pong':
      return { type: json.type, from: NodeId(json.from), seq: BigInt(json.seq) };
    case 'IntentForward':
      return {
        type: json.type,
        partition: PartitionId(json.partition),
        payload: fromHex(json.payload),
      };
    case 'SegmentSync':
      return {
        type: json.type,
        partition: PartitionId(json.partition),
        segmentData: fromHex(json.segmentData),
      };
    case 'MembershipUpdate':
      return { type: json.type, members: json.members.map(NodeId), version: BigInt(json.version) };
    case 'PartitionTableUpdate':
      return {
        type: json.type,
        version: BigInt(json.version),
        assignments: json.assignments.map((a) => ({
          partitionId: PartitionId(a.partitionId),
          owner: NodeId(a.owner),
          replicas: a.replicas.map(NodeId),
        })),
      };
  }
}
