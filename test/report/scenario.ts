// A small traced run with a crash, a partition, a pause, lossy links and metrics: the scenario the
// report tests draw. Deterministic: the same seed gives the same records.
import { addHealthChecker, AlertManager, withHealthEndpoint, Simulation, type AlertEvent, type HealthChecker } from '../../src/index.js';

export const NODE_IDS = ['a', 'b', 'c'] as const;
export const RUN_FOR_MS = 1_000;

export interface ReportScenario {
  sim: Simulation;
  alerts: AlertEvent[];
  /** With `withHealthCheck`: a checker node probing c's liveness every 50 ms. */
  health?: HealthChecker;
}

/** Three nodes ping each other every 20 ms; c crashes, a and c are cut apart, b pauses. */
export function reportScenario(seed = 7, withHealthCheck = false): ReportScenario {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'uniform', minMs: 2, maxMs: 8 }, lossProbability: 0.05 } } });
  sim.metrics.configure({ intervalMs: 50 });
  const pings = sim.metrics.counter('pings_total', { labelNames: ['node'] });
  const inflight = sim.metrics.gauge('heard');
  for (const id of NODE_IDS) {
    sim.addNode(id, withHealthEndpoint((ctx) => {
      const tick = (): void => ctx.setTimer(20, 'tick');
      return {
        onStart: tick,
        onRecover: tick,
        onTimer: () => {
          ctx.broadcast({ ping: id });
          pings.inc(1, { node: id });
          tick();
        },
        onMessage: () => inflight.inc(),
      };
    }));
  }
  const health = withHealthCheck ? addHealthChecker(sim, 'checker', { checks: [{ target: 'c', kind: 'liveness', intervalMs: 50, timeoutMs: 30 }] }) : undefined;
  const alerts = new AlertManager(sim.metrics);
  alerts.add({ name: 'c silent', metric: 'pings_total', labels: { node: 'c' }, measure: 'rate', windowMs: 100, below: 1, forMs: 50 });
  sim.inject([
    { kind: 'crash', atMs: 200, durationMs: 300, target: 'c' },
    { kind: 'partition', atMs: 600, durationMs: 200, params: { groups: withHealthCheck ? [['a', 'checker'], ['b', 'c']] : [['a'], ['b', 'c']] } },
    { kind: 'pause', atMs: 850, durationMs: 60, target: 'b' },
  ]);
  sim.run({ until: RUN_FOR_MS });
  return { sim, alerts: alerts.events, ...(health === undefined ? {} : { health }) };
}
