import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../../../src/errors.js';
import { FixedTimeoutDetector } from '../../../src/detectors/fixed-timeout.js';
import { Simulation } from '../../../src/simulation.js';
import { createHealthChecker } from '../../../src/observe/health/health-checker.js';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { addAutoscaler } from '../../../src/patterns/autoscaler/autoscaler.js';
import { createDetectorWatch, DetectorWatch } from '../../../src/patterns/supervisor/detector-watch.js';
import { expectInvalidArgument } from '../../detectors/expect-invalid.js';

// The autoscaler's `watch` option: validated up front, and refused when the balancer follows
// another verdict source (it would never see the launched nodes' verdicts).

function sim(): Simulation {
  const world = new Simulation({ seed: 3 });
  for (const id of ['w1', 'w2']) world.addNode(id, () => ({}));
  return world;
}

function watchOf(world: Simulation, id: string): DetectorWatch {
  return createDetectorWatch(world, id, { targets: ['w1', 'w2'], detector: () => new FixedTimeoutDetector({ timeoutMs: 300 }), checkIntervalMs: 50 });
}

function autoscale(world: Simulation, extra: Record<string, unknown>, id = 'scaler') {
  return addAutoscaler(world, id, { pool: ['w1', 'w2'], behaviour: () => ({}), metric: { read: () => 1 }, targetValue: 10, minSize: 1, maxSize: 4, ...extra });
}

describe('autoscaler watch option: bad input', () => {
  it.each([
    ['a health checker', (world: Simulation) => createHealthChecker(world, 'checker', { checks: [{ target: 'w1', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] })],
    ['a plain object', () => ({ id: 'lb', targets: ['w1'] })],
    ['a string', () => 'lb'],
    ['null', () => null],
  ])('refuses %s, naming options.watch, and adds no node', (_name, make) => {
    const world = sim();
    expectInvalidArgument(() => autoscale(world, { watch: make(world) }), 'options.watch');
    expect(world.nodeIds()).toEqual(['w1', 'w2']);
  });

  it('refuses a watch other than the source the balancer follows, health checker or watch', () => {
    const world = sim();
    const followed = watchOf(world, 'lb');
    const other = watchOf(world, 'other');
    const checker = createHealthChecker(world, 'checker', { checks: ['w1', 'w2'].map((target) => ({ target, kind: 'liveness' as const, intervalMs: 100, timeoutMs: 50 })) });
    expectInvalidArgument(() => autoscale(world, { balancer: new LoadBalancer({ backends: ['w1', 'w2'], verdicts: followed }), watch: other }), 'options.watch');
    expectInvalidArgument(() => autoscale(world, { balancer: new LoadBalancer({ backends: ['w1', 'w2'], verdicts: checker }), watch: followed }), 'options.watch');
    expect(world.nodeIds()).toEqual(['w1', 'w2']);
    // The followed watch is accepted, and so is any watch behind a balancer that follows none.
    expect(() => autoscale(world, { balancer: new LoadBalancer({ backends: ['w1', 'w2'], verdicts: followed }), watch: followed })).not.toThrow();
    expect(() => autoscale(world, { balancer: new LoadBalancer({ backends: ['w1', 'w2'] }), watch: other }, 'scaler-2')).not.toThrow();
  });

  fcTest.prop([fc.oneof(fc.anything(), fc.constant('watch'))])(
    'a hostile watch throws a FaultlineError (and adds no node), never another error',
    (value) => {
      const world = sim();
      const watch = value === 'watch' ? watchOf(world, 'lb') : value;
      try {
        autoscale(world, { watch });
      } catch (error) {
        expect(error).toBeInstanceOf(FaultlineError);
        expect(world.nodeIds()).toEqual(['w1', 'w2']);
        return;
      }
      expect(watch === undefined || watch instanceof DetectorWatch).toBe(true);
    },
  );
});
