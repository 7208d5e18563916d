import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineConfig({
    // The memory-limit tests measure what a decoded frame keeps alive, after a full collection.
    test: { execArgv: ['--expose-gc'] },
  }),
);
