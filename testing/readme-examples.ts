import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The ```ts code blocks of `<packageDir>/README.md`, in order. */
export function readmeExamples(packageDir: string): string[] {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
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
    it.each(examples.map((code, index) => [index, code] as const))(
      'example %i runs',
      async (index, code) => {
        await runReadmeExample(packageDir, code, index);
      },
    );
  });
}
