/**
 * How every benchmark case is measured.
 *
 * A case builds one {@link Workload} (untimed), and tinybench calls its `iterate` repeatedly. Each
 * call does one batch of work and returns how many units it did (queue operations, events or
 * messages). The sample handed to tinybench is the wall-clock time *per unit*, so a sample's
 * reciprocal is a rate, and the reported figure is the median rate over all measured batches.
 *
 * Cases that are compared with each other (same group, same parameters: e.g. faultline's queue
 * and flatqueue at one size) are measured together, in rounds that alternate between them, so a
 * burst of load from elsewhere on the machine hits both rather than skewing the ratio.
 *
 * Warmup and measurement run on the same workload: the warmup batches bring the JIT (and the
 * simulation) to a steady state and are discarded, as in one long simulation run. run.ts
 * measures each comparison set in its own process so nothing inherits another's JIT feedback.
 */
import { Bench } from 'tinybench';

/** What a case's units are. */
export type Metric = 'opsPerSec' | 'eventsPerSec' | 'messagesPerSec';

/** State built once; `iterate` does one batch of work and returns the units it did. */
export interface Workload {
  iterate(): number;
}

/** One benchmark case. */
export interface BenchCase {
  /** Section of the report, e.g. `queue hold` or `phold`. */
  group: string;
  /** Name of the implementation or scenario, e.g. `faultline EventQueue`. */
  name: string;
  /** Parameters of the run, shown in the table and written to JSON. */
  parameters: Record<string, number | string>;
  metric: Metric;
  /** Builds fresh state; not timed. */
  create(): Workload;
}

/** Timing budget, in wall-clock ms. */
export interface MeasureOptions {
  /** Measured time per case, split over the rounds. */
  timeMs: number;
  /** Warmup time per case, before the first round. */
  warmupMs: number;
  /** Rounds alternating between the cases of a comparison set. */
  rounds: number;
}

/** The measured rate of one case. */
export interface CaseResult {
  group: string;
  name: string;
  parameters: Record<string, number | string>;
  metric: Metric;
  /** Median over the measured batches, in units per second. */
  median: number;
  /** Mean over the measured batches, in units per second. */
  mean: number;
  /** Relative margin of error of the mean (95%), in percent. */
  rmePercent: number;
  /** Number of measured batches. */
  runs: number;
  nodeVersion: string;
}

export const defaultMeasureOptions: MeasureOptions = { timeMs: 1500, warmupMs: 500, rounds: 5 };

/** Cases with equal keys are compared with each other and measured together. */
export function comparisonKey(benchCase: Pick<BenchCase, 'group' | 'parameters'>): string {
  const parameters = Object.entries(benchCase.parameters)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return `${benchCase.group}/${parameters}`;
}

/** Measures cases of one comparison set, alternating between them, and returns their median rates. */
export function measureTogether(cases: readonly BenchCase[], options: MeasureOptions = defaultMeasureOptions): CaseResult[] {
  const bench = benchOf(options);
  for (const benchCase of cases) {
    const workload = benchCase.create();
    bench.add(
      benchCase.name,
      () => {
        const start = performance.now();
        return timed(benchCase, start, workload.iterate());
      },
      { async: false },
    );
  }
  const msPerUnit: number[][] = cases.map(() => []);
  for (const task of bench.tasks) task.warmupSync();
  for (let round = 0; round < options.rounds; round++) {
    bench.runSync();
    collectRound(bench, msPerUnit);
  }
  return cases.map((benchCase, index) => summarise(benchCase, msPerUnit[index]!.map((ms) => 1000 / ms)));
}

/** A workload whose batches finish asynchronously, as fast-check's async properties do. */
export interface AsyncWorkload {
  iterate(): Promise<number>;
}

/** {@link measureTogether} for cases whose workloads are async; the same rounds and figures. */
export async function measureTogetherAsync(cases: ReadonlyArray<Omit<BenchCase, 'create'> & { create(): AsyncWorkload }>, options: MeasureOptions = defaultMeasureOptions): Promise<CaseResult[]> {
  const bench = benchOf(options);
  for (const benchCase of cases) {
    const workload = benchCase.create();
    bench.add(benchCase.name, async () => {
      const start = performance.now();
      return timed(benchCase, start, await workload.iterate());
    });
  }
  const msPerUnit: number[][] = cases.map(() => []);
  for (const task of bench.tasks) await task.warmup();
  for (let round = 0; round < options.rounds; round++) {
    await bench.run();
    collectRound(bench, msPerUnit);
  }
  return cases.map((benchCase, index) => summarise(benchCase, msPerUnit[index]!.map((ms) => 1000 / ms)));
}

function benchOf(options: MeasureOptions): Bench {
  return new Bench({
    time: options.timeMs / options.rounds,
    iterations: 3,
    warmupTime: options.warmupMs,
    warmupIterations: 2,
    retainSamples: true,
    throws: true,
    warmup: false, // warmed up explicitly, before the first round only
  });
}

/** The sample tinybench keeps for one batch: the time per unit. */
function timed(benchCase: Pick<BenchCase, 'name'>, start: number, units: number): { overriddenDuration: number; overriddenIterationCost: number } {
  const elapsedMs = performance.now() - start;
  if (!(units > 0)) throw new Error(`case '${benchCase.name}' did no work in a batch`);
  return { overriddenDuration: elapsedMs / units, overriddenIterationCost: elapsedMs };
}

function collectRound(bench: Bench, msPerUnit: number[][]): void {
  bench.tasks.forEach((task, index) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`case '${task.name}' ended in state '${result.state}'`);
    msPerUnit[index]!.push(...(result.latency.samples ?? []));
  });
  bench.reset(); // a finished task does not run again until reset
}

function summarise(benchCase: Omit<BenchCase, 'create'>, rates: readonly number[]): CaseResult {
  const mean = rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
  const variance = rates.reduce((sum, rate) => sum + (rate - mean) ** 2, 0) / Math.max(1, rates.length - 1);
  return {
    group: benchCase.group,
    name: benchCase.name,
    parameters: benchCase.parameters,
    metric: benchCase.metric,
    median: median(rates),
    mean,
    rmePercent: (100 * 1.96 * Math.sqrt(variance / rates.length)) / mean,
    runs: rates.length,
    nodeVersion: process.version,
  };
}

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
