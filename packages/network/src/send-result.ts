import type { PeerId, TalaError } from '@tala-net/types';
import type { MetadataInit } from './metadata.js';

/**
 * What became of one destination of `Conduit.send` or `Conduit.broadcast`: `ok` when the
 * transport took the message; otherwise `error` says why it was not sent, with a `TalaError`
 * code: `UnknownPeer` (no connection and no address), `ConnectionFailed` (the last connection
 * failed and there is no address to redial), `QueueFull` (the transport's queue for the peer is
 * above the network's high-water mark), `MessageTooLarge`, or `Closed` (the network is not
 * running, the conduit's channel was unregistered, or the transport closed). Delivery problems
 * after the transport took the message are the transport's (counted in its stats). Results are
 * read-only: successful sends in a row to one peer may return the same frozen result.
 */
export type SendResult =
  | {
      /** The destination. */
      readonly to: PeerId;
      /** The transport took the message. */
      readonly ok: true;
      /** No error. */
      readonly error?: undefined;
    }
  | {
      /** The destination. */
      readonly to: PeerId;
      /** The message was not sent. */
      readonly ok: false;
      /** Why it was not sent. */
      readonly error: TalaError;
    };

/** Options of `Conduit.send` and `Conduit.broadcast`. */
export interface SendOptions {
  /**
   * String metadata sent with the message (≤ 16 entries, ≤ 4,096 bytes).
   * @default no metadata
   */
  readonly metadata?: MetadataInit;
}
