import { type Random, TalaError } from '@tala-net/types';

/**
 * How long a message takes on a link, before jitter, in milliseconds.
 *
 * - `fixed`: always `ms`;
 * - `uniform`: uniformly distributed in `[min, max)`;
 * - `normal`: normally distributed around `mean` with standard deviation `stddev`, never below 0.
 */
export type Latency =
  | {
      /** Every message takes the same time. */
      readonly kind: 'fixed';
      /** The latency, in ms. */
      readonly ms: number;
    }
  | {
      /** Uniformly distributed latency. */
      readonly kind: 'uniform';
      /** Shortest latency, in ms. */
      readonly min: number;
      /** Longest latency, in ms. */
      readonly max: number;
    }
  | {
      /** Normally distributed latency, never below 0. */
      readonly kind: 'normal';
      /** Mean latency, in ms. */
      readonly mean: number;
      /** Standard deviation, in ms. */
      readonly stddev: number;
    };

/** Behaviour of a simulated link (one direction, sender → receiver). Every field is optional. */
export interface LinkOptions {
  /**
   * Latency distribution.
   * @default { kind: 'fixed', ms: 1 }
   */
  readonly latency?: Latency;
  /**
   * Extra delay added to every message, uniformly distributed in `[0, jitter)` ms.
   * @default 0
   */
  readonly jitter?: number;
  /**
   * Probability (0 … 1) that a message is lost.
   * @default 0
   */
  readonly loss?: number;
  /**
   * Probability (0 … 1) that a message is delivered twice (the copy has its own delivery time).
   * @default 0
   */
  readonly duplicate?: number;
  /**
   * Probability (0 … 1) that a message leaves FIFO order: it gets an extra delay in
   * `[0, reorderWindow)` ms and later messages of the same pair may overtake it. With 0 (the
   * default), delivery is FIFO per sender→receiver pair whatever the latency distribution.
   * @default 0
   */
  readonly reorder?: number;
  /**
   * Largest extra delay of a reordered message, in ms.
   * @default 10
   */
  readonly reorderWindow?: number;
}

/** @internal {@link LinkOptions} with every field set. */
export interface ResolvedLink {
  readonly latency: Latency;
  readonly jitter: number;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly reorderWindow: number;
}

/** @internal The defaults of {@link LinkOptions}. */
export const DEFAULT_LINK: ResolvedLink = {
  latency: { kind: 'fixed', ms: 1 },
  jitter: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderWindow: 10,
};

/** @internal Validates `options` and applies them over `base`. */
export function resolveLink(base: ResolvedLink, options: LinkOptions): ResolvedLink {
  const link: ResolvedLink = {
    latency: options.latency ?? base.latency,
    jitter: options.jitter ?? base.jitter,
    loss: options.loss ?? base.loss,
    duplicate: options.duplicate ?? base.duplicate,
    reorder: options.reorder ?? base.reorder,
    reorderWindow: options.reorderWindow ?? base.reorderWindow,
  };
  checkLatency(link.latency);
  checkDelay('jitter', link.jitter);
  checkDelay('reorderWindow', link.reorderWindow);
  checkProbability('loss', link.loss);
  checkProbability('duplicate', link.duplicate);
  checkProbability('reorder', link.reorder);
  return link;
}

/** @internal Draws one latency (before jitter) from `random`. */
export function sampleLatency(latency: Latency, random: Random): number {
  switch (latency.kind) {
    case 'fixed':
      return latency.ms;
    case 'uniform':
      return latency.min + random.next() * (latency.max - latency.min);
    case 'normal': {
      if (latency.stddev === 0) return latency.mean;
      // Box–Muller: two uniform draws give one standard normal value.
      const u1 = 1 - random.next();
      const u2 = random.next();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      const value = latency.mean + latency.stddev * z;
      return value > 0 ? value : 0;
    }
  }
}

function checkLatency(latency: Latency): void {
  switch (latency.kind) {
    case 'fixed':
      checkDelay('latency.ms', latency.ms);
      return;
    case 'uniform':
      checkDelay('latency.min', latency.min);
      checkDelay('latency.max', latency.max);
      if (latency.max < latency.min) {
        throw new TalaError(
          'InvalidArgument',
          `LinkOptions: expected latency.min ≤ latency.max, found ${latency.min} > ${latency.max}`,
        );
      }
      return;
    case 'normal':
      checkDelay('latency.mean', latency.mean);
      checkDelay('latency.stddev', latency.stddev);
      return;
    default:
      throw new TalaError(
        'InvalidArgument',
        `LinkOptions: expected latency.kind fixed, uniform or normal, found ${String((latency as { kind: unknown }).kind)}`,
      );
  }
}

function checkDelay(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TalaError(
      'InvalidArgument',
      `LinkOptions: expected ${name} to be a finite number ≥ 0, found ${String(value)}`,
    );
  }
}

function checkProbability(name: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new TalaError(
      'InvalidArgument',
      `LinkOptions: expected ${name} in 0 … 1, found ${String(value)}`,
    );
  }
}
