import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FaultlineError, UnknownNodeError } from '../../../src/errors.js';
import { Rng } from '../../../src/kernel/rng.js';
import { Simulation } from '../../../src/simulation.js';
import { createHealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { FixedTimeoutDetector } from '../../../src/detectors/fixed-timeout.js';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { addLoadBalancer, loadBalancerProxy } from '../../../src/patterns/balancer/balancer-proxy.js';
import { RestartPolicy } from '../../../src/patterns/supervisor/restart-policy.js';
import { createSupervisor } from '../../../src/patterns/supervisor/supervisor.js';
import { createDetectorWatch, withHeartbeats } from '../../../src/patterns/supervisor/detector-watch.js';
import { addPrimaryBackup } from '../../../src/patterns/failover/primary-backup.js';
import { LeaseTable } from '../../../src/patterns/failover/lease-table.js';
import { addFencedStore } from '../../../src/patterns/failover/fenced-store.js';
import { withLease } from '../../../src/patterns/failover/lease-holder.js';
import { catchError, expectInvalidArgument } from '../../detectors/expect-invalid.js';

function sim(): Simulation {
  const s = new Simulation({ seed: 1 });
  for (const id of ['w1', 'w2']) s.addNode(id, withHealthEndpoint(() => ({})));
  return s;
}
const liveness = (target: string) => ({ target, kind: 'liveness' as const, intervalMs: 100, timeoutMs: 50 });
const supervise = (options: Record<string, unknown>, s = sim()) => createSupervisor(s, 'sup', { children: ['w1'], verdicts: createHealthChecker(s, 'sup', { checks: [liveness('w1')] }), ...options } as never);
const pb = (options: Record<string, unknown>) =>
  addPrimaryBackup(new Simulation({ seed: 1 }), { replicas: ['r1', 'r2'], behaviour: () => ({}), authority: 'lock', store: 'store', leaseMs: 500, renewIntervalMs: 100, ...options } as never);

describe('supervisor options', () => {
  it('names the field of bad back-off and intensity bounds, min above max included', () => {
    expectInvalidArgument(() => supervise({ backoff: { initialMs: 500, maxMs: 100 } }), 'options.backoff.initialMs');
    expectInvalidArgument(() => supervise({ backoff: { multiplier: 0.5 } }), 'options.backoff.multiplier');
    expectInvalidArgument(() => supervise({ backoff: { initialMs: -1 } }), 'options.backoff.initialMs');
    expectInvalidArgument(() => supervise({ intensity: { maxRestarts: 0 } }), 'options.intensity.maxRestarts');
    expectInvalidArgument(() => supervise({ intensity: { windowMs: Number.NaN } }), 'options.intensity.windowMs');
    expectInvalidArgument(() => supervise({ intensity: { max: 3 } }), 'options.intensity.max');
    expectInvalidArgument(() => supervise({ restarts: 3 }), 'options.restarts');
    expectInvalidArgument(() => supervise({ backoff: null }), 'options.backoff');
  });

  it('refuses children that are unknown, unwatched, or the supervisor, and a source run elsewhere', () => {
    expect(catchError(() => supervise({ children: ['ghost'] }))).toBeInstanceOf(UnknownNodeError);
    expectInvalidArgument(() => supervise({ children: ['w2'] }), 'options.children[0]');
    const s = sim();
    expectInvalidArgument(() => createSupervisor(s, 'sup', { children: ['w1'], verdicts: createHealthChecker(s, 'other', { checks: [liveness('w1')] }) }), 'options.verdicts');
    expectInvalidArgument(() => supervise({ verdicts: { onChange() {} } }), 'options.verdicts');
    expectInvalidArgument(() => new RestartPolicy({ backoff: { maxMs: -5 } }), 'options.backoff.maxMs');
  });
});

describe('detector watch and heartbeats options', () => {
  it('names the field', () => {
    expectInvalidArgument(() => createDetectorWatch(sim(), 'sup', { targets: ['w1'], detector: () => new FixedTimeoutDetector({ timeoutMs: 100 }), checkIntervalMs: 0 }), 'options.checkIntervalMs');
    expectInvalidArgument(() => createDetectorWatch(sim(), 'sup', { targets: ['w1'], detector: () => ({}) as never, checkIntervalMs: 10 }), 'options.detector()');
    expectInvalidArgument(() => createDetectorWatch(sim(), 'sup', { targets: [], detector: () => new FixedTimeoutDetector({ timeoutMs: 100 }), checkIntervalMs: 10 }), 'options.targets');
    expectInvalidArgument(() => withHeartbeats(() => ({}), { to: [], intervalMs: 10 }), 'options.to');
    expectInvalidArgument(() => withHeartbeats(() => ({}), { to: 'sup', intervalMs: -1 }), 'options.intervalMs');
  });
});

describe('failover options', () => {
  it('names the field, including timings that contradict each other', () => {
    expectInvalidArgument(() => pb({ renewIntervalMs: 500 }), 'options.renewIntervalMs');
    expectInvalidArgument(() => pb({ safetyMarginMs: 450, renewIntervalMs: 100 }), 'options.renewIntervalMs');
    expectInvalidArgument(() => pb({ safetyMarginMs: 500 }), 'options.safetyMarginMs');
    expectInvalidArgument(() => pb({ replicas: ['r1'] }), 'options.replicas');
    expectInvalidArgument(() => pb({ fencing: 'yes' }), 'options.fencing');
    expectInvalidArgument(() => pb({ leaseMS: 5 }), 'options.leaseMS');
    expectInvalidArgument(() => new LeaseTable({ leaseMs: 0 }), 'options.leaseMs');
    expectInvalidArgument(() => addFencedStore(new Simulation({ seed: 1 }), 'store', { fenced: true } as never), 'options.fenced');
    expectInvalidArgument(() => withLease(() => ({}), { authority: 'x', store: 'x', renewIntervalMs: 10 }), 'options.store');
  });

  it('adds no node when an option is bad', () => {
    const s = new Simulation({ seed: 1 });
    catchError(() => addPrimaryBackup(s, { replicas: ['r1', 'r2'], behaviour: () => ({}), authority: 'lock', store: 'store', leaseMs: 500, renewIntervalMs: 600 }));
    expect(s.nodeIds()).toEqual([]);
  });
});

describe('balancer options', () => {
  it('names the field of bad weights, thresholds, pool sizes and keys', () => {
    expectInvalidArgument(() => new LoadBalancer({ backends: [] }), 'options.backends');
    expectInvalidArgument(() => new LoadBalancer({ backends: [{ id: 'a', weight: 0 }] }), 'options.backends[0].weight');
    expectInvalidArgument(() => new LoadBalancer({ backends: ['a', 'a'] }), 'options.backends[1].id');
    expectInvalidArgument(() => new LoadBalancer({ backends: ['a'], policy: 'random' as never }), 'options.policy');
    expectInvalidArgument(() => new LoadBalancer({ backends: ['a'], policy: 'power-of-two-choices' }), 'options.rng');
    expectInvalidArgument(() => new LoadBalancer({ backends: ['a'], rng: Math.random as never }), 'options.rng');
    expectInvalidArgument(() => new LoadBalancer({ backends: ['a'], outlierDetection: { windowSize: 5, minRequests: 6 } }), 'options.outlierDetection.minRequests');
    expectInvalidArgument(() => new LoadBalancer({ backends: ['a'], outlierDetection: { maxErrorRate: 1.5 } }), 'options.outlierDetection.maxErrorRate');
    expectInvalidArgument(() => new LoadBalancer({ backends: ['a'], outlierDetection: { ejectionMs: 100, maxEjectionMs: 50 } }), 'options.outlierDetection.maxEjectionMs');
    expectInvalidArgument(() => new LoadBalancer({ backends: ['a'], outlierDetection: { maxEjectedFraction: -0.1 } }), 'options.outlierDetection.maxEjectedFraction');
    expectInvalidArgument(() => new LoadBalancer({ backends: ['a'], weights: [1] } as never), 'options.weights');
    expectInvalidArgument(() => loadBalancerProxy(new LoadBalancer({ backends: ['a'] }), { timeoutMs: 0 }), 'options.timeoutMs');
  });

  it('refuses backends naming unknown nodes, or nodes its verdict source does not watch', () => {
    expect(catchError(() => addLoadBalancer(sim(), 'lb', { backends: ['w1', 'ghost'], timeoutMs: 100 }))).toBeInstanceOf(UnknownNodeError);
    const s = sim();
    expectInvalidArgument(() => addLoadBalancer(s, 'lb', { backends: ['w1', 'w2'], timeoutMs: 100, verdicts: createHealthChecker(s, 'lb', { checks: [liveness('w1')] }) }), 'options.backends[1]');
  });

  it('rejects finish without a pick, and bad outcomes', () => {
    const balancer = new LoadBalancer({ backends: ['a'] });
    expectInvalidArgument(() => balancer.finish('a', { ok: true, latencyMs: 1 }, 0), 'backend');
    balancer.pick(0);
    expectInvalidArgument(() => balancer.finish('a', { ok: true, latencyMs: -1 }, 0), 'outcome.latencyMs');
    expectInvalidArgument(() => balancer.finish('b', { ok: true, latencyMs: 1 }, 0), 'backend');
  });
});

describe('fuzz: any malformed option is a typed error, never a crash of another kind', () => {
  const hostile = fc.oneof(fc.constant(undefined), fc.constant(null), fc.double(), fc.integer({ min: -5, max: 5 }), fc.string(), fc.constant([]), fc.constant({}), fc.constant(Number.NaN), fc.constant(-Infinity));
  it('balancer options', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('backends', 'policy', 'rng', 'outlierDetection', 'weight', 'windowSize'), hostile), (options) => {
        try {
          new LoadBalancer({ backends: ['a'], ...options } as never);
        } catch (error) {
          expect(error).toBeInstanceOf(FaultlineError);
        }
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('outlier detection and restart policy fields', () => {
    const keys = ['windowSize', 'minRequests', 'maxErrorRate', 'maxMeanLatencyMs', 'ejectionMs', 'maxEjectionMs', 'maxEjectedFraction'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), hostile), fc.dictionary(fc.constantFrom('initialMs', 'maxMs', 'multiplier'), hostile), fc.dictionary(fc.constantFrom('maxRestarts', 'windowMs'), hostile), (outliers, backoff, intensity) => {
        for (const build of [() => new LoadBalancer({ backends: ['a'], outlierDetection: outliers as never }), () => new RestartPolicy({ backoff: backoff as never, intensity: intensity as never })]) {
          try {
            build();
          } catch (error) {
            expect(error).toBeInstanceOf(FaultlineError);
          }
        }
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('primary-backup timings', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('leaseMs', 'renewIntervalMs', 'safetyMarginMs', 'replicas', 'fencing'), hostile), (options) => {
        try {
          pb(options);
        } catch (error) {
          expect(error).toBeInstanceOf(FaultlineError);
        }
      }),
      { numRuns: 300, seed: 15 },
    );
  });
});

it('a real Rng is accepted for power-of-two-choices', () => {
  expect(new LoadBalancer({ backends: ['a', 'b'], policy: 'power-of-two-choices', rng: new Rng(1, 'x') }).pick(0)).toBeDefined();
});
