import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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
