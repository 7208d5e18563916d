import { type Clock, TalaError, type TimerHandle } from '@tala-net/types';
import { EventQueue } from './event-queue.js';

/**
 * @internal A timer of a {@link VirtualClock}; also its {@link TimerHandle}. Subclasses that
 * carry their own data override {@link VirtualTimer.fire} instead of capturing it in a callback
 * (one object per timer instead of three).
 */
export class VirtualTimer implements TimerHandle {
  /** `true` once the timer ran or was cancelled. */
  done = false;

  constructor(
    readonly at: number,
    readonly callback: () => void,
    readonly owner: NodeClock | undefined,
    readonly clock: VirtualClock,
  ) {}

  /** Runs the timer's work. */
  fire(): void {
    this.callback();
  }
}

/** The callback of a timer whose work is its own {@link VirtualTimer.fire}. */
export function firesItself(): void {}

/** Options of {@link VirtualClock.runUntilIdle}. */
export interface RunUntilIdleOptions {
  /**
   * Stops after this many events even if more are pending (protocols with periodic timers are
   * never idle). Check {@link VirtualClock.pending} to tell whether the run went idle.
   * @default 10_000_000
   */
  readonly maxEvents?: number;
}

/** Options of a {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * The time the clock starts at, in milliseconds.
   * @default 0
   */
  readonly start?: number;
}

/**
 * A {@link Clock} whose time moves only when the simulation runs it: virtual milliseconds, a
 * timer queue on a binary heap (O(log n) per timer), and timers due at the same time run in the
 * order they were set, so a run is fully deterministic. A timer set in the past runs at the
 * current time, after the timers already due.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const fired: number[] = [];
 * clock.setTimer(1_000, () => fired.push(clock.now()));
 * clock.setTimer(500, () => fired.push(clock.now()));
 * clock.runFor(2_000); // runs both timers, in time order
 * // fired = [500, 1000], clock.now() = 2000
 * ```
 */
export class VirtualClock implements Clock {
  private time: number;
  private readonly queue = new EventQueue<VirtualTimer>();
  private live = 0;
  private running = false;
  private eventCount = 0;

  constructor(options: VirtualClockOptions = {}) {
    const start = options.start ?? 0;
    if (!Number.isFinite(start)) {
      throw new TalaError(
        'InvalidArgument',
        `VirtualClock: expected a finite start, found ${start}`,
      );
    }
    this.time = start;
  }

  /** The current virtual time in milliseconds. */
  now(): number {
    return this.time;
  }

  /** Number of timers waiting to run. */
  get pending(): number {
    return this.live;
  }

  /** Number of timers run since the clock was created. */
  get eventsRun(): number {
    return this.eventCount;
  }

  /** Time of the next timer, or `undefined` when none is pending. */
  nextTime(): number | undefined {
    return this.peekLive()?.at;
  }

  setTimer(at: number, callback: () => void): TimerHandle {
    return this.schedule(at, callback, undefined);
  }

  /**
   * Cancels a timer set on this clock (or on one of its {@link NodeClock} views). A handle of
   * another clock, or of a timer that already ran or was cancelled, is ignored.
   */
  clearTimer(handle: TimerHandle): void {
    if (!(handle instanceof VirtualTimer) || handle.clock !== this) return;
    if (handle.done || handle.owner?.stopped) return;
    handle.done = true;
    this.live--;
    if (handle.owner !== undefined) handle.owner.live--;
    this.compact();
  }

  /**
   * Runs the next timer, moving the time to its due time. Returns `false` when none is pending.
   * Throws a `TalaError` (`InvalidArgument`) when called from inside a timer callback.
   */
  step(): boolean {
    this.enter();
    try {
      return this.runNext(Number.POSITIVE_INFINITY);
    } finally {
      this.running = false;
    }
  }

  /**
   * Runs every timer due at or before `time` (including timers they set), then sets the time to
   * `time` (the time never goes back). Returns the number of timers run. `time` must be finite.
   */
  runUntil(time: number): number {
    if (!Number.isFinite(time)) {
      throw new TalaError(
        'InvalidArgument',
        `VirtualClock.runUntil: expected a finite time, found ${time} (use runUntilIdle to run everything)`,
      );
    }
    this.enter();
    let count = 0;
    try {
      while (this.runNext(time)) count++;
      if (time > this.time) this.time = time;
    } finally {
      this.running = false;
    }
    return count;
  }

