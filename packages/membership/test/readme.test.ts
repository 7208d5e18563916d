import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readmeExamples, runReadmeExample } from '../../../testing/readme-examples.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
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
