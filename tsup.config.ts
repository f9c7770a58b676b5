import { defineConfig } from 'tsup';

export default defineConfig({
  // `check` needs fast-check and `otel` needs @opentelemetry/api (optional peer dependencies);
  // the core entry needs neither. `cli` and
  // `sweep-worker` are the Node-only `faultline` command and its worker-pool script.
  entry: { index: 'src/index.ts', check: 'src/check/index.ts', otel: 'src/observe/otel/index.ts', cli: 'src/cli/faultline.ts', 'sweep-worker': 'src/cli/sweep-worker.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
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
});