  /** Runs the simulation for `ms` milliseconds of virtual time; returns the number of timers run. */
  runFor(ms: number): number {
    if (!(ms >= 0)) {
      throw new TalaError('InvalidArgument', `VirtualClock.runFor: expected ms ≥ 0, found ${ms}`);
    }
    return this.runUntil(this.time + ms);
  }

  /**
   * Runs timers until none is pending or `maxEvents` ran; returns the number of timers run. The
   * time ends at the last timer's due time.
   */
  runUntilIdle(options: RunUntilIdleOptions = {}): number {
    const maxEvents = options.maxEvents ?? 10_000_000;
    this.enter();
    let count = 0;
    try {
      while (count < maxEvents && this.runNext(Number.POSITIVE_INFINITY)) count++;
    } finally {
      this.running = false;
    }
    return count;
  }

  /** @internal Schedules a timer, optionally owned by a per-node view. */
  schedule(at: number, callback: () => void, owner: NodeClock | undefined): VirtualTimer {
    if (!(at < Number.POSITIVE_INFINITY)) {
      throw new TalaError(
        'InvalidArgument',
        `VirtualClock.setTimer: expected a time below Infinity, found ${at}`,
      );
    }
    const timer = new VirtualTimer(at > this.time ? at : this.time, callback, owner, this);
    this.queue.push(timer.at, timer);
    this.live++;
    return timer;
  }

  /**
   * @internal Schedules a timer built by the caller (a subclass that fires itself), not owned by
   * a node clock; its `at` must be at or after {@link VirtualClock.now}.
   */
  scheduleTimer(timer: VirtualTimer): void {
    this.queue.push(timer.at, timer);
    this.live++;
  }

  /** @internal Forgets `count` timers of a node clock that stopped (they stay in the heap). */
  dropStopped(count: number): void {
    this.live -= count;
    this.compact();
  }

  /** Cancelled timers stay in the heap until popped; rebuild it when they dominate it. */
  private compact(): void {
    const size = this.queue.size;
    if (size > 1024 && this.live < size >> 1) {
      this.queue.retain((timer) => !timer.done && timer.owner?.stopped !== true);
    }
  }

  private enter(): void {
    if (this.running) {
      throw new TalaError(
        'InvalidArgument',
        'VirtualClock: cannot run the clock from inside one of its timers',
      );
    }
    this.running = true;
  }

  private peekLive(): VirtualTimer | undefined {
    let timer = this.queue.peek();
    while (timer !== undefined && (timer.done || timer.owner?.stopped === true)) {
      this.queue.pop();
      timer = this.queue.peek();
    }
    return timer;
  }

  private runNext(limit: number): boolean {
    const timer = this.peekLive();
    if (timer === undefined || timer.at > limit) return false;
    this.queue.pop();
    timer.done = true;
    this.live--;
    this.eventCount++;
    this.time = timer.at;
    if (timer.owner !== undefined) timer.owner.live--;
    timer.fire();
    return true;
  }
}

/**
 * One node's view of a {@link VirtualClock}: the same time, but its timers belong to the node and
 * are all cancelled by {@link NodeClock.stop} (a simulated crash does this). After `stop`, new
 * timers never run. Get one from `SimulatedNetwork.clockFor(id)` or create one directly.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const node = new NodeClock(clock);
 * let ran = false;
 * node.setTimer(100, () => { ran = true; });
 * node.stop();
 * clock.runFor(1_000); // ran stays false
 * ```
 */
export class NodeClock implements Clock {
  /** @internal Number of this node's timers waiting to run. */
  live = 0;
  private isStopped = false;

  constructor(private readonly clock: VirtualClock) {}

  /** `true` after {@link NodeClock.stop}. */
  get stopped(): boolean {
    return this.isStopped;
  }

  /** Number of this node's timers waiting to run. */
  get pending(): number {
    return this.live;
  }

  now(): number {
    return this.clock.now();
  }

  setTimer(at: number, callback: () => void): TimerHandle {
    if (this.isStopped) {
      if (!(at < Number.POSITIVE_INFINITY)) {
        throw new TalaError(
          'InvalidArgument',
          `NodeClock.setTimer: expected a time below Infinity, found ${at}`,
        );
      }
      return { at };
    }
    const timer = this.clock.schedule(at, callback, this);
    this.live++;
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    if (handle instanceof VirtualTimer && handle.owner === this) this.clock.clearTimer(handle);
  }

  /** Cancels every pending timer of this node; later timers never run. Idempotent. */
  stop(): void {
    if (this.isStopped) return;
    this.isStopped = true;
    // The timers stay in the clock's heap and are skipped when they come due.
    this.clock.dropStopped(this.live);
    this.live = 0;
  }
}
