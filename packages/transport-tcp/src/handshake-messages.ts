import {
  bytesAt,
  checkBytes,
  checkU16,
  checkU32,
  checkU64,
  corrupted,
  defaultRegistry,
  defineMessage,
  HEADER_BYTES,
  type MessageRegistry,
  readU16,
  readU32,
  readU64,
  tooShort,
  trailing,
  unencodable,
  writeU16,
  writeU32,
  writeU64,
  wrongLength,
} from '@tala-net/codec';
import type { NodeId } from '@tala-net/types';

/** The first frame of a connection, sent by the side that dialled. */
export interface HandshakeHello {
  /** The kind of message. */
  readonly type: 'HandshakeHello';
  /** Lowest protocol version the dialler speaks. */
  readonly versionMin: number;
  /** Highest protocol version the dialler speaks. */
  readonly versionMax: number;
  /** The dialler's id. */
  readonly from: NodeId;
  /** Random per transport instance: tells a restarted peer from a second connection of the same one. */
  readonly bootId: bigint;
  /** The cluster the dialler belongs to (ASCII, ≤ 64 bytes); a mismatch is refused. */
  readonly clusterLabel: Uint8Array;
  /** The address the dialler listens on (UTF-8 `host:port`, ≤ 512 bytes; empty when none). */
  readonly listenAddress: Uint8Array;
  /** The dialler's encoded `CapabilityAd` (empty when it advertises nothing). */
  readonly capabilities: Uint8Array;
}

/** The answer that completes a handshake, sent by the side that accepted. */
export interface HandshakeWelcome {
  /** The kind of message. */
  readonly type: 'HandshakeWelcome';
  /** The protocol version chosen for the connection: the highest both speak. */
  readonly version: number;
  /** The acceptor's id. */
  readonly from: NodeId;
  /** See {@link HandshakeHello.bootId}. */
  readonly bootId: bigint;
  /** The acceptor's encoded `CapabilityAd` (empty when it advertises nothing). */
  readonly capabilities: Uint8Array;
}

/** Why a handshake was refused (the `code` of a {@link HandshakeRefusal}). */
export const RefusalCode = {
  /** The cluster labels differ. */
  WrongCluster: 1,
  /** The version ranges do not overlap. */
  NoCommonVersion: 2,
  /** The claimed id does not match the peer's certificate. */
  IdentityMismatch: 3,
  /**
   * The two nodes already have (or are opening) a connection that wins over this one: both
   * dialled at once, and the connection dialled by the lower id is kept.
   */
  Duplicate: 4,
  /** The peer claimed the acceptor's own id. */
  SameId: 5,
  /** The hello was malformed (e.g. its capability advertisement). */
  Malformed: 6,
  /** The acceptor is closing. */
  Closing: 7,
} as const;

/** One of the {@link RefusalCode} values. */
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

/** The answer that refuses a handshake; the acceptor closes the connection after it. */
export interface HandshakeRefusal {
  /** The kind of message. */
  readonly type: 'HandshakeRefusal';
  /** The refusing side's id. */
  readonly from: NodeId;
  /** Why (see {@link RefusalCode}; unknown codes are kept as they are). */
  readonly code: number;
  /** What happened, for people (UTF-8, ≤ 1,024 bytes). */
  readonly detail: Uint8Array;
}

/** Sent on an idle connection so that the peer hears from it within its idle timeout. */
export interface Heartbeat {
  /** The kind of message. */
  readonly type: 'Heartbeat';
}

declare module '@tala-net/types' {
  interface MessageMap {
    /** Tag 0x20, see {@link HandshakeHello}. */
    HandshakeHello: HandshakeHello;
    /** Tag 0x21, see {@link HandshakeWelcome}. */
    HandshakeWelcome: HandshakeWelcome;
    /** Tag 0x22, see {@link HandshakeRefusal}. */
    HandshakeRefusal: HandshakeRefusal;
    /** Tag 0x23, see {@link Heartbeat}. */
    Heartbeat: Heartbeat;
  }
}

const OWNER = '@tala-net/transport-tcp';
/** Longest cluster label, in bytes. */
export const MAX_CLUSTER_LABEL_BYTES = 64;
/** Longest advertised listen address, in bytes. */
export const MAX_LISTEN_ADDRESS_BYTES = 512;
/** Longest capability advertisement carried by a handshake (the capability format's own bound). */
export const MAX_CAPABILITY_BYTES = 64 * 1024;
/** Longest refusal detail, in bytes. */
export const MAX_REFUSAL_DETAIL_BYTES = 1024;

/**
 * Largest payload of a handshake frame (a hello with the longest label, address and
 * advertisement): a connection reads at most this much before its handshake completes.
 */
export const MAX_HANDSHAKE_PAYLOAD_BYTES =
  27 + MAX_CLUSTER_LABEL_BYTES + MAX_LISTEN_ADDRESS_BYTES + MAX_CAPABILITY_BYTES;

