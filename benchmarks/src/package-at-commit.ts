import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A workspace package as it was at an earlier commit, next to today's, for side-by-side runs in
 * one process: the packages' sources at `commit` are taken from git and bundled with esbuild into
 * one ES module under `benchmarks/.baseline/` (ignored by git), once per commit and package.
 * Every `@tala-net/<name>` import inside resolves to that commit's sources too.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repository = join(root, '..');

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
        onResolve(
          options: { filter: RegExp },
          resolve: (args: { path: string }) => { path: string },
        ): void;
      }): void;
    }>;
  }): Promise<unknown>;
}

/**
 * Builds (once) and loads `@tala-net/<name>` as it was at `commit`. Type it with today's
 * module, e.g. `loadPackageAt<typeof import('@tala-net/codec')>('5587d11', 'codec')`.
 */
export async function loadPackageAt<Module>(commit: string, name: string): Promise<Module> {
  const outDir = join(root, '.baseline', `${name}-${commit}`);
  const bundle = join(outDir, 'index.js');
  if (!existsSync(bundle)) await build(commit, name, outDir, bundle);
  return (await import(pathToFileURL(bundle).href)) as Module;
}

async function build(commit: string, name: string, outDir: string, bundle: string): Promise<void> {
  const sources = join(outDir, 'src');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(sources, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', commit, 'packages'], {
    cwd: repository,
    maxBuffer: 256 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', sources], { input: archive });
  // esbuild comes with tsup, the workspace's bundler.
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))(
    'esbuild',
  ) as Esbuild;
  await esbuild.build({
    entryPoints: [join(sources, 'packages', name, 'src/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outfile: bundle,
    logLevel: 'warning',
    plugins: [
      {
        name: 'tala-net-at-commit',
        setup(build) {
          build.onResolve({ filter: /^@tala-net\/[a-z-]+$/ }, (args) => ({
            path: join(sources, 'packages', args.path.slice('@tala-net/'.length), 'src/index.ts'),
          }));
        },
      },
    ],
  });
}
