import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Suite } from './suite.js';

/**
 * Runs the benchmark suites of `src/suites/` (all, or those named on the command line) and
 * writes `results/<suite>.json` and `results/summary.md`. With `--update-baseline`, also
 * replaces each suite's section of the committed `baseline.md`.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const updateBaseline = args.includes('--update-baseline');
const only = args.filter((arg) => !arg.startsWith('--'));

const suitesDir = join(root, 'src', 'suites');
const files = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();
const resultsDir = join(root, 'results');
mkdirSync(resultsDir, { recursive: true });

const sections: string[] = [];
for (const file of files) {
  const suite = (await import(pathToFileURL(join(suitesDir, file)).href)).default as Suite;
  if (only.length > 0 && !only.includes(suite.name)) continue;
  console.log(`\n# ${suite.name}`);
  const result = await suite.run();
  const section = `## ${result.title}\n\n${result.markdown.trim()}\n`;
  console.log(section);
  sections.push(section);
  writeFileSync(
    join(resultsDir, `${suite.name}.json`),
    `${JSON.stringify(result.data, replacer, 2)}\n`,
  );
  if (updateBaseline) replaceBaselineSection(suite.name, section);
}
const header = `# Benchmark results\n\nNode ${process.version}, ${new Date().toISOString()}.\n\n`;
writeFileSync(join(resultsDir, 'summary.md'), header + sections.join('\n'));
console.log(`wrote ${join(resultsDir, 'summary.md')}`);

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
