import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Today's `@tala-net/membership` next to an earlier build of it, for side-by-side runs: the
 * package's sources at `commit` (with `@tala-net/types` of the same commit) are taken from git
 * and bundled into one ES module under `benchmarks/.baseline/` (ignored by git), once per commit.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repository = join(root, '..');

/** The exports of the earlier build that the suites use, typed like today's. */
export type MembershipModule = typeof import('@tala-net/membership');

/** The part of esbuild's API used here. */
interface Esbuild {
  build(options: {
    entryPoints: string[];
    bundle: boolean;
    format: 'esm';
    platform: 'neutral';
    target: string;
    outfile: string;
    logLevel: 'warning';
    plugins: Array<{
      name: string;
      setup(build: {
        onResolve(options: { filter: RegExp }, resolve: () => { path: string }): void;
      }): void;
    }>;
  }): Promise<unknown>;
}

/** Builds (once) and loads `@tala-net/membership` as it was at `commit`. */
export async function loadMembershipAt(commit: string): Promise<MembershipModule> {
  const outDir = join(root, '.baseline', `membership-${commit}`);
  const bundle = join(outDir, 'index.js');
  if (!existsSync(bundle)) await build(commit, outDir, bundle);
  return (await import(pathToFileURL(bundle).href)) as MembershipModule;
}

async function build(commit: string, outDir: string, bundle: string): Promise<void> {
  const sources = join(outDir, 'src');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(sources, { recursive: true });
  const archive = execFileSync(
    'git',
    ['archive', '--format=tar', commit, 'packages/membership/src', 'packages/types/src'],
    { cwd: repository, maxBuffer: 64 * 1024 * 1024 },
  );
  execFileSync('tar', ['-x', '-C', sources], { input: archive });
  // esbuild as tsup (the workspace's bundler) brings it.
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))(
    'esbuild',
  ) as Esbuild;
  const types = join(sources, 'packages/types/src/index.ts');
  await esbuild.build({
    entryPoints: [join(sources, 'packages/membership/src/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outfile: bundle,
    logLevel: 'warning',
    plugins: [
      {
        name: 'types-at-commit',
        setup(build) {
          build.onResolve({ filter: /^@tala-net\/types$/ }, () => ({ path: types }));
        },
      },
    ],
  });
}
