import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import type { ChannelDropCause } from './channel-metrics.js';

/** Drops that belong to no channel. */
export type NetworkDropCause =
  | 'unknownChannel'
  | 'unsupportedVersion'
  | 'lateResponse'
  | 'duplicateResponse'
  | 'unmatchedResponse';

/** The attribute sets of one channel, built once so that recording allocates nothing. */
interface ChannelAttributes {
  readonly channel: Attributes;
  readonly in: Attributes;
  readonly out: Attributes;
  readonly drops: Map<ChannelDropCause, Attributes>;
}

/**
 * The OpenTelemetry instruments of a `Network`, created on the `Meter` the user passed (names
 * under `tala_net.network.`; attributes `channel`, `direction` and `cause`):
 *
 * - `tala_net.network.messages` and `tala_net.network.bytes` (counters, `direction` in/out);
 * - `tala_net.network.drops` (counter, by `cause`; network-wide causes have no `channel`);
 * - `tala_net.network.processor_errors` (counter);
 * - `tala_net.network.requests_in_flight` (up-down counter);
 * - `tala_net.network.request.duration` (histogram, milliseconds, requests that got a response).
 */
export class NetworkInstruments {
  readonly #messages: Counter;
  readonly #bytes: Counter;
  readonly #drops: Counter;
  readonly #processorErrors: Counter;
  readonly #inFlight: UpDownCounter;
  readonly #duration: Histogram;
  readonly #channels = new Map<string, ChannelAttributes>();
  readonly #networkDrops = new Map<NetworkDropCause, Attributes>();

  constructor(meter: Meter) {
    this.#messages = meter.createCounter('tala_net.network.messages', {
      description: 'Frames sent and received on a channel',
    });
    this.#bytes = meter.createCounter('tala_net.network.bytes', {
      description: 'Encoded bytes sent and received on a channel',
      unit: 'By',
    });
    this.#drops = meter.createCounter('tala_net.network.drops', {
      description: 'Messages, requests and responses not sent or not processed, by cause',
    });
    this.#processorErrors = meter.createCounter('tala_net.network.processor_errors', {
      description: 'Exceptions thrown by channel processors',
    });
    this.#inFlight = meter.createUpDownCounter('tala_net.network.requests_in_flight', {
      description: 'Requests waiting for their response',
    });
    this.#duration = meter.createHistogram('tala_net.network.request.duration', {
      description: 'Round-trip time of requests that got a response',
      unit: 'ms',
    });
  }

  /** Records a frame of `bytes` sent (`out`) or received on `channel`. */
  transferred(channel: string, direction: 'in' | 'out', bytes: number): void {
    const attributes = this.#attributesOf(channel)[direction];
    this.#messages.add(1, attributes);
    this.#bytes.add(bytes, attributes);
  }

  /** Records a drop on `channel`. */
  dropped(channel: string, cause: ChannelDropCause): void {
    const channelAttributes = this.#attributesOf(channel);
    let attributes = channelAttributes.drops.get(cause);
    if (attributes === undefined) {
      attributes = { channel, cause };
      channelAttributes.drops.set(cause, attributes);
    }
    this.#drops.add(1, attributes);
  }

  /** Records a drop that belongs to no channel. */
  networkDropped(cause: NetworkDropCause): void {
    let attributes = this.#networkDrops.get(cause);
    if (attributes === undefined) {
      attributes = { cause };
      this.#networkDrops.set(cause, attributes);
    }
    this.#drops.add(1, attributes);
  }

  /** Records an exception of `channel`'s processor. */
  processorError(channel: string): void {
    this.#processorErrors.add(1, this.#attributesOf(channel).channel);
  }

  /** Records a request starting (`+1`) or ending (`-1`) on `channel`. */
  inFlight(channel: string, delta: 1 | -1): void {
    this.#inFlight.add(delta, this.#attributesOf(channel).channel);
  }

  /** Records the round-trip time of a request on `channel`. */
  duration(channel: string, ms: number): void {
    this.#duration.record(ms, this.#attributesOf(channel).channel);
  }

  #attributesOf(channel: string): ChannelAttributes {
    let attributes = this.#channels.get(channel);
    if (attributes === undefined) {
      attributes = {
        channel: { channel },
        in: { channel, direction: 'in' },
        out: { channel, direction: 'out' },
        drops: new Map(),
      };
      this.#channels.set(channel, attributes);
    }
    return attributes;
  }
}
