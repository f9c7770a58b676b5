import { Simulation } from '../../../src/simulation.js';
import { createHealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { addSupervisor, type Supervisor, type SupervisorOptions } from '../../../src/patterns/supervisor/supervisor.js';

export const CHECK_INTERVAL_MS = 100;

/** Two workers 'w1', 'w2' and a supervisor 'sup' that probes them (liveness every 100 ms, down after 2 misses). */
export function supervisedCluster(seed: number, options: Partial<Omit<SupervisorOptions, 'children' | 'verdicts'>> = {}): { sim: Simulation; supervisor: Supervisor } {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'uniform', minMs: 2, maxMs: 8 } } } });
  for (const id of ['w1', 'w2']) sim.addNode(id, withHealthEndpoint(() => ({ onCall: () => 'ok' })));
  const checks = ['w1', 'w2'].map((target) => ({ target, kind: 'liveness' as const, intervalMs: CHECK_INTERVAL_MS, timeoutMs: 50, unhealthyThreshold: 2 }));
  const health = createHealthChecker(sim, 'sup', { checks });
  const supervisor = addSupervisor(sim, 'sup', { children: ['w1', 'w2'], verdicts: health, ...options });
  return { sim, supervisor };
}

/** Crashes `id` every `everyMs` from `fromMs` while it is up: a crash loop. */
export function crashLoop(sim: Simulation, id: string, fromMs: number, everyMs: number, untilMs: number): void {
  for (let atMs = fromMs; atMs < untilMs; atMs += everyMs) {
    sim.schedule(atMs, () => {
      if (sim.isUp(id)) sim.crash(id);
    });
  }
}
