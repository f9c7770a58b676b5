import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError, UnknownNodeError } from '../../../src/errors.js';
import { FixedTimeoutDetector } from '../../../src/detectors/fixed-timeout.js';
import { Simulation } from '../../../src/simulation.js';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { createDetectorWatch, withHeartbeats, type DetectorWatch } from '../../../src/patterns/supervisor/detector-watch.js';
import { addSupervisor } from '../../../src/patterns/supervisor/supervisor.js';
import { measureWatchQoS } from '../../../src/patterns/supervisor/watch-qos.js';
import { expectInvalidArgument } from '../../detectors/expect-invalid.js';

// The story: 'sup' watches 'w1' with a 300 ms timeout detector, checked every 50 ms; 'w2' and
// 'w3' beat to it too, but are watched only once someone adds them (another node, a scheduled
// callback), and may be removed again. Latency is a constant 5 ms, so every time is exact.

const TIMEOUT_MS = 300;
const CHECK_INTERVAL_MS = 50;

function world(seed = 4): { sim: Simulation; watch: DetectorWatch } {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'constant', ms: 5 } } } });
  for (const id of ['w1', 'w2', 'w3']) sim.addNode(id, withHeartbeats(() => ({}), { to: 'sup', intervalMs: 100 }));
  const watch = createDetectorWatch(sim, 'sup', { targets: ['w1'], detector: () => new FixedTimeoutDetector({ timeoutMs: TIMEOUT_MS }), checkIntervalMs: CHECK_INTERVAL_MS });
  return { sim, watch };
}

/** A node that adds 'w2' to the watch from its own timer at 500 ms: outside the watch's events. */
function addFromAnotherNode(sim: Simulation, watch: DetectorWatch): void {
  sim.addNode('operator', (ctx) => ({
    onStart: () => ctx.setTimer(500, 'add'),
    onTimer: () => watch.addTarget('w2'),
  }));
}

