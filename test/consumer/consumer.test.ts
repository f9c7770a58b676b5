// The package as a user gets it: packed, installed from the tarball into a fresh project outside
// this repository, then imported, required, type-checked and run there. First without the optional
// peers (the core must not need fast-check), then with fast-check and @opentelemetry/api installed.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulation } from 'faultline';
import { CORE_RUN, PLANTED_SWEEP, REPORT_CJS, REPORT_ESM, SUBPATHS_CJS, SUBPATHS_ESM, TYPED_SUBPATHS, tsconfig, type ModuleResolution } from './consumer-files.js';
import { ConsumerProject, REPOSITORY, documentedOutput, readmeFirstProgram, repositoryVersionOf, type CommandResult } from './consumer-project.js';

const TSC = join(REPOSITORY, 'node_modules', 'typescript', 'bin', 'tsc');
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** What CORE_RUN prints when it runs here, in the test process, on the source. */
function coreRunHere(): string {
  const printed: string[] = [];
  new Function('Simulation', 'console', CORE_RUN)(Simulation, { log: (line: string) => printed.push(line) });
  return printed.join('\n');
}

function expectSuccess(result: CommandResult): string {
  expect(result.stderr, result.stdout).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** Type-checks `files` in the project under `resolution`; returns tsc's diagnostics ('' when clean). */
function typeCheck(project: ConsumerProject, resolution: ModuleResolution, files: string[], outDir?: string): string {
  const config = `tsconfig.${resolution}.json`;
  project.write(config, tsconfig(resolution, files, outDir));
  const result = project.node(TSC, '-p', config, '--pretty', 'false');
  return `${result.stdout}${result.stderr}`.trim();
}

/** What a load script printed: `loaded`, or the error's `code: first line of its message`. */
function failedLoad(result: CommandResult): string {
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

describe('the packed package, installed in a fresh project', () => {
  let project: ConsumerProject;

  beforeAll(() => {
    project = ConsumerProject.create();
  }, 180_000);

  afterAll(() => {
    if (project !== undefined) rmSync(project.root, { recursive: true, force: true });
  });

  describe('without fast-check or @opentelemetry/api', () => {
    it('installs only its own dependencies, immer, tinypool and uplot', () => {
      const installed = readdirSync(join(project.directory, 'node_modules')).filter((name) => !name.startsWith('.'));
      expect(installed.sort()).toEqual(['faultline', 'immer', 'tinypool', 'uplot']);
    });

    it('writes an HTML report with faultline/report through import and require, uPlot inlined from the installed package', () => {
      project.write('report.mjs', REPORT_ESM);
      project.write('report.cjs', REPORT_CJS);
      const expected = { path: 'out/nested/report.html', uplotInlined: true, arrows: 1, sameAsHtmlReport: true, reportErrorIsCoreError: true };
      expect(JSON.parse(expectSuccess(project.node('report.mjs')))).toEqual(expected);
      expect(JSON.parse(expectSuccess(project.node('report.cjs')))).toEqual(expected);
    });

    it('runs the core through import and through require, to the hash the source gives', () => {
      const esm = expectSuccess(project.node('--input-type=module', '-e', `import { Simulation } from 'faultline';${CORE_RUN}`));
      const cjs = expectSuccess(project.node('-e', `const { Simulation } = require('faultline');${CORE_RUN}`));
      expect(esm.trim()).toMatch(/^[0-9a-f]{16}$/);
      expect(esm.trim()).toBe(coreRunHere());
      expect(cjs).toBe(esm);
    });

    it('serves faultline/package.json to import and require', () => {
      const required = expectSuccess(project.node('-e', `console.log(require('faultline/package.json').version)`));
      const imported = expectSuccess(project.node('--input-type=module', '-e', `import info from 'faultline/package.json' with { type: 'json' }; console.log(info.version)`));
      expect(required.trim()).toBe(VERSION);
      expect(imported).toBe(required);
    });

    it.each([
      ['faultline/check', 'fast-check'],
      ['faultline/otel', '@opentelemetry/api'],
    ])('fails to load %s with an error naming its missing peer, %s', (entry, peer) => {
      const imported = failedLoad(project.node('--input-type=module', '-e', `import('${entry}').then(() => console.log('loaded'), (error) => console.log(error.code + ': ' + error.message.split('\\n')[0]))`));
      const required = failedLoad(project.node('-e', `try { require('${entry}'); console.log('loaded'); } catch (error) { console.log(error.code + ': ' + error.message.split('\\n')[0]); }`));
      expect(imported).toMatch(new RegExp(`^ERR_MODULE_NOT_FOUND: Cannot find package '${peer}' imported from .*node_modules/faultline/dist/`));
      expect(required).toBe(`MODULE_NOT_FOUND: Cannot find module '${peer}'`);
    });

    it('answers faultline --help and --version on stdout', () => {
      const help = expectSuccess(project.run('npx', ['--no-install', 'faultline', '--help']));
      expect(help).toMatch(/^usage: faultline sweep <scenario-file>/);
      expect(help).toContain('faultline --version');
      expect(expectSuccess(project.run('npx', ['--no-install', 'faultline', '--version']))).toBe(`${VERSION}\n`);
    });

    it('says in one line that faultline sweep needs fast-check', () => {
      const sweep = project.run('npx', ['--no-install', 'faultline', 'sweep', 'x']);
      expect(sweep.stdout).toBe('');
      expect(sweep.stderr).toBe('faultline sweep needs fast-check, which is not installed here: npm install -D fast-check\n');
      expect(sweep.status).toBe(2);
    });

    describe("the README's first program", () => {
      const program = readmeFirstProgram(readFileSync('README.md', 'utf8'));

      beforeAll(() => {
        project.write('main.ts', program);
      });

      it.each(['node16', 'bundler'] as const)('type-checks under strict TypeScript with moduleResolution %s', (resolution) => {
        expect(typeCheck(project, resolution, ['main.ts'], resolution === 'node16' ? 'out' : undefined)).toBe('');
      });

      // Runs what the node16 check above emitted (out/main.js); the closing comments, when the
      // README shows the program's output there, must be what it prints.
      it('runs as written, printing the same twice, and what its closing comments say it prints', () => {
        const first = expectSuccess(project.node('out/main.js'));
        expect(expectSuccess(project.node('out/main.js'))).toBe(first);
        const documented = documentedOutput(program);
        if (documented !== undefined) expect(first).toBe(documented);
      });
    });
  });

  describe('with fast-check and @opentelemetry/api installed', () => {
    beforeAll(() => {
      project.npm(`fast-check@${repositoryVersionOf('fast-check')}`, `@opentelemetry/api@${repositoryVersionOf('@opentelemetry/api')}`);
    }, 120_000);

    it('loads faultline/check and faultline/otel through import and require, sharing the core and the installed fast-check', () => {
      project.write('subpaths.mjs', SUBPATHS_ESM);
      project.write('subpaths.cjs', SUBPATHS_CJS);
      const expected = { violationIsCoreError: true, property: 'never', fcIsTheInstalledFastCheck: true, spansEmitted: 0, otelErrorIsCoreError: true };
      expect(JSON.parse(expectSuccess(project.node('subpaths.mjs')))).toEqual(expected);
      expect(JSON.parse(expectSuccess(project.node('subpaths.cjs')))).toEqual(expected);
    });

    it('type-checks every entry point under node16 (as ESM and as CommonJS) and under bundler', () => {
      project.write('typed.ts', TYPED_SUBPATHS);
      project.write('typed.cts', TYPED_SUBPATHS);
      expect(typeCheck(project, 'node16', ['typed.ts', 'typed.cts'])).toBe('');
      expect(typeCheck(project, 'bundler', ['typed.ts'])).toBe('');
    });

    it('sweeps a planted bug with the faultline command and shrinks each failure to one crash of n1', () => {
      project.write('planted.sweep.mjs', PLANTED_SWEEP);
      const sweep = project.run('npx', ['--no-install', 'faultline', 'sweep', 'planted.sweep.mjs', '--seeds', '4', '--workers', '1', '--out', 'sweep.json']);
      expect(sweep.stdout).toMatch(/^\d of 4 seeds passed, [1-4] failed; report: sweep.json\n/);
      expect(sweep.status).toBe(1);
      const report = JSON.parse(project.read('sweep.json')) as { seedsRun: number; failures: Array<{ property: string; faults: Array<{ kind: string; target?: string }>; replay: string }> };
      expect(report.seedsRun).toBe(4);
      expect(report.failures.length).toBeGreaterThan(0);
      for (const failure of report.failures) {
        expect(failure.property).toBe('n1 is up');
        expect(failure.faults.map(({ kind, target }) => ({ kind, target }))).toEqual([{ kind: 'crash', target: 'n1' }]);
        expect(failure.replay).toMatch(/^checkCluster\(scenario, \{"seed":\d+,"faults":\[/);
      }
    });

    it('says in one line that a TypeScript sweep file needs tsx', () => {
      project.write('planted.sweep.ts', PLANTED_SWEEP);
      const sweep = project.run('npx', ['--no-install', 'faultline', 'sweep', 'planted.sweep.ts', '--seeds', '1', '--workers', '1']);
      expect(sweep.stdout).toBe('');
      expect(sweep.stderr.trim().split('\n')).toHaveLength(1);
      expect(sweep.stderr).toMatch(/tsx.*npm install -D tsx/);
      expect(sweep.status).toBe(2);
    });
  });
});
