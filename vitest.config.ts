import { defineConfig } from 'vitest/config';

// The JSON report lets .ci/run print the pass/fail counts from the runner's own results.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    testTimeout: 60_000,
  },
});
