// @ts-check
/**
 * Mutation testing (`npm run mutation`): the pure planner, date arithmetic and config
 * validation, against the unit tests only. Not part of `npm test` or CI: it takes minutes.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: [
    'src/plan/**/*.ts',
    'src/util/dates.ts',
    // Config validation, split by what it checks.
    'src/config/validate.ts',
    'src/config/checks.ts',
    'src/config/policy.ts',
    'src/config/warehouse-config.ts',
    'src/config/runners-config.ts',
    'src/config/outputs.ts',
    // Cloud Storage patterns: which object names count as dates.
    'src/outputs/pattern.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts' },
  // The sandbox needs only what the unit tests import; dist/ and data folders are just copying.
  ignorePatterns: ['/dist', '/data', '/.bftask', '/bench', '/example', '/test/cli', '/test/example', '/test/bigquery'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  thresholds: { high: 90, low: 80, break: null },
  // Above Stryker's 5 s: on a loaded 2-core machine the default counted slow runs as timeouts,
  // that is as killed mutants.
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
