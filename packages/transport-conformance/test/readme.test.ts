import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { readmeExamples, runReadmeExample } from '../../../testing/readme-examples.js';

// The README examples register conformance suites, so they run while this file is collected
// (top-level await); their `@tala-net/*` imports resolve to sources through the vitest alias.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = readmeExamples(packageDir);
for (const [index, code] of examples.entries()) await runReadmeExample(packageDir, code, index);

it('has at least one README example', () => {
  expect(examples.length).toBeGreaterThan(0);
});
