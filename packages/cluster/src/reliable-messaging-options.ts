import { type Clock, type PeerId, type Random, TalaError, type Transport } from '@tala-net/types';

/** Options of a {@link ReliableMessaging}. */
export interface ReliableMessagingOptions {
  /** The transport to send and receive on; its `localId` is this node's id. */
  readonly transport: Transport;
  /**
   * Time and timers (inject a virtual clock to run it in the simulator).
   * @default realClock()
   */
  readonly clock?: Clock;
  /**
   * Draws the first sequence number of this instance (a random multiple of 2^32 below 2^63), so
   * that a restarted node is not taken for a duplicate of its former self.
   * @default seeded from `crypto.getRandomValues`
   */
  readonly random?: Random;
  /**
   * Proxy mode: every Data message received for the first time is also forwarded, unchanged
   * (same sender, same sequence number), to every connected peer except the hop it came from
   * and its sender.
   * @default false
   */
  readonly proxy?: boolean;
  /**
   * The connected peers that `broadcast` and proxy forwarding reach (e.g. the alive members of
   * a SWIM view).
   * @default the peers of the transport's `peer:connect` events after `start()`, until their
   * `peer:disconnect` (connections opened before `start()` are not seen: pass `peers` then)
   */
  readonly peers?: () => Iterable<PeerId>;
  /**
   * Milliseconds before an unacknowledged Data frame is sent again; the wait doubles with each
   * attempt up to {@link ReliableMessagingOptions.maxRetransmitAfterMs}.
   * @default 200
   */
  readonly retransmitAfterMs?: number;
  /**
   * Longest wait between two sends of one Data frame, in milliseconds.
   * @default 5_000
   */
  readonly maxRetransmitAfterMs?: number;
  /**
   * Sends of one Data frame to one peer (the first included); then it is given up and counted
   * in `expired`. With the default timeouts, a frame is given up about 26 s after its first
   * send.
   * @default 10
   */
  readonly maxAttempts?: number;
  /**
   * Most unacknowledged frames for one peer.
   * @default 1_024
   */
  readonly maxUnconfirmedPerPeer?: number;
  /**
   * Most bytes of unacknowledged frames for one peer.
   * @default 4 MiB
   */
  readonly maxUnconfirmedBytesPerPeer?: number;
  /**
   * Most unacknowledged frames in all.
   * @default 8_192
   */
  readonly maxUnconfirmed?: number;
  /**
   * Most bytes of unacknowledged frames in all.
   * @default 32 MiB
   */
  readonly maxUnconfirmedBytes?: number;
  /**
   * Largest payload `send` and `broadcast` accept, in bytes.
   * @default 1 MiB
   */
  readonly maxPayloadBytes?: number;
  /**
   * Sequence numbers per sender in the receiver's duplicate window (a multiple of 8; one bit
   * each). A message more than this far behind the newest one seen from its sender is taken
   * as already delivered: a retransmission that arrives after its sender has sent this many
   * newer messages (to any peer) is acknowledged and dropped.
   * @default 8_192
   */
  readonly seenWindow?: number;
  /**
   * Senders whose duplicate windows are kept; the least recently heard one is forgotten
   * beyond it (counted in `sendersForgotten`).
   * @default 1_024
   */
  readonly maxSenders?: number;
  /** Stops the messaging when aborted. */
  readonly signal?: AbortSignal;
}

/** The numeric options of {@link ReliableMessagingOptions}, resolved (each one set). */
export type ReliableMessagingLimits = Required<
  Pick<
    ReliableMessagingOptions,
    | 'retransmitAfterMs'
    | 'maxRetransmitAfterMs'
    | 'maxAttempts'
    | 'maxUnconfirmedPerPeer'
    | 'maxUnconfirmedBytesPerPeer'
    | 'maxUnconfirmed'
    | 'maxUnconfirmedBytes'
    | 'maxPayloadBytes'
    | 'seenWindow'
    | 'maxSenders'
  >
>;

const MIB = 1024 * 1024;

/** The defaults of {@link ReliableMessagingOptions}. */
export const RELIABLE_MESSAGING_DEFAULTS: ReliableMessagingLimits = Object.freeze({
  retransmitAfterMs: 200,
  maxRetransmitAfterMs: 5_000,
  maxAttempts: 10,
  maxUnconfirmedPerPeer: 1_024,
  maxUnconfirmedBytesPerPeer: 4 * MIB,
  maxUnconfirmed: 8_192,
  maxUnconfirmedBytes: 32 * MIB,
  maxPayloadBytes: MIB,
  seenWindow: 8_192,
  maxSenders: 1_024,
});

/**
 * Resolves the numeric options, throwing a `TalaError` (`InvalidArgument`) for one that is not
 * a positive safe integer (or, for `seenWindow`, not a multiple of 8).
 */
export function reliableMessagingLimits(
  options: ReliableMessagingOptions,
): ReliableMessagingLimits {
  const limits: { -readonly [K in keyof ReliableMessagingLimits]: number } = {
    ...RELIABLE_MESSAGING_DEFAULTS,
  };
  for (const key of Object.keys(limits) as (keyof ReliableMessagingLimits)[]) {
    const value: unknown = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new TalaError(
        'InvalidArgument',
        `ReliableMessaging: ${key} must be a positive integer, found ${String(value)}`,
      );
    }
    limits[key] = value;
  }
  if (limits.seenWindow % 8 !== 0) {
    throw new TalaError(
      'InvalidArgument',
      `ReliableMessaging: seenWindow must be a multiple of 8, found ${limits.seenWindow}`,
    );
  }
  return limits;
}
