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
