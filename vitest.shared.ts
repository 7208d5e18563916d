import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Test configuration shared by every workspace package. Workspace imports resolve to the
 * TypeScript sources, so tests never depend on a previous build.
 */
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@tala-net\/([^/]+)\/(.+)$/,
        replacement: `${resolve(root, 'packages')}/$1/src/$2.ts`,
      },
      { find: /^@tala-net\/([^/]+)$/, replacement: `${resolve(root, 'packages')}/$1/src/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: [resolve(root, 'testing/fast-check-seed.ts')],
    // Generous on purpose: no test needs a tight limit, and a busy machine must not fail one.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
