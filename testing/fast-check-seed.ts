import fc from 'fast-check';

/*
 * Every property test runs from a known seed, so that the work a test does never depends on
 * unseeded randomness and a failure reproduces. Tests that pass their own `seed` keep it;
 * `FC_SEED=<n>` explores another seed (fast-check prints the seed of a failure either way).
 */
const seed = Number(process.env.FC_SEED ?? 0x7a1a_2026);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
