import { resolve } from 'node:path';
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The README's examples import the package by its name, `tala-net`.
export default mergeConfig(shared, {
  resolve: {
    alias: [{ find: /^tala-net$/, replacement: resolve(import.meta.dirname, 'src/index.ts') }],
  },
});