describe('detector watch targets added and removed at run time', () => {
  it('judges a target added from another node\'s event: trusted, then suspected once its heartbeats stop', () => {
    const { sim, watch } = world();
    sim.addNode('sup', watch.embedIn(() => ({})));
    addFromAnotherNode(sim, watch);
    sim.schedule(1_000, () => sim.crash('w2'));
    sim.run({ until: 2_000 });
    expect(watch.targets).toEqual(['w1', 'w2']);
    expect(watch.lifetimeOf('w2')).toEqual({ addedMs: 500, removedMs: undefined });
    // Last beat sent at 900, arrives at 905; silent beyond 300 ms from 1_206, seen at the check at 1_250.
    expect(watch.verdictsOf('w2')).toEqual([{ target: 'w2', trusted: false, timeMs: 1_250, localTimeMs: 1_250 }]);
    expect(watch.isTrusted('w1')).toBe(true);
  });

  it('ignores heartbeats before a target is added and after it is removed, and keeps its verdicts readable', () => {
    const { sim, watch } = world();
    sim.addNode('sup', watch.embedIn(() => ({})));
    sim.schedule(300, () => sim.crash('w3'));
    sim.schedule(400, () => sim.restart('w3'));
    sim.schedule(1_000, () => watch.addTarget('w3'));
    sim.schedule(1_500, () => sim.crash('w3'));
    sim.schedule(2_500, () => watch.removeTarget('w3'));
    sim.schedule(3_000, () => sim.restart('w3'));
    sim.run({ until: 4_000 });
    // The crash before its addition went unseen; the one after was suspected (last beat sent at
    // 1_400, arrived at 1_405, silent beyond 300 ms from 1_706, seen at the check at 1_750); the
    // restart after its removal was not judged.
    expect(watch.verdictsOf('w3').map(({ trusted, timeMs }) => [trusted, timeMs])).toEqual([[false, 1_750]]);
    expect(watch.isTrusted('w3')).toBe(false);
    expect(watch.targets).toEqual(['w1']);
    expect(watch.removedTargets).toEqual(['w3']);
    expect(watch.lifetimeOf('w3')).toEqual({ addedMs: 1_000, removedMs: 2_500 });
    // Scored over its watched life only: the crash at 300 and the restart at 3_000 are outside it.
    const qos = measureWatchQoS(watch, 'w3', sim.truth, 0, sim.now, { intervalMs: 100 });
    expect([qos.fromMs, qos.untilMs]).toEqual([1_000, 2_500]);
    expect(qos.crashes).toBe(1);
    expect(qos.detectionTime.maxMs).toBe(250);
    expect(qos.mistakes).toEqual([]);
    expectInvalidArgument(() => measureWatchQoS(watch, 'w3', sim.truth, 0, 900), 'untilMs');
    expectInvalidArgument(() => measureWatchQoS(watch, 'w3', sim.truth, 2_600, 4_000), 'fromMs');
  });

  it('trusts a target never heard from, as detectors trust before their first heartbeat', () => {
    const { sim, watch } = world();
    sim.addNode('sup', watch.embedIn(() => ({})));
    sim.addNode('silent', () => ({}));
    sim.schedule(100, () => watch.addTarget('silent'));
    sim.run({ until: 2_000 });
    expect(watch.isTrusted('silent')).toBe(true);
    expect(watch.verdictsOf('silent')).toEqual([]);
  });

  it('moves a balancer: an added target\'s backend goes down on its verdict; a removed one\'s verdicts no longer reach it', () => {
    const { sim, watch } = world();
    const balancer = new LoadBalancer({ backends: ['w1'], verdicts: watch });
    sim.addNode('sup', watch.embedIn(() => ({})));
    addFromAnotherNode(sim, watch);
    sim.schedule(500, () => balancer.addBackend('w2', sim.now));
    sim.schedule(600, () => {
      watch.addTarget('w3');
      balancer.addBackend('w3', sim.now);
    });
    sim.schedule(1_000, () => sim.crash('w2'));
    sim.schedule(1_100, () => watch.removeTarget('w3'));
    sim.schedule(1_200, () => sim.crash('w3'));
    sim.run({ until: 2_000 });
    expect(balancer.events.filter((event) => event.kind === 'down' || event.kind === 'up').map(({ kind, backend, atMs }) => [kind, backend, atMs])).toEqual([['down', 'w2', 1_250]]);
    expect(balancer.inRotation(sim.now)).toEqual(['w1', 'w3']);
  });

  it('a supervisor following the watch does not restart a child whose target is removed while it waits', () => {
    const { sim, watch } = world();
    const supervisor = addSupervisor(sim, 'sup', { children: ['w1'], verdicts: watch, backoff: { initialMs: 1_000 } });
    sim.schedule(1_000, () => sim.crash('w1'));
    // Suspected at 1_250 (last beat arrived at 905), restart due 1 s later: its target is removed before.
    sim.schedule(1_500, () => watch.removeTarget('w1'));
    sim.run({ until: 4_000 });
    expect(supervisor.events.map((event) => [event.kind, event.timeMs])).toEqual([['detected', 1_250], ['cancelled', 1_500]]);
    expect(supervisor.restartsOf('w1')).toBe(0);
    expect(sim.isUp('w1')).toBe(false);
  });

  it('is deterministic: the same run twice gives the same trace hash and verdicts', () => {
    const run = () => {
      const { sim, watch } = world(9);
      sim.addNode('sup', watch.embedIn(() => ({})));
      addFromAnotherNode(sim, watch);
      sim.schedule(800, () => watch.addTarget('w3'));
      sim.schedule(1_000, () => sim.crash('w2'));
      sim.schedule(1_400, () => watch.removeTarget('w1'));
      sim.run({ until: 3_000 });
      return { hash: sim.traceHash(), verdicts: watch.verdicts };
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(first.verdicts.length).toBe(1);
  });
});

describe('detector watch targets: bad input', () => {
  it('refuses unknown nodes, targets already watched or removed, and bad removals, naming the field', () => {
    const { sim, watch } = world();
    expect(() => watch.addTarget('nope')).toThrow(UnknownNodeError);
    expectInvalidArgument(() => watch.addTarget('w1'), 'id');
    expectInvalidArgument(() => watch.addTarget(42 as unknown as string), 'id');
    watch.addTarget('w2');
    watch.removeTarget('w2');
    expectInvalidArgument(() => watch.addTarget('w2'), 'id');
    expectInvalidArgument(() => watch.removeTarget('w2'), 'target');
    expectInvalidArgument(() => watch.removeTarget('w3'), 'target');
    expectInvalidArgument(() => watch.lifetimeOf('w3'), 'target');
    expect(watch.targets).toEqual(['w1']);
    expect(sim.nodeIds()).toEqual(['w1', 'w2', 'w3']);
  });

  it('refuses a target whose detector the factory fails to build', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('w1', () => ({}));
    sim.addNode('w2', () => ({}));
    let calls = 0;
    const watch = createDetectorWatch(sim, 'sup', { targets: ['w1'], detector: () => (calls++ === 0 ? new FixedTimeoutDetector({ timeoutMs: 100 }) : ({} as never)), checkIntervalMs: 50 });
    expectInvalidArgument(() => watch.addTarget('w2'), 'detector()');
    expect(watch.targets).toEqual(['w1']);
  });

  fcTest.prop([fc.oneof(fc.anything(), fc.string(), fc.constantFrom('w1', 'w2', 'w3', 'sup')), fc.boolean()])(
    'hostile ids throw a FaultlineError and leave the targets as they were, never another error',
    (id, remove) => {
      const { watch } = world();
      try {
        if (remove) watch.removeTarget(id as string);
        else watch.addTarget(id as string);
      } catch (error) {
        expect(error).toBeInstanceOf(FaultlineError);
        expect(watch.targets).toEqual(['w1']);
        return;
      }
      expect(watch.targets).toEqual(remove ? [] : ['w1', id]);
    },
  );
});
