// Vitest settings for mutation testing only (`npm run test:mutation`): the pure domain tests, which
// need no server or database. The name keeps it out of vitest's default config discovery, so
// `npm test` is unaffected; stryker.config.mjs points at it explicitly.
import { defineConfig } from 'vitest/config';

// Stryker runs the tests in worker threads, where assigning process.env.TZ inside a test cannot
// move the clock's zone, so the date tests that check the server's zone makes no difference would
// fail. The whole mutation run happens far from UTC instead, where such a difference would show.
process.env.TZ = 'Pacific/Auckland';

export default defineConfig({
  test: {
    include: ['test/domain/**/*.test.ts'],
  },
});
