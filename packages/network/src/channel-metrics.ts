import { LatencyHistogram } from './latency-histogram.js';

/** Why a channel's message, request or response was not sent or not processed. */
export type ChannelDropCause =
  | 'unknownPeer'
  | 'connectionFailed'
  | 'queueFull'
  | 'tooLarge'
  | 'closed'
  | 'noHandler'
  | 'expired'
  | 'overloaded';

/** Drops of one channel, by {@link ChannelDropCause}, with their total. */
export type ChannelDrops = { readonly [cause in ChannelDropCause]: number } & {
  readonly total: number;
};

/** Counters of one channel (see `Network.metrics`). */
export interface ChannelMetrics {
  /** Frames sent on the channel (messages, requests and responses) that the transport took. */
  readonly messagesOut: number;
  /** Their encoded bytes. */
  readonly bytesOut: number;
  /** Frames received for the channel (messages, requests, and responses to its requests). */
  readonly messagesIn: number;
  /** Their encoded bytes. */
  readonly bytesIn: number;
  /** What was not sent or not processed, by cause. */
  readonly dropped: ChannelDrops;
  /** Exceptions of the channel's processor (not counting `RequestError`s, which are answers). */
  readonly processorErrors: number;
  /** Requests sent on the channel waiting for their response now. */
  readonly requestsInFlight: number;
  /** Requests that failed at the requester (error response, timeout, abort, not sent). */
  readonly requestsFailed: number;
  /** Round-trip time of the requests that got a response, in milliseconds. */
  readonly latency: {
    readonly count: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  };
}

/** Counters of a whole network (see `Network.metrics`). */
export interface NetworkMetrics {
  /** Per channel, by name (channels stay listed after `unregister`). */
  readonly channels: Readonly<Record<string, ChannelMetrics>>;
  /** Channel messages and requests for a channel without a processor (dropped). */
  readonly unknownChannel: number;
  /** Requests of a protocol version this network does not speak (answered `UnsupportedVersion`). */
  readonly unsupportedVersion: number;
  /** Responses that matched no waiting request, by why. */
  readonly responsesDropped: {
    /** For a request that had already timed out or been aborted. */
    readonly late: number;
    /** For a request that had already been answered. */
    readonly duplicate: number;
    /** For no request this network remembers, or from another peer than the one asked. */
    readonly unmatched: number;
  };
  /** Requests waiting for a response now, all channels. */
  readonly pendingRequests: number;
  /** Exceptions of processors, all channels. */
  readonly processorErrors: number;
}

/** The running counters of one channel. */
export class ChannelCounters {
  messagesOut = 0;
  bytesOut = 0;
  messagesIn = 0;
  bytesIn = 0;
  processorErrors = 0;
  requestsInFlight = 0;
  requestsFailed = 0;
  readonly dropped: Record<ChannelDropCause, number> = {
    unknownPeer: 0,
    connectionFailed: 0,
    queueFull: 0,
    tooLarge: 0,
    closed: 0,
    noHandler: 0,
    expired: 0,
    overloaded: 0,
  };
  readonly latency = new LatencyHistogram();

  /** A snapshot. */
  snapshot(): ChannelMetrics {
    const dropped = this.dropped;
    let total = 0;
    for (const cause in dropped) total += dropped[cause as ChannelDropCause];
    return {
      messagesOut: this.messagesOut,
      bytesOut: this.bytesOut,
      messagesIn: this.messagesIn,
      bytesIn: this.bytesIn,
      dropped: { ...dropped, total },
      processorErrors: this.processorErrors,
      requestsInFlight: this.requestsInFlight,
      requestsFailed: this.requestsFailed,
      latency: {
        count: this.latency.count,
        p50Ms: this.latency.quantile(0.5),
        p99Ms: this.latency.quantile(0.99),
        maxMs: this.latency.max,
      },
    };
  }
}
