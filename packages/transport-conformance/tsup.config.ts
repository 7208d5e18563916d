import { defineConfig } from 'tsup';

/**
 * One entry for the whole suite and one per concern (`./messaging`, `./addresses`,
 * `./lifecycle`, `./peer-events`, `./backpressure`, `./large-frames`). `vitest` stays external:
 * the suite registers its tests with the caller's vitest.
 */
export default defineConfig({
  entry: [
    'src/index.ts',
    'src/messaging.ts',
    'src/addresses.ts',
    'src/lifecycle.ts',
    'src/peer-events.ts',
    'src/backpressure.ts',
    'src/large-frames.ts',
  ],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
