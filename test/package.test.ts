import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, any>;
const built = existsSync('dist/index.js') && existsSync('dist/index.cjs');

describe('the package', () => {
  it('declares ESM, CJS and types for both through its exports map', () => {
    expect(packageJson.type).toBe('module');
    expect(packageJson.sideEffects).toBe(false);
    expect(packageJson.exports['.'].import).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(packageJson.exports['.'].require).toEqual({ types: './dist/index.d.cts', default: './dist/index.cjs' });
    expect(packageJson.exports['./check'].import).toEqual({ types: './dist/check.d.ts', default: './dist/check.js' });
    expect(packageJson.exports['./check'].require).toEqual({ types: './dist/check.d.cts', default: './dist/check.cjs' });
    // tinypool serves only the Node-only `faultline` command (dist/cli.js); the library entries never import it.
    // seedrandom is only the tests' reference for the Alea streams: the library computes them itself.
    // uplot is read (not imported) by the Node-only faultline/report, which inlines it into HTML reports.
    expect(Object.keys(packageJson.dependencies).sort()).toEqual(['immer', 'tinypool', 'uplot']);
    expect(packageJson.bin).toEqual({ faultline: './dist/cli.js' });
    expect(packageJson.peerDependenciesMeta['fast-check'].optional).toBe(true);
    expect(packageJson.exports['./otel'].import).toEqual({ types: './dist/otel.d.ts', default: './dist/otel.js' });
    expect(packageJson.exports['./otel'].require).toEqual({ types: './dist/otel.d.cts', default: './dist/otel.cjs' });
    expect(packageJson.peerDependenciesMeta['@opentelemetry/api'].optional).toBe(true);
    expect(packageJson.exports['./report'].import).toEqual({ types: './dist/report.d.ts', default: './dist/report.js' });
    expect(packageJson.exports['./report'].require).toEqual({ types: './dist/report.d.cts', default: './dist/report.cjs' });
    expect(packageJson.files).toContain('report/package.json');
  });

  it('keeps uplot and Node built-ins out of the core entry; faultline/report alone reads them', async () => {
    const core = await build({ entryPoints: ['src/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
    expect(Object.keys(core.metafile!.inputs).filter((input) => /uplot|src\/report\/html/.test(input))).toEqual([]);
    const report = await build({ entryPoints: ['src/report/html/index.ts'], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent' });
    expect(report.errors).toEqual([]);
    expect(report.outputFiles[0]!.text).toMatch(/uplot\/dist\/uPlot\.iife\.min\.js/);
  });

  it('bundles for the browser with no Node-only import', async () => {
    const result = await build({ entryPoints: ['src/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/require\(["']crypto["']\)/);
  });

  it('bundles faultline/check for the browser too, with fast-check left to the user', async () => {
    const result = await build({ entryPoints: ['src/check/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', external: ['fast-check'] });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/tinypool|node:worker_threads|node:fs/);
  });

  it('keeps @opentelemetry/api out of the core entry; faultline/otel alone imports it', async () => {
    const core = await build({ entryPoints: ['src/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
    expect(Object.keys(core.metafile!.inputs).filter((input) => input.includes('@opentelemetry'))).toEqual([]);
    const otel = await build({ entryPoints: ['src/observe/otel/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', external: ['@opentelemetry/api'] });
    expect(otel.errors).toEqual([]);
    expect(otel.outputFiles[0]!.text).toMatch(/from ["']@opentelemetry\/api["']/);
  });

  describe.skipIf(!built)('built output (run `npm run build` first; CI always does)', () => {
    it('loads through require and import and runs the same simulation to the same hash', async () => {
      const require = createRequire(import.meta.url);
      const cjs = require('../dist/index.cjs') as typeof import('../src/index.js');
      const esm = (await import('../dist/index.js' as string)) as typeof import('../src/index.js');
      const hashOf = (api: typeof import('../src/index.js')): string => {
        const sim = new api.Simulation({ seed: 3 });
        sim.addNode('a', (ctx) => ({ onStart: () => ctx.send('b', 'hi') }));
        sim.addNode('b', () => ({}));
        sim.run();
        return sim.traceHash();
      };
      expect(hashOf(cjs)).toBe(hashOf(esm));
      expect(new cjs.Simulation({ seed: 1 })).toBeInstanceOf(cjs.EventLoop);
    });

    it('ships faultline/check in both formats, sharing the core with the main entry', async () => {
      const require = createRequire(import.meta.url);
      for (const [core, check] of [
        [require('../dist/index.cjs'), require('../dist/check.cjs')],
        [await import('../dist/index.js' as string), await import('../dist/check.js' as string)],
      ] as Array<[typeof import('../src/index.js'), typeof import('../src/check/index.js')]>) {
        const scenario = { setup: () => ({}), invariants: [{ name: 'never', check: () => false }], untilMs: 10 };
        expect(() => check.checkCluster(scenario, { seed: 1 })).toThrow(core.PropertyViolationError);
      }
    });

    it('ships only what users need, and every file a shipped file imports', () => {
      const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ files: Array<{ path: string }> }>;
      const shipped = new Set(packed[0]!.files.map((file) => file.path));
      // The command is ESM only: its CommonJS build and the chunks only that build reads stay home.
      expect([...shipped].filter((path) => /^dist\/(cli|sweep)[^/]*\.cjs$/.test(path))).toEqual([]);
      // scripts/share-declarations.mjs: declarations that read the same in both formats ship once,
      // as .d.cts; faultline/check's stay in both, since fast-check types differ by format.
      expect([...shipped].filter((path) => path.endsWith('.d.ts')).sort()).toEqual(['dist/check.d.ts', 'dist/index.d.ts', 'dist/otel.d.ts', 'dist/report.d.ts']);
      expect(readFileSync('dist/index.d.ts', 'utf8')).toBe("export * from './index.cjs';\n");
      const missing: string[] = [];
      for (const path of shipped) {
        if (!/\.(c?js|d\.c?ts)$/.test(path)) continue;
        const declaration = /\.d\.c?ts$/.test(path);
        // Statements, and in code dynamic imports and requires; not the imports of a TSDoc example.
        const imports = declaration ? /^(?:(?:import|export)\b[^\n]*? from |import )'\.\/([^']+)'/gm : /(?:\bfrom |\bimport |\bimport\(|\brequire\()['"]\.\/([^'"]+)['"]/g;
        for (const [, target] of readFileSync(path, 'utf8').matchAll(imports)) {
          const file = `dist/${declaration ? target!.replace(/\.js$/, '.d.ts').replace(/\.cjs$/, '.d.cts') : target}`;
          if (!shipped.has(file)) missing.push(`${path} → ${file}`);
        }
      }
      expect(missing).toEqual([]);
    });

    it('ships faultline/otel in both formats, throwing the core entry\'s error classes', async () => {
      const require = createRequire(import.meta.url);
      for (const [core, otel] of [
        [require('../dist/index.cjs'), require('../dist/otel.cjs')],
        [await import('../dist/index.js' as string), await import('../dist/otel.js' as string)],
      ] as Array<[typeof import('../src/index.js'), typeof import('../src/observe/otel/index.js')]>) {
        expect(() => otel.emitSpans([], {} as never)).toThrow(core.InvalidArgumentError);
      }
    });

    it('ships faultline/report in both formats: uPlot inlined from the installed package, the core entry\'s error classes', async () => {
      const require = createRequire(import.meta.url);
      for (const [core, report] of [
        [require('../dist/index.cjs'), require('../dist/report.cjs')],
        [await import('../dist/index.js' as string), await import('../dist/report.js' as string)],
      ] as Array<[typeof import('../src/index.js'), typeof import('../src/report/html/index.js')]>) {
        const sim = new core.Simulation({ seed: 1, trace: true });
        sim.addNode('a', (ctx) => ({ onStart: () => ctx.send('b', 'hi') }));
        sim.addNode('b', () => ({}));
        sim.run({ until: 10 });
        const html = report.htmlReport({ title: 'built', runs: [{ label: 'one message', sim }] });
        expect(html).toContain('uPlot');
        expect(html).toContain('class="msg"');
        expect(() => report.htmlReport({ title: '', runs: [] })).toThrow(core.InvalidArgumentError);
      }
    });
  });
});
