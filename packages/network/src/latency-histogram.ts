/** Sub-buckets per power of two: quantiles are within 1/8 (12.5 %) of the true value. */
const SUB_BUCKETS = 8;
/** Powers of two covered above 1 µs: up to 2^32 µs (over an hour). */
const OCTAVES = 32;
const BUCKETS = OCTAVES * SUB_BUCKETS + 1;

/**
 * A bounded log-linear histogram of durations in milliseconds, with microsecond resolution:
 * 257 counters whatever is recorded; quantiles are the upper bound of their bucket (at most
 * 12.5 % above the true value) and never above the maximum. Durations beyond the range count in
 * the last bucket, whose quantiles are the maximum.
 */
export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #max = 0;

  /** Number of durations recorded. */
  get count(): number {
    return this.#count;
  }

  /** The largest duration recorded, in milliseconds (0 when none). */
  get max(): number {
    return this.#max;
  }

  /** Records `ms` (negative or non-finite values count as 0). */
  record(ms: number): void {
    const value = ms > 0 && Number.isFinite(ms) ? ms : 0;
    this.#counts[bucketOf(value * 1000)]!++;
    this.#count++;
    if (value > this.#max) this.#max = value;
  }

  /** The `q`-quantile (0 … 1) in milliseconds, or 0 when nothing was recorded. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.#counts[bucket]!;
      // The last bucket also holds what is beyond the range: its bound is the maximum.
      if (seen >= rank) {
        return bucket === BUCKETS - 1
          ? this.#max
          : Math.min(upperBoundOf(bucket) / 1000, this.#max);
      }
    }
    return this.#max;
  }
}

/** Bucket 0 holds [0, 1 µs); bucket 1 + 8·o + s holds [2^o·(1 + s/8), 2^o·(1 + (s+1)/8)) µs. */
function bucketOf(micros: number): number {
  if (micros < 1) return 0;
  if (micros >= 2 ** OCTAVES) return BUCKETS - 1;
  // Below 2^32, `>>> 0` is the floor and the octave is the position of the leading one bit.
  const whole = micros >>> 0;
  const octave = 31 - Math.clz32(whole);
  // The sub-bucket is the next 3 bits: floor((micros / 2^octave - 1) * 8), exactly.
  const sub =
    octave >= 3 ? (whole >>> (octave - 3)) & 7 : Math.floor(micros * (8 >> octave)) - SUB_BUCKETS;
  return 1 + octave * SUB_BUCKETS + sub;
}

function upperBoundOf(bucket: number): number {
  if (bucket === 0) return 1;
  const octave = Math.floor((bucket - 1) / SUB_BUCKETS);
  const sub = (bucket - 1) % SUB_BUCKETS;
  return 2 ** octave * (1 + (sub + 1) / SUB_BUCKETS);
}
