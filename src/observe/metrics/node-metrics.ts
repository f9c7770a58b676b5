import { InvalidArgumentError } from '../../errors.js';
import type { Counter, Gauge, Histogram, Labels } from './instruments.js';
import type { MetricOptions, MetricsRegistry } from './registry.js';

/**
 * A counter as node code sees it: every series carries the node's id as the `node` label.
 *
 * @example
 * ```ts
 * ctx.metrics.counter('requests_total').inc();
 * ```
 */
export interface NodeCounter {
  /** Adds `amount` (default 1, never negative). */
  inc(amount?: number, labels?: Labels): void;
  /** The current count of this node's series with these labels. */
  get(labels?: Labels): number;
}

/**
 * A gauge as node code sees it (labelled with the node's id).
 *
 * @example
 * ```ts
 * ctx.metrics.gauge('queue_depth').set(queue.length);
 * ```
 */
export interface NodeGauge {
  /** Sets the value. */
  set(value: number, labels?: Labels): void;
  /** Adds `amount` (may be negative). */
  inc(amount?: number, labels?: Labels): void;
  /** The current value. */
  get(labels?: Labels): number;
}

/**
 * A histogram as node code sees it (labelled with the node's id).
 *
 * @example
 * ```ts
 * const latency = ctx.metrics.histogram('latency_ms', { buckets: [1, 10, 100] });
 * latency.observe(12);
 * latency.quantile(0.99);
 * ```
 */
export interface NodeHistogram {
  /** Records one observation. */
  observe(value: number, labels?: Labels): void;
  /** Observations so far. */
  count(labels?: Labels): number;
  /** The estimated `q`-quantile (0..1) of this node's observations; NaN with none. */
  quantile(q: number, labels?: Labels): number;
}

/**
 * `ctx.metrics`: the simulation's metrics registry seen from one node. A metric is shared by
 * every node that names it; each node's updates land in its own series, labelled `node`.
 *
 * @example
 * ```ts
 * sim.addNode('api', (ctx) => ({
 *   onMessage() { ctx.metrics.counter('requests_total', { help: 'Requests seen' }).inc(); },
 * }));
 * ```
 */
export interface NodeMetrics {
  /** A counter (made on first use, shared by name). */
  counter(name: string, options?: MetricOptions): NodeCounter;
  /** A gauge (made on first use, shared by name). */
  gauge(name: string, options?: MetricOptions): NodeGauge;
  /** A histogram (made on first use, shared by name). */
  histogram(name: string, options?: MetricOptions): NodeHistogram;
}

/** Builds the node-scoped view of `registry` for `nodeId`. */
export function nodeMetrics(registry: MetricsRegistry, nodeId: string): NodeMetrics {
  // The node's own id is the `node` label; one given by the caller would be silently replaced.
  const withNode = (labels: Labels | undefined): Labels => {
    if (labels !== undefined && labels !== null && typeof labels === 'object' && 'node' in labels) {
      throw new InvalidArgumentError('labels.node', labels['node'], `no 'node' label: ctx.metrics adds the node's own id ('${nodeId}')`);
    }
    return { ...labels, node: nodeId };
  };
  // Malformed options or labelNames are passed through untouched, so the registry names them in its error.
  const options = (given: MetricOptions | undefined): MetricOptions => {
    if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) return given;
    const labelNames: unknown = given?.labelNames;
    return { ...given, labelNames: Array.isArray(labelNames) ? ['node', ...(labelNames as string[])] : labelNames === undefined ? ['node'] : (labelNames as string[]) };
  };
  return {
    counter(name, given) {
      const counter: Counter = registry.counter(name, options(given));
      return { inc: (amount, labels) => counter.inc(amount, withNode(labels)), get: (labels) => counter.get(withNode(labels)) };
    },
    gauge(name, given) {
      const gauge: Gauge = registry.gauge(name, options(given));
      return { set: (value, labels) => gauge.set(value, withNode(labels)), inc: (amount, labels) => gauge.inc(amount, withNode(labels)), get: (labels) => gauge.get(withNode(labels)) };
    },
    histogram(name, given) {
      const histogram: Histogram = registry.histogram(name, options(given));
      return {
        observe: (value, labels) => histogram.observe(value, withNode(labels)),
        count: (labels) => histogram.count(withNode(labels)),
        quantile: (q, labels) => histogram.quantile(q, withNode(labels)),
      };
    },
  };
}
