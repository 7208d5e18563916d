import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { findChromium, runInChromium } from '../../../testing/headless-chromium.js';
import { readmeExamples } from '../../../testing/readme-examples.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(packageDir, '..');
const testingDir = join(packagesDir, '..', 'testing');
const chromium = findChromium();

const examples = readmeExamples(packageDir);

/**
 * Resolves `@tala-net/*` to the sources, `node:assert/strict` to the browser shim and
 * `readme-example:<i>` to the README's examples.
 */
const workspaceSources: Plugin = {
  name: 'workspace-sources',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^@tala-net\/[^/]+$/ }, (args) => ({
      path: join(packagesDir, args.path.slice('@tala-net/'.length), 'src', 'index.ts'),
    }));
    esbuild.onResolve({ filter: /^node:assert\/strict$/ }, () => ({
      path: join(testingDir, 'browser-assert.ts'),
    }));
    esbuild.onResolve({ filter: /^readme-example:\d+$/ }, (args) => ({
      path: args.path,
      namespace: 'readme',
    }));
    esbuild.onLoad({ filter: /.*/, namespace: 'readme' }, (args) => ({
      contents: examples[Number(args.path.split(':')[1])]!,
      loader: 'ts',
      resolveDir: packageDir,
    }));
  },
};

/**
 * The README's examples bundled for the browser, run one after the other (any `node:` import
 * other than `node:assert/strict` fails the build).
 */
function bundleExamples(): Promise<string> {
  return bundle(examples.map((_, index) => `import 'readme-example:${index}';`).join('\n'));
}

/** `code` bundled for the browser as one classic script. */
async function bundle(code: string): Promise<string> {
  const result = await build({
    stdin: { contents: code, loader: 'ts', resolveDir: packageDir },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [workspaceSources],
  });
  return result.outputFiles[0]!.text;
}

describe('the codec in a browser', () => {
  it('bundles for the browser without Node built-ins', async () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(await bundleExamples()).not.toMatch(/\brequire\(|['"]node:/);
  });

  it.skipIf(chromium === undefined)(
    `runs the README's examples in headless Chromium (${chromium ?? 'SKIPPED: no chromium on PATH; .ci/run installs it'})`,
    async () => {
      // A failing assertion of the browser's `node:assert/strict` fails its script, so PASS is not
      // what a page that reports nothing would say.
      const failing = await bundle(
        "import assert from 'node:assert/strict';\nassert.deepEqual({ seq: 1n }, { seq: 2n });",
      );
      const [examples, control] = runInChromium(chromium!, [await bundleExamples(), failing]);
      expect(examples).toBe('PASS');
      expect(control).toMatch(/^FAIL: AssertionError/);
    },
  );
});
