import { CapabilityAd } from '@tala-net/capability';
import type { NodeId } from '@tala-net/types';
import type {
  HandshakeHello,
  HandshakeRefusal,
  HandshakeWelcome,
  RefusalCode,
} from './handshake-messages.js';
import { nodeIdsInSubjectAltName } from './node-id-uri.js';
import type { ResolvedTcpOptions } from './tcp-transport-options.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The highest version in both ranges, or `undefined` when they do not overlap. */
export function commonVersion(
  localMin: number,
  localMax: number,
  remoteMin: number,
  remoteMax: number,
): number | undefined {
  const version = Math.min(localMax, remoteMax);
  return version >= Math.max(localMin, remoteMin) ? version : undefined;
}

/** A handshake check that failed: the refusal code and what to tell people. */
export interface HandshakeProblem {
  readonly code: RefusalCode;
  readonly detail: string;
}

/** The encoded advertisement of this node (empty without a capability registry). */
export function localCapabilities(options: ResolvedTcpOptions): Uint8Array {
  return options.capabilities?.localAdvertisement().encode() ?? new Uint8Array(0);
}

/** A peer's decoded advertisement (an empty one for empty bytes), or why it is malformed. */
export function parseCapabilities(
  bytes: Uint8Array,
): { readonly capabilities: CapabilityAd } | { readonly problem: HandshakeProblem } {
  try {
    const capabilities =
      bytes.length === 0 ? CapabilityAd.fromEntries([]) : CapabilityAd.decode(bytes);
    return { capabilities };
  } catch (error) {
    return { problem: { code: 6, detail: (error as Error).message } };
  }
}

/** Text of UTF-8 bytes, or `undefined` when they are not valid UTF-8. */
export function textOf(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** UTF-8 bytes of `text`. */
export function bytesOf(text: string): Uint8Array {
  return utf8.encode(text);
}

/**
 * Why the certificate of the peer does not bind it to `claimed`, or `undefined` when it does
 * (or when identities are not bound to certificates).
 */
export function identityProblem(
  options: ResolvedTcpOptions,
  claimed: NodeId,
  subjectAltName: string | undefined,
): HandshakeProblem | undefined {
  if (options.tls === undefined || !options.bindNodeId) return undefined;
  const ids = nodeIdsInSubjectAltName(subjectAltName);
  if (ids.includes(claimed)) return undefined;
  return {
    code: 3,
    detail: `node ${claimed} presented a certificate for ${ids.length === 0 ? 'no node id' : `node ${ids.join(', ')}`}`,
  };
}

/** Why `hello` cannot be accepted whatever the connection state, or `undefined`. */
export function helloProblem(
  options: ResolvedTcpOptions,
  hello: HandshakeHello,
  subjectAltName: string | undefined,
): HandshakeProblem | undefined {
  const label = textOf(hello.clusterLabel) ?? '(not UTF-8)';
  if (label !== options.clusterLabelText) {
    return {
      code: 1,
      detail: `cluster label ${JSON.stringify(label)} does not match ${JSON.stringify(options.clusterLabelText)}`,
    };
  }
  const { versionMin, versionMax } = options;
  if (commonVersion(versionMin, versionMax, hello.versionMin, hello.versionMax) === undefined) {
    return {
      code: 2,
      detail: `versions ${hello.versionMin}…${hello.versionMax} and ${versionMin}…${versionMax} do not overlap`,
    };
  }
  if (hello.from === options.localId) {
    return { code: 5, detail: `the peer claims this node's own id ${options.localId}` };
  }
  return identityProblem(options, hello.from, subjectAltName);
}

/** The refusal frame for `problem`. */
export function refusalFor(
  options: ResolvedTcpOptions,
  problem: HandshakeProblem,
): HandshakeRefusal {
  const detail = bytesOf(problem.detail);
  return {
    type: 'HandshakeRefusal',
    from: options.localId,
    code: problem.code,
    detail: detail.length <= 1024 ? detail : detail.subarray(0, 1024),
  };
}

/**
 * Why a dialler cannot accept `welcome`, or `undefined`: a version outside its range, another
 * node than the one it dialled, its own id, or an identity the certificate does not bind.
 */
export function welcomeProblem(
  options: ResolvedTcpOptions,
  welcome: HandshakeWelcome,
  expected: NodeId | undefined,
  subjectAltName: string | undefined,
): { readonly reason: 'protocol' | 'refused'; readonly detail: string } | undefined {
  if (welcome.version < options.versionMin || welcome.version > options.versionMax) {
    return { reason: 'protocol', detail: `the peer chose version ${welcome.version}` };
  }
  if (expected !== undefined && expected !== welcome.from) {
    return { reason: 'refused', detail: `dialled node ${expected}, node ${welcome.from} answered` };
  }
  if (welcome.from === options.localId) {
    return { reason: 'refused', detail: "the peer has this node's own id" };
  }
  const identity = identityProblem(options, welcome.from, subjectAltName);
  return identity && { reason: 'refused', detail: identity.detail };
}
