import { join } from 'node:path';
import { REPOSITORY } from './consumer-project.js';

// The files a user would write in a project that depends on faultline: compiler settings and small
// programs that touch every entry point. Kept as text: they are compiled and run in the consumer
// project, never in this repository.

/** How the consumer's TypeScript resolves the package: Node's own rules, or a bundler's. */
export type ModuleResolution = 'node16' | 'bundler';

/**
 * A strict tsconfig that checks `files` (the package's declarations included: no skipLibCheck).
 * Node's types come from this repository, as a user has @types/node installed.
 */
export function tsconfig(resolution: ModuleResolution, files: string[], outDir?: string): string {
  const compilerOptions = {
    strict: true,
    target: 'es2022',
    lib: ['es2022'],
    module: resolution === 'node16' ? 'node16' : 'esnext',
    moduleResolution: resolution,
    skipLibCheck: false,
    typeRoots: [join(REPOSITORY, 'node_modules', '@types')],
    types: ['node'],
    ...(outDir === undefined ? { noEmit: true } : { outDir }),
  };
  return JSON.stringify({ compilerOptions, files }, null, 2);
}

/** A run of the core entry whose trace hash the test compares with the same run in this process. */
export const CORE_RUN = `
const sim = new Simulation({ seed: 3 });
sim.addNode('a', (ctx) => ({ onStart: () => ctx.send('b', 'hi') }));
sim.addNode('b', () => ({}));
sim.run();
console.log(sim.traceHash());`;

/** Uses faultline/check and faultline/otel together with the core, printing what they agree on. */
const SUBPATH_CHECKS = `
let violation;
try {
  checkCluster({ setup: () => ({}), invariants: [{ name: 'never', check: () => false }], untilMs: 10 }, { seed: 1 });
} catch (error) {
  violation = error;
}
let invalid;
try {
  emitSpans([], {});
} catch (error) {
  invalid = error;
}
console.log(JSON.stringify({
  violationIsCoreError: violation instanceof PropertyViolationError,
  property: violation?.property,
  // fast-check is a peer, not bundled: faultline's fc makes arbitraries of the installed fast-check.
  fcIsTheInstalledFastCheck: fc.integer() instanceof fastCheck.Arbitrary,
  spansEmitted: emitSpans([], trace.getTracer('consumer')),
  otelErrorIsCoreError: invalid instanceof InvalidArgumentError,
}));`;

/** The subpath checks as an ES module. */
export const SUBPATHS_ESM = `import { InvalidArgumentError, PropertyViolationError } from 'faultline';
import { checkCluster, fc } from 'faultline/check';
import { emitSpans } from 'faultline/otel';
import fastCheck from 'fast-check';
import { trace } from '@opentelemetry/api';
${SUBPATH_CHECKS}`;

/** The subpath checks as a CommonJS script. */
export const SUBPATHS_CJS = `const { InvalidArgumentError, PropertyViolationError } = require('faultline');
const { checkCluster, fc } = require('faultline/check');
const { emitSpans } = require('faultline/otel');
const fastCheck = require('fast-check');
const { trace } = require('@opentelemetry/api');
${SUBPATH_CHECKS}`;

/**
 * Writes an HTML report with faultline/report (no peer needed) and prints what it holds: uPlot
 * inlined, the space-time diagram, and the core's error class for bad input.
 */
const REPORT_CHECKS = `
const sim = new Simulation({ seed: 3, trace: true });
sim.addNode('a', (ctx) => ({ onStart: () => ctx.send('b', 'hi') }));
sim.addNode('b', () => ({}));
sim.run({ until: 10 });
const path = writeHtmlReport('out/nested/report.html', { title: 'consumer', runs: [{ label: 'one message', sim }] });
const html = readFileSync(path, 'utf8');
let invalid;
try {
  htmlReport({ title: 'no runs' });
} catch (error) {
  invalid = error;
}
console.log(JSON.stringify({
  path,
  uplotInlined: html.includes('uPlot'),
  arrows: html.split('class="msg"').length - 1,
  sameAsHtmlReport: html === htmlReport({ title: 'consumer', runs: [{ label: 'one message', sim }] }),
  reportErrorIsCoreError: invalid instanceof InvalidArgumentError,
}));`;

/** The report checks as an ES module. */
export const REPORT_ESM = `import { InvalidArgumentError, Simulation } from 'faultline';
import { htmlReport, writeHtmlReport } from 'faultline/report';
import { readFileSync } from 'node:fs';
${REPORT_CHECKS}`;

/** The report checks as a CommonJS script. */
export const REPORT_CJS = `const { InvalidArgumentError, Simulation } = require('faultline');
const { htmlReport, writeHtmlReport } = require('faultline/report');
const { readFileSync } = require('node:fs');
${REPORT_CHECKS}`;

/** Typed use of every entry point; the same text is checked as ESM (.ts) and as CommonJS (.cts). */
export const TYPED_SUBPATHS = `import { InvalidArgumentError, Simulation, spaceTimeSvg, type FaultSchedule } from 'faultline';
import { checkCluster, fc, workload, type ClusterScenario } from 'faultline/check';
import { emitSpans, type EmitSpansOptions } from 'faultline/otel';
import { htmlReport, type HtmlReportInput, type RunSection } from 'faultline/report';
import { trace } from '@opentelemetry/api';
import * as userFc from 'fast-check';

const scenario: ClusterScenario<{ sim: Simulation }> = {
  setup: (sim) => ({ sim }),
  invariants: [{ name: 'time moves on', check: ({ sim }) => sim.now >= 0 }],
  untilMs: 10,
};
const faults: FaultSchedule = [{ kind: 'crash', atMs: 1, durationMs: 2, target: 'a' }];
const options: EmitSpansOptions = {};
const hash: string = checkCluster(scenario, { seed: 1 }).traceHash;
const emitted: number = emitSpans([], trace.getTracer('consumer'), options);
const sample: number[] = fc.sample(fc.integer(), 1);
// The user's own fast-check and faultline's arbitraries mix, in both directions, in either format.
const operations = userFc.sample(workload({ clients: ['c1'], operation: userFc.constant('read'), horizonMs: 10 }), 1);
const traced = new Simulation({ seed: 1, trace: true });
const run: RunSection = { label: 'traced', sim: traced, metrics: [{ name: 'x', show: 'rate' }] };
const input: HtmlReportInput = { title: 'typed', tables: [{ columns: ['a'], rows: [[1]] }], runs: [run] };
const page: string = htmlReport(input);
const svg: string = spaceTimeSvg(traced.trace!.records(), { maxMessages: 10 });
export const results = [hash, emitted, sample, faults, InvalidArgumentError, operations, page, svg];
`;

/**
 * A sweep with a planted bug: n1 must never be down, and the generated faults crash nodes.
 * Every failing seed should shrink to one crash of n1.
 */
export const PLANTED_SWEEP = `export default {
  scenario: {
    name: 'n1 never goes down',
    setup(sim) {
      for (const id of ['n1', 'n2', 'n3']) sim.addNode(id, () => ({}));
      return {};
    },
    invariants: [{ name: 'n1 is up', check: (_system, sim) => sim.isUp('n1') }],
    untilMs: 1000,
  },
  options: { faults: { nodes: ['n1', 'n2', 'n3'], kinds: ['crash'], maxFaults: 3, horizonMs: 800 } },
};
`;
