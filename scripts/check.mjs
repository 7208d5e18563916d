/*
 * `pnpm check`: everything CI runs, in order, going on after a failure so that every failure
 * shows, and ending with one line that names what failed.
 *
 *   1. lint and format (biome)
 *   2. build, type check, tests and package checks of every package (turbo, `--continue`, each
 *      failing task's log printed whole, one task after another)
 *   3. package metadata (scripts/check-package-metadata.mjs)
 *   4. the API docs, warnings as errors (typedoc)
 *   5. the tarballs installed as a user would (scripts/check-tarballs.mjs), if the build passed
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { root } from './public-packages.mjs';

// The workspace's tools first on PATH, as under `pnpm check`, so that `node scripts/check.mjs`
// works too.
const env = {
  ...process.env,
  PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
  TURBO_TELEMETRY_DISABLED: '1',
};
const failed = [];
const started = performance.now();

const browsers = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const paths = (process.env.PATH ?? '').split(delimiter);
const noBrowser =
  !process.env.CHROMIUM &&
  !paths.some((dir) => browsers.some((name) => existsSync(join(dir, name))));
const browserNote =
  "⚠ no Chromium found (set CHROMIUM or install the chromium package): the codec's browser test is SKIPPED";
if (noBrowser) console.warn(browserNote);

await step('lint', 'biome', ['ci', '.']);
const turbo = await step(
  'packages',
  'turbo',
  [
    'run',
    'build',
    'typecheck',
    'test',
    'check:packages',
    '--concurrency=50%',
    '--continue',
    '--log-order=grouped',
    '--output-logs=errors-only',
  ],
  failedTasks,
);
await step('package metadata', 'node', ['scripts/check-package-metadata.mjs']);
await step('API docs', 'typedoc', []);
if (turbo.builds) await step('tarballs', 'node', ['scripts/check-tarballs.mjs']);
else failed.push('tarballs (not run: the build failed)');

const minutes = ((performance.now() - started) / 60_000).toFixed(1);
if (noBrowser) console.warn(`\n${browserNote}`);
if (failed.length > 0) {
  console.error(`\n✗ check failed after ${minutes} min: ${failed.join('; ')}`);
  process.exit(1);
}
console.log(`\n✓ check passed in ${minutes} min`);

/**
 * Runs one step with its output passed through; on failure, records `name` (or what `explain`
 * finds in the output). Resolves to `{ ok, builds }`.
 */
function step(name, command, args, explain) {
  console.log(`\n▶ ${name}: ${[command, ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const pass = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', pass(process.stdout));
    child.stderr.on('data', pass(process.stderr));
    let spawnError;
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (status) => {
      if (spawnError) {
        failed.push(`${name} (${spawnError.message})`);
        resolve({ ok: false, builds: false });
        return;
      }
      const ok = status === 0;
      const details = explain ? explain(output) : { failures: [], builds: ok };
      if (!ok) failed.push(details.failures.length > 0 ? details.failures.join(', ') : name);
      resolve({ ok, builds: details.builds });
    });
  });
}

/** The tasks turbo's summary lists as failed, and whether every build task passed. */
function failedTasks(output) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the terminal's colour codes
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const line = /^\s*Failed:\s+(.+)$/m.exec(plain);
  const failures = line ? line[1].split(',').map((task) => task.trim()) : [];
  return { failures, builds: !failures.some((task) => task.endsWith('#build')) };
}
