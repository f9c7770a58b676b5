import { InvalidArgumentError } from '../../errors.js';
import type { Counter, Gauge, Histogram } from '../../observe/metrics/instruments.js';
import type { Simulation } from '../../simulation.js';
import type { PoolMetric } from './autoscaler-options.js';

/**
 * Reads an autoscaler's metric, per serving node, NaN for no data:
 * - a gauge is averaged over the serving nodes (a node's series summed over its other labels; a
 *   node without one counts as 0, as a gauge never set reads 0);
 * - a counter's rate is its increase per second since the previous reading, averaged over the
 *   nodes that served at both readings (a node that just started would read as idle for a window
 *   it mostly did not serve in, and pull the mean down; the first reading has no baseline);
 * - a reader's answer is checked.
 */
export class PoolMetricReader {
  private previousTotals = new Map<string, number>();
  private previousServing = new Set<string>();
  private previousMs: number | undefined;

  constructor(private readonly sim: Simulation, private readonly metric: PoolMetric) {}

  read(serving: readonly string[]): number {
    const metric = this.metric;
    if ('counterRate' in metric) return this.counterRate(metric.counterRate, serving);
    if (serving.length === 0) return Number.NaN;
    if ('read' in metric) return checkedReading(metric.read([...serving], this.sim.now), 'options.metric.read()');
    const totals = totalsByNode(this.sim, metric.gauge, 'gauge', 'options.metric.gauge');
    if (!serving.some((node) => totals.has(node))) return Number.NaN;
    return checkedReading(sumOver(totals, serving) / serving.length, 'options.metric.gauge');
  }

  private counterRate(name: string, serving: readonly string[]): number {
    const totals = totalsByNode(this.sim, name, 'counter', 'options.metric.counterRate');
    const previousTotals = this.previousTotals;
    const throughout = serving.filter((node) => this.previousServing.has(node));
    const elapsedMs = this.previousMs === undefined ? 0 : this.sim.now - this.previousMs;
    this.previousTotals = totals;
    this.previousServing = new Set(serving);
    this.previousMs = this.sim.now;
    if (elapsedMs <= 0 || throughout.length === 0) return Number.NaN;
    const increase = sumOver(totals, throughout) - sumOver(previousTotals, throughout);
    return increase / (elapsedMs / 1000) / throughout.length;
  }
}

/** The metric's value per node (summed over its other labels), in the order the series appeared. */
function totalsByNode(sim: Simulation, name: string, kind: 'gauge' | 'counter', field: string): Map<string, number> {
  const totals = new Map<string, number>();
  const metric: Counter | Gauge | Histogram | undefined = sim.metrics.metric(name);
  if (metric === undefined) return totals;
  if (metric.kind !== kind || !metric.labelNames.includes('node')) {
    throw new InvalidArgumentError(field, name, `the name of a ${kind} with a node label (it is a ${metric.kind} with labels [${metric.labelNames.join(', ')}])`);
  }
  for (const child of metric.children.values()) {
    const node = child.labels['node']!;
    totals.set(node, (totals.get(node) ?? 0) + child.value[0]!);
  }
  return totals;
}

function sumOver(totals: ReadonlyMap<string, number>, nodes: readonly string[]): number {
  let sum = 0;
  for (const node of nodes) sum += totals.get(node) ?? 0;
  return sum;
}

function checkedReading(value: unknown, field: string): number {
  if (typeof value !== 'number' || (!Number.isNaN(value) && !(Number.isFinite(value) && value >= 0))) {
    throw new InvalidArgumentError(field, value, 'a reading >= 0 (finite), or NaN for no data');
  }
  return value;
}
