import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  // `check` needs fast-check and `otel` needs @opentelemetry/api (optional peer dependencies);
  // the core entry needs neither. `report` is Node-only (it reads uPlot and writes files). `cli` and
  // `sweep-worker` are the Node-only `faultline` command and its worker-pool script.
  entry: { index: 'src/index.ts', check: 'src/check/index.ts', otel: 'src/observe/otel/index.ts', report: 'src/report/html/index.ts', cli: 'src/cli/faultline.ts', 'sweep-worker': 'src/cli/sweep-worker.ts' },
  format: ['esm', 'cjs'],
  // Declarations for the four library entries only: the command and its worker have no API.
  // scripts/share-declarations.mjs then keeps once what reads the same in both formats.
  dts: { entry: { index: 'src/index.ts', check: 'src/check/index.ts', otel: 'src/observe/otel/index.ts', report: 'src/report/html/index.ts' } },
  // No source maps: they were 1.8 MB of a 3 MB package, and the built code is readable as it is.
  sourcemap: false,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  // Shared chunks for both formats, so `faultline` and `faultline/check` share one copy of the
  // kernel and of the error classes (instanceof works across the two entry points).
  splitting: true,
  // Node built-ins (only the CLI uses them) stay imports; the core entry has none.
  removeNodeProtocol: false,
  external: [/^node:/],
  // `faultline --version` without reading package.json at run time.
  define: { __FAULTLINE_VERSION__: JSON.stringify(version) },
});
