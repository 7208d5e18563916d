import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built command (the package's `test` task builds it first, see its turbo.json). */
export const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

if (!existsSync(cliPath)) {
  throw new Error(`${cliPath} is missing: build the package first (pnpm --filter tala-net build)`);
}

/** What a finished `tala-net` process left. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `tala-net <args>` to its end and resolves with its exit and output; kills it and rejects
 * after `deadlineMs` (a hung command fails the test instead of hanging it).
 */
export function runCli(
  args: readonly string[],
  deadlineMs = 60_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `tala-net ${args.join(' ')}: still running after ${deadlineMs} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, deadlineMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A `tala-net` process that keeps running while the test talks to it. */
export class RunningCli {
  readonly child: ReturnType<typeof spawn>;
  stdout = '';
  stderr = '';
  readonly #waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [cliPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.#wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.#wake();
    });
    this.closed = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        this.#wake();
        resolve({ code, signal });
      });
    });
  }

  /**
   * Resolves with the first match of `pattern` in stdout; rejects when the process ends without
   * one or after `deadlineMs`.
   */
  waitFor(pattern: RegExp, deadlineMs = 60_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no ${pattern} within ${deadlineMs} ms:\n${this.stdout}\n${this.stderr}`),
          ),
        deadlineMs,
      );
      const check = (): void => {
        const match = pattern.exec(this.stdout);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`exited without ${pattern}:\n${this.stdout}\n${this.stderr}`));
        } else {
          this.#waiters.push(check);
        }
      };
      check();
    });
  }

  /** Kills the process if it still runs (for `afterEach`). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.closed;
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/** `true` while a process with this pid exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
