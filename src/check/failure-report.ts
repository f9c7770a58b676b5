import type { Fault } from '../faults/fault.js';
import { formatTimeline } from '../report/text-timeline.js';
import type { Violation } from './case-run.js';
import type { FocusedTimeline } from './violation-focus.js';
import type { ClusterCase } from './scenario.js';

/**
 * The line that reruns a case: paste it into a test next to the scenario. The case is inlined
 * as JSON, so the line needs nothing but the scenario (whose own `workload`, if any, it leaves
 * out: the scenario brings it).
 */
export function replayLine(testCase: ClusterCase<unknown>, isAsync: boolean): string {
  const json = JSON.stringify({ seed: testCase.seed, faults: testCase.faults ?? [], ...(testCase.workload === undefined || testCase.workload.length === 0 ? {} : { workload: testCase.workload }) });
  return isAsync ? `await checkClusterAsync(scenario, ${json});` : `checkCluster(scenario, ${json});`;
}

/** The multi-line report of a violation: what broke, the case, the events around it, the replay. */
export function violationReport(details: {
  scenarioName: string | undefined;
  /** Operations of the scenario's fixed workload. */
  scenarioOperations: number;
  violation: Violation;
  testCase: ClusterCase<unknown>;
  timeline: FocusedTimeline;
  timelineLines: number;
  replay: string;
}): string {
  const { violation, testCase } = details;
  const what = violation.kind === 'safety' ? `invariant '${violation.property}' violated` : `liveness '${violation.property}' not reached`;
  const faults = testCase.faults ?? [];
  const lines = [
    `${what} at t=${violation.timeMs} ms (after event ${violation.event})${details.scenarioName === undefined ? '' : ` in scenario '${details.scenarioName}'`}`,
    ...(violation.evidence === undefined ? [] : [`  evidence: ${violation.evidence.replace(/\n/g, '\n    ')}`]),
    `seed: ${JSON.stringify(testCase.seed)}`,
    `faults (${faults.length}):`,
    ...faults.map((fault) => `  ${describeFault(fault)}`),
    ...workloadLine(testCase.workload?.length ?? 0, details.scenarioOperations),
    ...timelineSection(details.timeline, details.timelineLines),
    `replay:`,
    `  ${details.replay}`,
  ];
  return lines.join('\n');
}

/**
 * The events before the focus and, when the run went on past it, after it, split by a marker
 * line: an `always` invariant stops the run at its event, so it has only the events before.
 */
function timelineSection(timeline: FocusedTimeline, timelineLines: number): string[] {
  if (timeline.after.length === 0 && timeline.before.length === 0) return ['last events before the failure:', '  (none recorded)'];
  const afterLines = timeline.after.length === 0 ? [] : formatTimeline(timeline.after, { maxLines: 1_000_000 }).split('\n').slice(0, Math.floor(timelineLines / 2));
  const before = timeline.before.length === 0 ? '(none recorded)' : formatTimeline(timeline.before, { maxLines: Math.max(1, timelineLines - afterLines.length) });
  if (timeline.label === undefined) return ['last events before the failure:', indent(before)];
  if (afterLines.length === 0) return [`last events, up to ${timeline.label}:`, indent(before)];
  return [`events around ${timeline.label}:`, indent(before), `  ──── event ${timeline.focusEvent}, t=${timeline.focusTimeMs} ms ────`, indent(afterLines.join('\n'))];
}

function workloadLine(caseOperations: number, scenarioOperations: number): string[] {
  if (caseOperations === 0 && scenarioOperations === 0) return [];
  return [`workload: ${caseOperations} operations${scenarioOperations === 0 ? '' : ` (and ${scenarioOperations} from the scenario)`}`];
}

/** One fault on one line, in the order a reader wants: when, what, on whom, how long. */
export function describeFault(fault: Fault): string {
  const target = fault.target === undefined ? '' : ` ${fault.target}`;
  const duration = fault.durationMs === undefined ? '' : ` for ${fault.durationMs} ms`;
  const params = fault.params === undefined ? '' : ` ${JSON.stringify(fault.params)}`;
  return `t=${fault.atMs} ms ${fault.kind}${target}${duration}${params}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
