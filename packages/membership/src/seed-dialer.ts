import type { Clock, NodeId, TimerHandle, Transport } from '@tala-net/types';

/** Options of a {@link SeedDialer}. */
export interface SeedDialerOptions {
  /** The transport that dials. */
  readonly transport: Transport;
  /** Schedules the retries. */
  readonly clock: Clock;
  /** The addresses to dial. */
  readonly addresses: readonly string[];
  /** Delay before the first retry of an address, in ms; each retry doubles it. */
  readonly firstRetryMs: number;
  /** Longest delay between two attempts, in ms. */
  readonly maxRetryMs: number;
  /** Most attempts per address (the first included). */
  readonly maxAttempts: number;
  /** `address` answered with `id`. */
  onResolved(id: NodeId, address: string): void;
  /** Every attempt at `address` failed; `error` is the last failure. */
  onGaveUp(address: string, error: unknown): void;
}

/**
 * Dials seed addresses until each answers with its node id: a failed dial is retried on the
 * clock after `firstRetryMs`, doubling up to `maxRetryMs`, at most `maxAttempts` times in all.
 * `stop()` aborts the dials in progress and clears the retries.
 */
export class SeedDialer {
  /** Dials started. */
  attempts = 0;
  /** Dials that failed. */
  failures = 0;
  readonly #options: SeedDialerOptions;
  readonly #controller = new AbortController();
  readonly #retries = new Map<string, TimerHandle>();
  #stopped = false;

  constructor(options: SeedDialerOptions) {
    this.#options = options;
  }

  /** Dials every address once now. */
  start(): void {
    for (const address of new Set(this.#options.addresses)) this.#dial(address, 1);
  }

  /** Aborts the dials in progress and clears the retries. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#controller.abort();
    for (const handle of this.#retries.values()) this.#options.clock.clearTimer(handle);
    this.#retries.clear();
  }

  #dial(address: string, attempt: number): void {
    this.#retries.delete(address);
    if (this.#stopped) return;
    this.attempts++;
    let dialling: Promise<NodeId>;
    try {
      dialling = this.#options.transport.dial(address, { signal: this.#controller.signal });
    } catch (error) {
      dialling = Promise.reject(error);
    }
    dialling.then(
      (id) => {
        if (!this.#stopped) this.#options.onResolved(id, address);
      },
      (error: unknown) => this.#failed(address, attempt, error),
    );
  }

  #failed(address: string, attempt: number, error: unknown): void {
    if (this.#stopped) return;
    this.failures++;
    const { clock, firstRetryMs, maxRetryMs, maxAttempts } = this.#options;
    if (attempt >= maxAttempts) {
      this.#options.onGaveUp(address, error);
      return;
    }
    const delay = Math.min(firstRetryMs * 2 ** (attempt - 1), maxRetryMs);
    let fired = false;
    const handle = clock.setTimer(clock.now() + delay, () => {
      fired = true;
      this.#dial(address, attempt + 1);
    });
    // A clock may run an overdue timer at once, inside setTimer: then the retry already began.
    if (!fired) this.#retries.set(address, handle);
  }
}
