// One starter for tests and benchmarks: the benches are plain .mjs and cannot import a TypeScript helper.
export {
  processIsAlive,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../../../scripts/postgres.mjs';
