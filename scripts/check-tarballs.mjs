/*
 * Installs every public package as a user would and runs its README's first example there.
 *
 * Each package is packed with `pnpm pack` (which turns `workspace:*` into real versions), as are
 * the workspace packages it depends on, since those are not on npm yet. For each package, a
 * fresh npm project in a temporary directory outside the workspace gets the tarballs of the
 * package, of its tala-net dependencies and of the tala-net packages its README's install lines
 * name, installed together with `npm install --offline` (no registry is needed unless a package
 * has a dependency outside tala-net, or its example imports one, e.g. vitest for a suite). There,
 * the README's first ```ts example runs as ESM (`.mjs`) and as CommonJS (`.cjs`; top-level
 * `await` moved into an async function, which CommonJS needs), or with
 * vitest if it is a test suite, and is type-checked as `.mts` and `.cts` under `node16`
 * resolution and as `.ts` under `bundler` resolution, each project against its own
 * `node_modules`. Needs the packages built (`pnpm build`).
 *
 *   node scripts/check-tarballs.mjs [--keep]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicPackages, root, rootManifest } from './public-packages.mjs';

const keep = process.argv.includes('--keep');
const require = createRequire(join(root, 'package.json'));
const ts = require('typescript');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const started = performance.now();

const packages = publicPackages();
const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
const work = mkdtempSync(join(tmpdir(), 'tala-net-tarballs-'));
const tarballDir = join(work, 'tarballs');
const npmCache = join(work, 'npm-cache');
mkdirSync(tarballDir);

/** At most this many child processes at once: mostly process start-up and I/O, little CPU. */
const CONCURRENCY = 3;
/** No step may take longer than this, however busy the machine: a hung step fails instead. */
const STEP_TIMEOUT_MS = 5 * 60_000;
const failures = [];
try {
  const tarballs = new Map(await inParallel(packages, pack));
  const installed = await inParallel(packages, (pkg) => installProject(pkg, tarballs));
  const projects = installed.filter((project) => project !== undefined);
  await inParallel(projects, runExample);
  await Promise.all([
    typecheck(projects, 'node16', ['.mts', '.cts']),
    typecheck(projects, 'bundler', ['.ts']),
  ]);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  failures.sort((a, b) => (a.what < b.what ? -1 : a.what > b.what ? 1 : 0));
  for (const failure of failures) console.error(`\n✗ ${failure.what}\n${failure.output.trim()}`);
  console.error(
    `\ntarball check failed (${seconds} s): ${failures.map((failure) => failure.what).join('; ')}`,
  );
  process.exit(1);
}
console.log(
  `tarball check: ${packages.length} packages installed from their tarballs; README examples ran (as ESM and CJS, or as a vitest suite) and type-checked under node16 and bundler (${seconds} s)`,
);

/** Runs `task` on every item, `CONCURRENCY` at a time; resolves to the results in order. */
async function inParallel(items, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

/**
 * Runs a command; resolves to its exit status (`null` if it was killed after
 * `STEP_TIMEOUT_MS`) and its stdout and stderr together.
 */
function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: STEP_TIMEOUT_MS,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const killed = signal ? `\n(killed by ${signal} after ${STEP_TIMEOUT_MS / 1000} s)` : '';
      resolve({ status, output: output + killed });
    });
  });
}

/**
 * The command and arguments that run pnpm: the pnpm running this script when there is one
 * (`npm_execpath`, e.g. under `npx pnpm@… check`), else `pnpm` on `PATH`.
 */
function pnpm(...args) {
  const execPath = process.env.npm_execpath ?? '';
  return /pnpm\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath, ...args]] : ['pnpm', args];
}

/** Packs `pkg` into a directory of its own; resolves to `[name, tarball path]`. */
async function pack(pkg) {
  const destination = join(tarballDir, pkg.dir);
  mkdirSync(destination);
  const { status, output } = await run(
    ...pnpm('pack', '--pack-destination', destination),
    pkg.path,
  );
  const created = readdirSync(destination);
  if (status !== 0 || created.length !== 1)
    throw new Error(`pnpm pack of ${pkg.name} failed:\n${output}`);
  return [pkg.name, join(destination, created[0])];
}

/** The tala-net packages `pkg` needs installed: its dependencies (transitively) and README's. */
function tarballClosure(pkg) {
  const names = new Set([pkg.name]);
  const readme = readFileSync(join(pkg.path, 'README.md'), 'utf8');
  for (const [, block] of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const word of block.split(/\s+/)) if (byName.has(word)) names.add(word);
  }
  const queue = [...names];
  while (queue.length > 0) {
    const manifest = byName.get(queue.pop()).manifest;
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (byName.has(dep) && !names.has(dep)) {
        names.add(dep);
        queue.push(dep);
      }
    }
  }
  return [...names].sort();
}

