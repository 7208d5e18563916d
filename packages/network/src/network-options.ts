import type { Meter } from '@opentelemetry/api';
import { DEFAULT_MAX_FRAME_BYTES, defaultRegistry, type MessageRegistry } from '@tala-net/codec';
import {
  type Clock,
  type Random,
  realClock,
  seededRandom,
  TalaError,
  type Transport,
} from '@tala-net/types';
import { integerIn, MAX_TIMEOUT_MS } from './retry.js';

/** Options of a `Network`. */
export interface NetworkOptions {
  /** The transport the network sends and receives through (not closed by the network). */
  readonly transport: Transport;
  /**
   * Time and timers for request deadlines and retry backoff.
   * @default realClock()
   */
  readonly clock?: Clock;
  /**
   * Randomness for the retry jitter.
   * @default seededRandom(a random seed)
   */
  readonly random?: Random;
  /**
   * Where the network's three message kinds are registered (the registry the transport encodes
   * and decodes with).
   * @default defaultRegistry
   */
  readonly registry?: MessageRegistry;
  /**
   * An OpenTelemetry `Meter` to record the network's instruments on (see the README).
   * @default undefined (only `metrics()`)
   */
  readonly meter?: Meter;
  /**
   * Largest payload of one frame in bytes; a larger message or request is refused before it is
   * sent (`MessageTooLarge`).
   * @default 16777216 (16 MiB)
   */
  readonly maxMessageBytes?: number;
  /**
   * Most requests waiting for a response at once; `request` beyond it rejects with
   * `TooManyPendingRequests`.
   * @default 4096
   */
  readonly maxPendingRequests?: number;
  /**
   * Most incoming requests whose processor has not answered yet (async processors); a request
   * beyond it is answered `Unknown` at once and counted (cause `overloaded`), so that peers
   * cannot make the network hold unbounded work.
   * @default 4096
   */
  readonly maxServingRequests?: number;
  /**
   * Frames the transport may hold for one peer before `send` answers `QueueFull`.
   * @default 16384
   */
  readonly maxBufferedFrames?: number;
  /**
   * Bytes the transport may hold for one peer before `send` answers `QueueFull`.
   * @default 16777216 (16 MiB)
   */
  readonly maxBufferedBytes?: number;
  /**
   * Timeout of a request without its own `timeout`, in milliseconds (at most 2^31 − 1).
   * @default 5000
   */
  readonly requestTimeoutMs?: number;
}

/** {@link NetworkOptions} with defaults applied. */
export interface ResolvedNetworkOptions {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: Random;
  readonly registry: MessageRegistry;
  readonly meter: Meter | undefined;
  readonly maxMessageBytes: number;
  readonly maxPendingRequests: number;
  readonly maxServingRequests: number;
  readonly maxBufferedFrames: number;
  readonly maxBufferedBytes: number;
  readonly requestTimeoutMs: number;
}

/** Applies the defaults of {@link NetworkOptions}; throws `InvalidArgument` for a bad value. */
export function resolveNetworkOptions(options: NetworkOptions): ResolvedNetworkOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TalaError('InvalidArgument', 'Network: expected an options object');
  }
  const { transport } = options;
  if (
    typeof transport !== 'object' ||
    transport === null ||
    typeof transport.send !== 'function' ||
    typeof transport.addEventListener !== 'function'
  ) {
    throw new TalaError('InvalidArgument', 'Network: options.transport must be a Transport');
  }
  return {
    transport,
    clock: options.clock ?? realClock(),
    random: options.random ?? seededRandom(randomSeed()),
    registry: options.registry ?? defaultRegistry,
    meter: options.meter,
    maxMessageBytes: integerIn(
      options.maxMessageBytes,
      DEFAULT_MAX_FRAME_BYTES,
      1,
      0xffff_ffff,
      'maxMessageBytes',
    ),
    maxPendingRequests: integerIn(
      options.maxPendingRequests,
      4096,
      1,
      1 << 24,
      'maxPendingRequests',
    ),
    maxServingRequests: integerIn(
      options.maxServingRequests,
      4096,
      1,
      1 << 24,
      'maxServingRequests',
    ),
    maxBufferedFrames: integerIn(
      options.maxBufferedFrames,
      16_384,
      1,
      2 ** 32,
      'maxBufferedFrames',
    ),
    maxBufferedBytes: integerIn(
      options.maxBufferedBytes,
      DEFAULT_MAX_FRAME_BYTES,
      1,
      2 ** 53,
      'maxBufferedBytes',
    ),
    requestTimeoutMs: integerIn(
      options.requestTimeoutMs,
      5000,
      1,
      MAX_TIMEOUT_MS,
      'requestTimeoutMs',
    ),
  };
}

function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}
