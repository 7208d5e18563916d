#!/usr/bin/env node
/**
 * The `tala-net` command: `tala-net node`, `tala-net status`, `tala-net demo`
 * (`tala-net --help` lists their flags).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TalaError } from '@tala-net/types';
import { createProgram } from './program.js';

const cliPath = fileURLToPath(import.meta.url);
const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

// A reader that went away (`tala-net demo | head`) ends the command; the demo's exit handler
// still ends its nodes.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit();
});

const program = createProgram({
  stdin: process.stdin,
  stdout: process.stdout,
  stdoutFd: 1,
  stderr: process.stderr,
  cliPath,
  version,
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof TalaError ? ` [${error.code}]` : '';
  process.stderr.write(`tala-net: ${message}${code}\n`);
  process.exitCode = error instanceof TalaError && error.code === 'Aborted' ? 130 : 1;
}
