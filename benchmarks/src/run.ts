import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Suite } from './suite.js';

/**
 * Runs the benchmark suites of `src/suites/` (all, or those named on the command line) and
 * writes `results/<suite>.json`, `results/<suite>.md` and `results/summary.md`. With
 * `--update-baseline`, also replaces each suite's section of the committed `baseline.md`.
 *
 * Every suite runs in its own process: peers loaded by one suite (protobufjs, msgpackr) must
 * not change how V8 compiles another suite's code (loading them measurably slowed the routing
 * benchmark of the partition suite).
 */
/** Marks a process started for one suite by this script. */
const CHILD_FLAG = '--suite-process';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const updateBaseline = args.includes('--update-baseline');
const flags = args.filter((arg) => arg.startsWith('--'));
const only = args.filter((arg) => !arg.startsWith('--'));

const suitesDir = join(root, 'src', 'suites');
const names = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();
const unknown = only.filter((name) => !names.includes(name));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; suites: ${names.join(', ')}`);
  process.exit(2);
}
const resultsDir = join(root, 'results');
mkdirSync(resultsDir, { recursive: true });

const selected = only.length > 0 ? only : names;
if (flags.includes(CHILD_FLAG)) {
  await runSuite(selected[0]!);
  process.exit(0);
}
if (selected.length === 1) {
  await runSuite(selected[0]!);
} else {
  for (const name of selected) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), name, CHILD_FLAG, ...flags],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
const sections = selected.map((name) => readFileSync(join(resultsDir, `${name}.md`), 'utf8'));
const header = `# Benchmark results\n\nNode ${process.version}, ${new Date().toISOString()}.\n\n`;
writeFileSync(join(resultsDir, 'summary.md'), header + sections.join('\n'));
console.log(`wrote ${join(resultsDir, 'summary.md')}`);

async function runSuite(name: string): Promise<void> {
  const href = pathToFileURL(join(suitesDir, `${name}.ts`)).href;
  const suite = (await import(href)).default as Suite;
  if (suite.name !== name) throw new Error(`suite ${name}.ts is named ${suite.name}`);
  console.log(`\n# ${suite.name}`);
  const result = await suite.run();
  const section = `## ${result.title}\n\n${result.markdown.trim()}\n`;
  console.log(section);
  writeFileSync(join(resultsDir, `${name}.md`), section);
  writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(result.data, replacer, 2)}\n`);
  if (updateBaseline) replaceBaselineSection(name, section);
}

function replaceBaselineSection(name: string, section: string): void {
  const path = join(root, 'baseline.md');
  const begin = `<!-- suite:${name} -->`;
  const end = `<!-- /suite:${name} -->`;
  const block = `${begin}\n${section}\n_Measured with Node ${process.version} on ${new Date().toISOString().slice(0, 10)}._\n${end}`;
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + block + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