/** A fresh npm project with the tarballs `pkg` needs; `undefined` if the install failed. */
async function installProject(pkg, tarballs) {
  const dir = join(work, pkg.dir);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `try-${pkg.dir}`, version: '0.0.0', private: true }, null, 2)}\n`,
  );
  const names = tarballClosure(pkg);
  const example = firstExample(pkg);
  const external = externalPackages(names, example);
  const needsRegistry =
    external.length > 0 ||
    names.some((name) =>
      Object.keys(byName.get(name).manifest.dependencies ?? {}).some((dep) => !byName.has(dep)),
    );
  // Without a dependency outside tala-net, nothing comes from a registry: --offline, and a cache
  // of its own. Otherwise the user's npm cache, so that those packages are downloaded once.
  const args = [
    'install',
    ...(needsRegistry ? ['--prefer-offline'] : ['--offline', `--cache=${npmCache}`]),
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--no-package-lock',
    '--loglevel=error',
    ...names.map((name) => tarballs.get(name)),
    ...external,
  ];
  const { status, output } = await run('npm', args, dir);
  if (status !== 0) {
    failures.push({ what: `${pkg.name}: npm install of ${names.join(', ')}`, output });
    return undefined;
  }
  // A vitest suite: the example imports vitest, or calls a package that does (as a peer).
  const suite = external.some((spec) => spec.startsWith('vitest@'));
  writeFileSync(
    join(dir, suite ? 'example.test.mjs' : 'example.mjs'),
    transpile(example, ts.ModuleKind.ESNext),
  );
  const commonJs = forCommonJs(example);
  if (!suite) writeFileSync(join(dir, 'example.cjs'), transpile(commonJs, ts.ModuleKind.CommonJS));
  writeFileSync(join(dir, 'example.mts'), example);
  writeFileSync(join(dir, 'example.cts'), commonJs);
  writeFileSync(join(dir, 'example.ts'), example);
  return { pkg, dir, suite };
}

/** The module specifiers that `code` imports. */
function importedSpecifiers(code) {
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1]));
}

/**
 * `name@version` of each package outside tala-net that the example imports or that one of the
 * installed tala-net packages wants as a peer, at the version the workspace uses.
 */
function externalPackages(names, example) {
  const workspaceVersions = rootManifest().devDependencies ?? {};
  const wanted = new Map();
  for (const name of names) {
    const manifest = byName.get(name).manifest;
    for (const [dep, range] of Object.entries(manifest.peerDependencies ?? {})) {
      if (!byName.has(dep)) wanted.set(dep, manifest.devDependencies?.[dep] ?? range);
    }
  }
  for (const specifier of importedSpecifiers(example)) {
    if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
    const parts = specifier.split('/');
    const dep = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    if (!byName.has(dep) && !wanted.has(dep)) wanted.set(dep, 'latest');
  }
  return [...wanted].map(([dep, range]) => `${dep}@${workspaceVersions[dep] ?? range}`);
}

/**
 * The example as CommonJS code can have it: top-level `await` is only for modules, so an
 * example that awaits keeps its imports (and `declare module` blocks) at the top and runs the
 * rest in an async function whose failure sets the exit code.
 */
function forCommonJs(code) {
  if (!/\bawait\b/.test(code)) return code;
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
  const top = [];
  const body = [];
  for (const statement of source.statements) {
    const text = code.slice(statement.getFullStart(), statement.getEnd());
    const hoisted = ts.isImportDeclaration(statement) || ts.isModuleDeclaration(statement);
    (hoisted ? top : body).push(text);
  }
  return `${top.join('')}\nvoid (async () => {${body.join('')}\n})().catch((error: unknown) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`;
}

function firstExample(pkg) {
  const readme = readFileSync(join(pkg.path, 'README.md'), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error(`${pkg.name}: README.md has no \`\`\`ts example`);
  return match[1];
}

function transpile(code, module) {
  return ts.transpileModule(code, {
    compilerOptions: { module, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}

/**
 * Runs the example of `project` as ESM and as CommonJS, or, when it is a vitest suite, with the
 * project's vitest (which loads test files its own way).
 */
async function runExample({ pkg, dir, suite }) {
  if (suite) {
    const vitest = join(dir, 'node_modules', 'vitest', 'vitest.mjs');
    const { status, output } = await run(process.execPath, [vitest, 'run', '--root', dir], dir);
    if (status !== 0) failures.push({ what: `${pkg.name}: README example with vitest`, output });
    return;
  }
  for (const file of ['example.mjs', 'example.cjs']) {
    const { status, output } = await run(process.execPath, [file], dir);
    if (status !== 0) {
      const format = file.endsWith('.mjs') ? 'ESM' : 'CommonJS';
      failures.push({ what: `${pkg.name}: README example as ${format}`, output });
    }
  }
}

/** Type-checks the examples of every project in one `tsc` run under `resolution`. */
async function typecheck(projects, resolution, extensions) {
  if (projects.length === 0) return;
  const module = resolution === 'node16' ? 'node16' : 'esnext';
  const config = {
    compilerOptions: {
      module,
      moduleResolution: resolution,
      target: 'es2022',
      lib: ['es2022', 'dom'],
      strict: true,
      esModuleInterop: true,
      noEmit: true,
      // Our declarations are checked by `attw --pack` and by the packages' own builds; checking
      // every library file here would triple the time for nothing more.
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
    },
    files: projects.flatMap(({ dir }) =>
      extensions.map((extension) => join(dir, `example${extension}`)),
    ),
  };
  const file = join(work, `tsconfig.${resolution}.json`);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  const { status, output } = await run(
    process.execPath,
    [tsc, '-p', file, '--pretty', 'false'],
    work,
  );
  if (status !== 0) {
    const failing = projects
      .filter(({ pkg }) => output.includes(`${pkg.dir}/example`))
      .map(({ pkg }) => pkg.name);
    failures.push({
      what: `type check under ${resolution} resolution (${failing.join(', ') || 'see output'})`,
      output: output.replaceAll(`${work}/`, ''),
    });
  }
}