/** Fixed payload bytes of a hello: versions (2 + 2), from (8), bootId (8), three lengths (1 + 2 + 4). */
const HELLO_FIXED_BYTES = 27;
/** Fixed payload bytes of a welcome: version (2), from (8), bootId (8), capabilities length (4). */
const WELCOME_FIXED_BYTES = 22;
/** Fixed payload bytes of a refusal: from (8), code (1), detail length (2). */
const REFUSAL_FIXED_BYTES = 11;

/**
 * Reads a length-prefixed byte field at `at` whose length prefix is `prefixBytes` (1, 2 or 4)
 * bytes, checking it against `max` and the bytes present before copying.
 */
function readField(
  bytes: Uint8Array,
  frameStart: number,
  at: number,
  end: number,
  prefixBytes: 1 | 2 | 4,
  max: number,
  field: string,
): Uint8Array {
  if (end - at < prefixBytes) {
    throw corrupted(field, at - frameStart, `at least ${prefixBytes} bytes`, `${end - at}`);
  }
  const length =
    prefixBytes === 1 ? bytes[at]! : prefixBytes === 2 ? readU16(bytes, at) : readU32(bytes, at);
  const start = at + prefixBytes;
  if (length > max || length > end - start) {
    throw corrupted(
      field,
      at - frameStart,
      `a length of at most ${Math.min(max, end - start)}`,
      `${length}`,
    );
  }
  return bytesAt(bytes, start, start + length, true);
}

/** The `HandshakeHello` kind (tag 0x20). */
export const handshakeHelloMessage = defineMessage({
  tag: 0x20,
  type: 'HandshakeHello',
  owner: OWNER,
  payloadLength: (m) =>
    HELLO_FIXED_BYTES + m.clusterLabel.length + m.listenAddress.length + m.capabilities.length,
  checkedPayloadLength(m) {
    checkU16(m.versionMin, 'HandshakeHello', 'versionMin');
    checkU16(m.versionMax, 'HandshakeHello', 'versionMax');
    checkU64(m.from, 'HandshakeHello', 'from');
    checkU64(m.bootId, 'HandshakeHello', 'bootId');
    checkBytes(m.clusterLabel, 'HandshakeHello', 'clusterLabel', MAX_CLUSTER_LABEL_BYTES);
    checkBytes(m.listenAddress, 'HandshakeHello', 'listenAddress', MAX_LISTEN_ADDRESS_BYTES);
    checkBytes(m.capabilities, 'HandshakeHello', 'capabilities', MAX_CAPABILITY_BYTES);
    return (
      HELLO_FIXED_BYTES + m.clusterLabel.length + m.listenAddress.length + m.capabilities.length
    );
  },
  writePayload(m, bytes, at) {
    writeU16(bytes, at, m.versionMin);
    writeU16(bytes, at + 2, m.versionMax);
    writeU64(bytes, at + 4, m.from);
    writeU64(bytes, at + 12, m.bootId);
    let offset = at + 20;
    bytes[offset] = m.clusterLabel.length;
    bytes.set(m.clusterLabel, offset + 1);
    offset += 1 + m.clusterLabel.length;
    writeU16(bytes, offset, m.listenAddress.length);
    bytes.set(m.listenAddress, offset + 2);
    offset += 2 + m.listenAddress.length;
    writeU32(bytes, offset, m.capabilities.length);
    bytes.set(m.capabilities, offset + 4);
  },
  readPayload(bytes, frameStart, end) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < HELLO_FIXED_BYTES) {
      throw tooShort('HandshakeHello.payload', HELLO_FIXED_BYTES, end - at);
    }
    const clusterLabel = readField(
      bytes,
      frameStart,
      at + 20,
      end,
      1,
      MAX_CLUSTER_LABEL_BYTES,
      'HandshakeHello.clusterLabel',
    );
    let offset = at + 21 + clusterLabel.length;
    const listenAddress = readField(
      bytes,
      frameStart,
      offset,
      end,
      2,
      MAX_LISTEN_ADDRESS_BYTES,
      'HandshakeHello.listenAddress',
    );
    offset += 2 + listenAddress.length;
    const capabilities = readField(
      bytes,
      frameStart,
      offset,
      end,
      4,
      MAX_CAPABILITY_BYTES,
      'HandshakeHello.capabilities',
    );
    offset += 4 + capabilities.length;
    if (offset !== end) throw trailing('HandshakeHello', offset - frameStart, end - offset);
    return {
      type: 'HandshakeHello',
      versionMin: readU16(bytes, at),
      versionMax: readU16(bytes, at + 2),
      from: readU64(bytes, at + 4) as NodeId,
      bootId: readU64(bytes, at + 12),
      clusterLabel,
      listenAddress,
      capabilities,
    };
  },
});

