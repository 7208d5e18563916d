import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The ```ts code blocks of `<packageDir>/README.md`, in order. */
export function readmeExamples(packageDir: string): string[] {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** The packages named by the `npm install` lines of the ```sh blocks of `<packageDir>/README.md`. */
export function readmeInstalledPackages(packageDir: string): Set<string> {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const names = new Set<string>();
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const words = line.trim().split(/\s+/);
      if (words[0] !== 'npm' || (words[1] !== 'install' && words[1] !== 'i')) continue;
      for (const word of words.slice(2)) if (!word.startsWith('-')) names.add(word);
    }
  }
  return names;
}

/**
 * The packages a piece of code imports or augments (`from '…'`, `import '…'`,
 * `declare module '…'`), by package name (`@scope/name` or `name`), without `node:` modules.
 */
export function importedPackages(code: string): Set<string> {
  const names = new Set<string>();
  const statements = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /^\s*declare module\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const match of statements.flatMap((pattern) => [...code.matchAll(pattern)])) {
    const specifier = match[1]!;
    if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return names;
}

/**
 * Runs one README example as a module inside the package (so its `@tala-net/*` imports resolve
 * like the package's tests). The example asserts its own results with `node:assert`.
 */
export async function runReadmeExample(
  packageDir: string,
  code: string,
  index: number,
): Promise<void> {
  const file = join(packageDir, 'test', `.readme-example-${index}.ts`);
  writeFileSync(file, code);
  try {
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}

/** Declares the vitest suite that runs every README example of the package of `testFileUrl`. */
export function describeReadmeExamples(testFileUrl: string): void {
  const packageDir = join(dirname(fileURLToPath(testFileUrl)), '..');
  const examples = readmeExamples(packageDir);
  describe('README examples', () => {
    it('has at least one example', () => {
      expect(examples.length).toBeGreaterThan(0);
    });
    it('names in its install lines every package its examples import', () => {
      const installed = readmeInstalledPackages(packageDir);
      const imported = new Set(examples.flatMap((code) => [...importedPackages(code)]));
      expect([...imported].filter((name) => !installed.has(name))).toEqual([]);
    });
    it.each(examples.map((code, index) => [index, code] as const))(
      'example %i runs',
      async (index, code) => {
        await runReadmeExample(packageDir, code, index);
      },
    );
  });
}
