/**
 * Property testing, end to end: fast-check generates fault schedules and client workloads,
 * faultline runs each case deterministically and checks that the history of client operations
 * is linearizable. On the buggy register it finds a stale read, shrinks the case to the few
 * faults and operations that matter, and prints a replay line; the fixed register passes the
 * same search.
 *
 * Finally it replays the minimal case with the trace on, on the buggy register and on the fixed
 * one, and writes out/property-testing.html (`writeHtmlReport`, opens offline in any browser):
 * a section per register with its space-time diagram, where the read that returns the old value
 * can be followed message by message, and its history with the checker's verdict.
 *
 * Run: npx tsx examples/property-testing/index.ts [--out out]
 */
import { join } from 'node:path';
import { assertCluster, checkCluster, type ClusterCase } from 'faultline/check';
import { PropertyFailedError, PropertyViolationError, type Operation } from 'faultline';
import { writeHtmlReport, type RunSection } from 'faultline/report';
import { faults, operations, registerScenario, type RegisterOperation } from './register.js';
import { replayTraced, type TracedReplay } from './replay-traced.js';

const outIndex = process.argv.indexOf('--out');
const outDir = outIndex >= 0 ? (process.argv[outIndex + 1] ?? 'out') : 'out';

const search = { faults, workload: operations, numRuns: 300, seed: 2026 };

console.log('1. Search 300 cases of the register that serves reads from any replica:\n');
const failure = await assertCluster(registerScenario(false), search).then(
  () => undefined,
  (error: unknown) => error,
);
if (!(failure instanceof PropertyFailedError)) throw new Error(`expected the search to find the stale read, got ${String(failure)}`);
console.log(failure.message.replace(/^/gm, '   '));

const violation = failure.cause as PropertyViolationError;
const minimalCase: ClusterCase<RegisterOperation> = JSON.parse(violation.replay.slice(violation.replay.indexOf('{'), violation.replay.lastIndexOf(')')));
console.log(`\n2. The replay line reruns exactly that case: ${minimalCase.faults?.length ?? 0} fault(s), ${minimalCase.workload?.length ?? 0} operation(s).`);
try {
  checkCluster(registerScenario(false), minimalCase);
} catch (error) {
  console.log(`   it fails again with '${(error as PropertyViolationError).property}' at t=${(error as PropertyViolationError).timeMs} ms`);
}

console.log('\n3. The fix: every read goes to the leader. The same search:');
const summary = await assertCluster(registerScenario(true), { ...search, requireCoverage: { sometimes: ['faults applied', 'operations completed', 'linearizability decided'] } });
console.log(`   ${summary.runs} cases passed; faults applied in ${summary.coverage['faults applied']}, operations completed in ${summary.coverage['operations completed']}, linearizability decided in ${summary.coverage['linearizability decided']}`);
const fixed = checkCluster(registerScenario(true), minimalCase);
console.log(`   the minimal failing case passes on the fix: ${fixed.history.filter((operation) => operation.status === 'ok').length} operations completed, linearizable`);

console.log('\n4. The minimal case replayed with the trace on, on both registers:');
const replays = [replayTraced(registerScenario(false), minimalCase), replayTraced(registerScenario(true), minimalCase)] as const;
const describeOperation = (operation: Operation<unknown, unknown>): string => {
  const input = operation.input as { kind: string; value?: number };
  const asked = input.kind === 'write' ? `write ${input.value}` : 'read';
  const answer = operation.status !== 'ok' ? operation.status : input.kind === 'read' ? `-> ${String(operation.output)}` : '-> ok';
  return `${asked} at ${operation.invokeMs} ms ${answer}${operation.completeMs === undefined ? '' : ` at ${operation.completeMs} ms`}`;
};
const historyText = (replay: TracedReplay): string => replay.history.map(describeOperation).join('; ');
replays.forEach((replay, index) => {
  console.log(`   ${index === 0 ? 'reads from any replica' : 'reads through the leader'}: ${historyText(replay)}: ${replay.verdict.verdict}`);
});
console.log(`   the traced replay of the fix has checkCluster's trace hash: ${replays[1].sim.traceHash() === fixed.traceHash ? 'yes' : 'NO'}`);

/** What the shrunk fault did, told from its data. */
function faultStory(testCase: ClusterCase<RegisterOperation>): string {
  return (testCase.faults ?? []).map((fault) => fault.kind === 'crash'
    ? `${fault.target} is down from ${fault.atMs} to ${fault.atMs + (fault.durationMs ?? 0)} ms, so the leader's copy of the write to it is dropped (the red arrow); it comes back with the old value on disk.`
    : `A ${fault.kind} from ${fault.atMs} to ${fault.atMs + (fault.durationMs ?? 0)} ms keeps the leader's copy of the write from a replica.`).join(' ');
}

const untilMs = Math.max(...replays.flatMap((replay) => replay.history.map((operation) => operation.completeMs ?? 0))) + 10;
const section = (replay: TracedReplay, label: string, lesson: string): RunSection => ({
  label,
  sim: replay.sim,
  story: `History: ${historyText(replay)}. The checker says: ${replay.verdict.verdict}. ${lesson}`,
  nodes: ['client', 'r1', 'r2', 'r3'],
  untilMs,
});
const htmlFile = writeHtmlReport(join(outDir, 'property-testing.html'), {
  title: 'Property testing: the stale read fast-check found, replayed',
  story: [
    'A replicated register: r1 is the leader; it applies each write, acknowledges it, and copies it to r2 and r3 in the background. The buggy version lets a client read from any replica; the fixed one sends every read to the leader.',
    `fast-check searched 300 cases of fault schedules and client workloads (seed 2026) and found a history that is not linearizable; it shrank it to ${minimalCase.faults?.length ?? 0} fault and ${minimalCase.workload?.length ?? 0} operations. Both sections below replay that minimal case with the trace on: the same seed, fault and operations.`,
    'On the buggy register, follow the read to the replica whose copy of the write has not arrived (or was lost): it answers with the old value after the write was acknowledged. On the fixed register the same read goes to the leader and returns the new value.',
  ].join('\n\n'),
  tables: [{
    caption: 'The minimal case on both registers',
    columns: ['register', 'operations', 'history', 'linearizable', 'trace hash'],
    rows: replays.map((replay, index) => [index === 0 ? 'reads from any replica' : 'reads through the leader', replay.history.length, historyText(replay), replay.verdict.verdict, replay.sim.traceHash()]),
  }],
  runs: [
    section(replays[0], 'buggy: reads from any replica', `${faultStory(minimalCase)} The read that returns 0 after the write was acknowledged is the stale read.`),
    section(replays[1], 'fixed: every read through the leader', 'Every read reaches the leader, which has applied every acknowledged write.'),
  ],
});
console.log(`   wrote ${htmlFile} (open it in a browser)`);
console.log(`\ntrace hash ${fixed.traceHash}`);
