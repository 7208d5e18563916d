import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TalaError } from '@tala-net/types';
import type { NodeCommand, NodeLine } from './node-protocol.js';

/** How to start one `tala-net node --ndjson` process. */
export interface ChildNodeOptions {
  /** Path of the `tala-net` command's script (run with the current `node`). */
  readonly cliPath: string;
  /** The flags of `tala-net node`, without `--ndjson`. */
  readonly args: readonly string[];
  /** Called with every line the node reports, with the time it was read (`performance.now()`). */
  readonly onLine?: (line: NodeLine, at: number) => void;
}

type ReadyLine = Extract<NodeLine, { type: 'ready' }>;
type DigestsLine = Extract<NodeLine, { type: 'digests' }>;

const STDERR_TAIL_BYTES = 4096;
/** Longest wait for a node's answer to a submission: well past its own intent deadline (10 s). */
const SUBMIT_TIMEOUT_MS = 30_000;

/**
 * One `tala-net node` child process driven through its line protocol (`--ndjson`): started,
 * asked to submit intents and report segment digests, stopped (SIGTERM, a graceful leave) or
 * killed (SIGKILL). Every pending request is rejected when the process ends.
 */
export class ChildNode {
  readonly #options: ChildNodeOptions;
  readonly #process: ChildProcess;
  readonly #submits = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  readonly #digestWaiters: ((line: DigestsLine) => void)[] = [];
  readonly #exited: Promise<number | null>;
  #stderr = '';
  readonly #readyLine: Promise<ReadyLine>;
  #resolveReady: (line: ReadyLine) => void = () => {};
  #rejectReady: (error: Error) => void = () => {};
  #exitCode: number | null | undefined;

  /** Spawns the process (see {@link ChildNode.ready} for when it can be used). */
  constructor(options: ChildNodeOptions) {
    this.#options = options;
    this.#readyLine = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // A process that ends before it is ready rejects `ready()`, which may not be awaited yet.
    this.#readyLine.catch(() => {});
    this.#process = spawn(
      process.execPath,
      [options.cliPath, 'node', ...options.args, '--ndjson'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.#process.stdin?.on('error', () => {
      // The process died; its exit rejects what was pending.
    });
    this.#process.stderr?.setEncoding('utf8');
    this.#process.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    const lines = createInterface({ input: this.#process.stdout!, crlfDelay: Infinity });
    lines.on('line', (text) => this.#onText(text));
    this.#exited = new Promise((resolve) => {
      this.#process.once('close', (code) => {
        this.#exitCode = code;
        this.#rejectReady(
          new TalaError(
            'Closed',
            `${this.#describe()} exited before it was ready: ${this.#stderr.trim() || 'no message'}`,
          ),
        );
        this.#failPending(
          new TalaError('Closed', `${this.#describe()} exited (${code ?? 'killed'})`),
        );
        resolve(code);
      });
      this.#process.once('error', (error) => {
        this.#exitCode = null;
        this.#failPending(
          new TalaError('Unreachable', `cannot start ${this.#describe()}`, { cause: error }),
        );
        resolve(null);
      });
    });
  }

  /** The process id. */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** `true` until the process has exited. */
  get running(): boolean {
    return this.#exitCode === undefined;
  }

  /** What the process wrote to stderr lately (its last 4 KiB). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves with the exit code (`null` when killed by a signal) once the process has ended. */
  get exited(): Promise<number | null> {
    return this.#exited;
  }

  /**
   * Resolves with the node's `ready` line; rejects with a `TalaError` if the process ends first
   * (`Closed`, with what it wrote to stderr) or after `timeoutMs` (`TimedOut`).
   */
  async ready(timeoutMs: number): Promise<ReadyLine> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new TalaError('TimedOut', `${this.#describe()} was not ready within ${timeoutMs} ms`),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.#readyLine, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Asks the node to submit an intent; resolves once the owner delivered it, rejects with the
   * node's error, or with `TimedOut` when the node has not answered within `timeoutMs` (the
   * node's own deadline should have answered long before).
   */
  submit(intent: string, timeoutMs = SUBMIT_TIMEOUT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.running) {
        reject(new TalaError('Closed', `${this.#describe()} is not running`));
        return;
      }
      const timer = setTimeout(() => {
        this.#submits.delete(intent);
        reject(
          new TalaError('TimedOut', `${this.#describe()} did not answer within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const settle = (): void => clearTimeout(timer);
      this.#submits.set(intent, {
        resolve: () => {
          settle();
          resolve();
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.#send({ type: 'submit', intent });
    });
  }

  /** Asks the node for the digests of the segments it holds. */
  digests(): Promise<DigestsLine> {
    return new Promise((resolve, reject) => {
      if (!this.running) {
        reject(new TalaError('Closed', `${this.#describe()} is not running`));
        return;
      }
      this.#digestWaiters.push(resolve);
      this.#send({ type: 'digests' });
      void this.#exited.then(() =>
        reject(new TalaError('Closed', `${this.#describe()} exited before it answered`)),
      );
    });
  }

  /** Kills the process with SIGKILL (no goodbye); resolves once it has ended. */
  async kill(): Promise<void> {
    if (this.running) this.#process.kill('SIGKILL');
    await this.#exited;
  }

  /**
   * Asks the node to leave (SIGTERM) and resolves with its exit code; kills it with SIGKILL when
   * it has not ended within `graceMs`.
   */
  async stop(graceMs: number): Promise<number | null> {
    if (!this.running) return this.#exitCode ?? null;
    this.#process.kill('SIGTERM');
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), graceMs);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process at once, synchronously (for `process.on('exit')`). */
  killNow(): void {
    if (this.running) this.#process.kill('SIGKILL');
  }

  #send(command: NodeCommand): void {
    this.#process.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  #onText(text: string): void {
    let line: NodeLine;
    try {
      line = JSON.parse(text) as NodeLine;
    } catch {
      this.#stderr = `${this.#stderr}${text}\n`.slice(-STDERR_TAIL_BYTES);
      return;
    }
    const at = performance.now();
    if (line.type === 'ready') this.#resolveReady(line);
    if (line.type === 'acked' || line.type === 'failed') this.#settle(line);
    if (line.type === 'digests') this.#digestWaiters.shift()?.(line);
    this.#options.onLine?.(line, at);
  }

  #settle(line: Extract<NodeLine, { type: 'acked' | 'failed' }>): void {
    const pending = this.#submits.get(line.intent);
    if (pending === undefined) return;
    this.#submits.delete(line.intent);
    if (line.type === 'acked') pending.resolve();
    else pending.reject(new TalaError(asCode(line.code), line.message));
  }

  #failPending(error: Error): void {
    for (const pending of this.#submits.values()) pending.reject(error);
    this.#submits.clear();
  }

  #describe(): string {
    const listen = this.#options.args[this.#options.args.indexOf('--listen') + 1] ?? '?';
    return `node ${listen} (pid ${this.#process.pid ?? '-'})`;
  }
}

function asCode(code: string): TalaError['code'] {
  return code as TalaError['code'];
}
