/**
 * Property testing, end to end: fast-check generates fault schedules and client workloads,
 * faultline runs each case deterministically and checks that the history of client operations
 * is linearizable. On the buggy register it finds a stale read, shrinks the case to the few
 * faults and operations that matter, and prints a replay line; the fixed register passes the
 * same search.
 *
 * Run: npx tsx examples/property-testing/index.ts
 */
import { assertCluster, checkCluster } from 'faultline/check';
import { PropertyFailedError, PropertyViolationError } from 'faultline';
import { faults, operations, registerScenario } from './register.js';

const search = { faults, workload: operations, numRuns: 300, seed: 2026 };

console.log('1. Search 300 cases of the register that serves reads from any replica:\n');
const failure = await assertCluster(registerScenario(false), search).then(
  () => undefined,
  (error: unknown) => error,
);
if (!(failure instanceof PropertyFailedError)) throw new Error(`expected the search to find the stale read, got ${String(failure)}`);
console.log(failure.message.replace(/^/gm, '   '));

const violation = failure.cause as PropertyViolationError;
const minimalCase = JSON.parse(violation.replay.slice(violation.replay.indexOf('{'), violation.replay.lastIndexOf(')')));
console.log(`\n2. The replay line reruns exactly that case: ${minimalCase.faults.length} fault(s), ${minimalCase.workload?.length ?? 0} operation(s).`);
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
console.log(`\ntrace hash ${fixed.traceHash}`);
