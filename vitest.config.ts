import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// The JSON report lets .ci/run print the pass/fail counts from the runner's own results.
export default defineConfig({
  // Examples and tests import the package's own names; inside this repository they mean the
  // source (tsconfig.json maps them the same way for tsc and tsx).
  resolve: {
    alias: [
      { find: /^faultline$/, replacement: source('./src/index.ts') },
      { find: /^faultline\/check$/, replacement: source('./src/check/index.ts') },
      { find: /^faultline\/otel$/, replacement: source('./src/observe/otel/index.ts') },
      { find: /^faultline\/report$/, replacement: source('./src/report/html/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    // Example tests run whole programs (some several simulations and a Chromium page); on a busy
    // 2-core machine they have taken over a minute.
    testTimeout: 180_000,
  },
});
