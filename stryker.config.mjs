// Mutation testing of the pure domain (`npm run test:mutation`): a test suite that still passes when
// the rule under it is broken is a defect, and surviving mutants show where. Not part of `npm test`.
// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Every domain test may kill any domain mutant; per-test coverage already picks the ones to run.
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'src/domain/**/*.ts',
    // Data tables, not logic: a mutated country name or label is a typo, not a broken rule.
    // reference.ts is the council's vocabularies; its one function, isMigrationContext, is a bare
    // `includes` on one of them.
    '!src/domain/countries.ts',
    '!src/domain/labels.ts',
    '!src/domain/reference.ts',
  ],
  // Only the domain tests run, so the sandbox needs none of the app's other tests, views or assets.
  ignorePatterns: ['/test/*', '!/test/domain', '/views', '/static', '/migrations', '/data', '/.tmp'],
  // `npm test` finds test files anywhere in the tree, so a sandbox left behind by a failed run would
  // be counted twice there: remove it whatever the outcome.
  cleanTempDir: 'always',
  // Stryker reads tsconfig through the TypeScript compiler API, which TypeScript 7 no longer offers:
  // point it at no file and leave type checking to `npm run typecheck`.
  tsconfigFile: 'tsconfig.stryker-none.json',
  checkers: [],
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  thresholds: { high: 90, low: 85, break: 85 },
};
