/** The sending half of a throughput rig. */
export interface Sender {
  /** Sends `count` frames now. */
  send(count: number): void;
  /** A promise to wait for before sending more (the sender is backed up), or `undefined`. */
  backpressure(): Promise<void> | undefined;
}

/** Resolves at the next turn of the event loop, after pending I/O callbacks ran. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Sends `total` frames through `sender` in bursts of `burst`, with a microtask between bursts
 * (so that a transport flushes each burst as one write, as a raw sender writes it) and a wait
 * whenever the sender reports backpressure; measures from the first send until `received`
 * resolves (the receiver counted the last frame).
 */
export async function pump(
  sender: Sender,
  total: number,
  burst: number,
  received: Promise<void>,
): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const count = Math.min(burst, total - sent);
    sender.send(count);
    sent += count;
    await sender.backpressure();
  }
  await received;
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1_000 };
}

/**
 * Wall-clock and CPU time of a run. Sender and receiver share this process, so its CPU time
 * (user + system, which includes the loopback's kernel work done in its system calls) is the
 * cost of moving the frames, and stays comparable when other processes load the machine.
 */
export interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** A counter that resolves `reached(n)` once `add` has brought it to `n`. */
export class Countdown {
  count = 0;
  #target = Number.POSITIVE_INFINITY;
  #resolve: (() => void) | undefined;

  add(n: number): void {
    this.count += n;
    if (this.count >= this.#target) {
      this.#target = Number.POSITIVE_INFINITY;
      this.#resolve?.();
    }
  }

  /** Resolves when the count reaches `target`. */
  reached(target: number): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    return new Promise((resolve) => {
      this.#target = target;
      this.#resolve = resolve;
    });
  }
}
