/**
 * The kernel benchmark suite: every case `npm run bench` measures (see run.ts for the runner).
 *
 * - queue hold: faultline's EventQueue vs `flatqueue`, same pushes and pops (hold.ts)
 * - timer churn: timers re-armed and cancelled through ctx and through the EventLoop (timer-churn.ts)
 * - network delivery: messages through a 100-node full mesh, and a 10-node control (delivery.ts)
 * - delivery to a crashed node: messages that cross their link and are dropped on arrival (crashed-delivery.ts)
 * - phold: PHOLD through the public API vs a hand-written typed-array heap and vs SIM.JS, the
 *   JavaScript peer (phold.ts, baseline-heap.ts, simjs-phold.ts); `npm run bench:peers` runs only these
 * - detector heartbeat / query: the cost of each failure detector's two operations (detectors.bench.ts)
 */
import { createBaselinePhold } from './baseline-heap.js';
import { crashedDeliveryCases } from './crashed-delivery.js';
import { deliveryCases } from './delivery.js';
import { detectorCases } from './detectors.bench.js';
import { holdCases } from './hold.js';
import type { BenchCase } from './measure.js';
import { createFaultlinePhold, type PholdModel, type PholdParameters } from './phold.js';
import { createSimjsPhold } from './simjs-phold.js';
import { timerChurnCases } from './timer-churn.js';

/** PHOLD events per measured batch. */
const PHOLD_BATCH = 1 << 14;

export const FAULTLINE_PHOLD = 'faultline EventLoop';
export const BASELINE_PHOLD = 'baseline typed-array heap';
export const SIMJS_PHOLD = 'SIM.JS (simjs)';

export const pholdConfigurations: readonly PholdParameters[] = [
  { lps: 1e3, pop: 1 },
  { lps: 1e3, pop: 16 },
  { lps: 1e5, pop: 1 },
  { lps: 1e5, pop: 16 },
];

function pholdCase(name: string, parameters: PholdParameters, create: (parameters: PholdParameters) => PholdModel): BenchCase {
  return {
    group: 'phold',
    name,
    parameters: { ...parameters },
    metric: 'eventsPerSec',
    create: () => {
      const model = create(parameters);
      return { iterate: () => model.advance(PHOLD_BATCH) };
    },
  };
}

/** Faultline, the baseline heap and SIM.JS in one comparison set per configuration. */
export function pholdCases(configurations: readonly PholdParameters[] = pholdConfigurations): BenchCase[] {
  return configurations.flatMap((parameters) => [
    pholdCase(FAULTLINE_PHOLD, parameters, createFaultlinePhold),
    pholdCase(BASELINE_PHOLD, parameters, createBaselinePhold),
    pholdCase(SIMJS_PHOLD, parameters, createSimjsPhold),
  ]);
}

export function kernelCases(): BenchCase[] {
  return [...holdCases(), ...timerChurnCases(), ...deliveryCases(), ...crashedDeliveryCases(), ...pholdCases(), ...detectorCases()];
}