/** The `HandshakeWelcome` kind (tag 0x21). */
export const handshakeWelcomeMessage = defineMessage({
  tag: 0x21,
  type: 'HandshakeWelcome',
  owner: OWNER,
  payloadLength: (m) => WELCOME_FIXED_BYTES + m.capabilities.length,
  checkedPayloadLength(m) {
    checkU16(m.version, 'HandshakeWelcome', 'version');
    checkU64(m.from, 'HandshakeWelcome', 'from');
    checkU64(m.bootId, 'HandshakeWelcome', 'bootId');
    checkBytes(m.capabilities, 'HandshakeWelcome', 'capabilities', MAX_CAPABILITY_BYTES);
    return WELCOME_FIXED_BYTES + m.capabilities.length;
  },
  writePayload(m, bytes, at) {
    writeU16(bytes, at, m.version);
    writeU64(bytes, at + 2, m.from);
    writeU64(bytes, at + 10, m.bootId);
    writeU32(bytes, at + 18, m.capabilities.length);
    bytes.set(m.capabilities, at + 22);
  },
  readPayload(bytes, frameStart, end) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < WELCOME_FIXED_BYTES) {
      throw tooShort('HandshakeWelcome.payload', WELCOME_FIXED_BYTES, end - at);
    }
    const capabilities = readField(
      bytes,
      frameStart,
      at + 18,
      end,
      4,
      MAX_CAPABILITY_BYTES,
      'HandshakeWelcome.capabilities',
    );
    const offset = at + 22 + capabilities.length;
    if (offset !== end) throw trailing('HandshakeWelcome', offset - frameStart, end - offset);
    return {
      type: 'HandshakeWelcome',
      version: readU16(bytes, at),
      from: readU64(bytes, at + 2) as NodeId,
      bootId: readU64(bytes, at + 10),
      capabilities,
    };
  },
});

/** The `HandshakeRefusal` kind (tag 0x22). */
export const handshakeRefusalMessage = defineMessage({
  tag: 0x22,
  type: 'HandshakeRefusal',
  owner: OWNER,
  payloadLength: (m) => REFUSAL_FIXED_BYTES + m.detail.length,
  checkedPayloadLength(m) {
    checkU64(m.from, 'HandshakeRefusal', 'from');
    checkU32(m.code, 'HandshakeRefusal', 'code');
    if (m.code > 0xff) throw unencodable('HandshakeRefusal.code', 'at most 255', String(m.code));
    checkBytes(m.detail, 'HandshakeRefusal', 'detail', MAX_REFUSAL_DETAIL_BYTES);
    return REFUSAL_FIXED_BYTES + m.detail.length;
  },
  writePayload(m, bytes, at) {
    writeU64(bytes, at, m.from);
    bytes[at + 8] = m.code;
    writeU16(bytes, at + 9, m.detail.length);
    bytes.set(m.detail, at + 11);
  },
  readPayload(bytes, frameStart, end) {
    const at = frameStart + HEADER_BYTES;
    if (end - at < REFUSAL_FIXED_BYTES) {
      throw tooShort('HandshakeRefusal.payload', REFUSAL_FIXED_BYTES, end - at);
    }
    const detail = readField(
      bytes,
      frameStart,
      at + 9,
      end,
      2,
      MAX_REFUSAL_DETAIL_BYTES,
      'HandshakeRefusal.detail',
    );
    const offset = at + 11 + detail.length;
    if (offset !== end) throw trailing('HandshakeRefusal', offset - frameStart, end - offset);
    return {
      type: 'HandshakeRefusal',
      from: readU64(bytes, at) as NodeId,
      code: bytes[at + 8]!,
      detail,
    };
  },
});

/** The `Heartbeat` kind (tag 0x23): an empty payload. */
export const heartbeatMessage = defineMessage({
  tag: 0x23,
  type: 'Heartbeat',
  owner: OWNER,
  payloadLength: () => 0,
  checkedPayloadLength: () => 0,
  writePayload() {},
  readPayload(_bytes, frameStart, end) {
    const length = end - frameStart - HEADER_BYTES;
    if (length !== 0) throw wrongLength('Heartbeat', length, 0);
    return { type: 'Heartbeat' };
  },
});

/** The four kinds of the connection handshake range (0x20–0x2f) that the TCP transport owns. */
export const handshakeMessages = [
  handshakeHelloMessage,
  handshakeWelcomeMessage,
  handshakeRefusalMessage,
  heartbeatMessage,
] as const;

/**
 * Registers the handshake kinds with `registry` (the codec's default registry unless given).
 * Idempotent. A `TcpTransport` does it for the registry it uses.
 */
export function registerHandshakeMessages(registry: MessageRegistry = defaultRegistry): void {
  registry.register(...handshakeMessages);
}
