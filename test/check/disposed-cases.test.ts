import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCluster, clusterProperty, faultSchedule, type ClusterScenario } from '../../src/check/index.js';
import { InvalidArgumentError, InvalidStateError, Simulation, type FaultSchedule } from '../../src/index.js';
import { catchError } from '../kernel/expect-error.js';
import { beatingNode } from './fixtures.js';

const NODES = ['n1', 'n2', 'n3', 'n4'];

/** Every node broadcasts every 10 ms; `heard` counts arrivals, so lost or blocked messages show. */
function gossipScenario(kept: Simulation[] = []): ClusterScenario<{ heard: number }> {
  return {
    name: 'gossip',
    simulation: { network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 9 } } } },
    setup(sim) {
      kept.push(sim);
      const system = { heard: 0 };
      for (const id of NODES) sim.addNode(id, beatingNode(() => void system.heard++));
      return system;
    },
    invariants: [{ name: 'counted', check: (system) => system.heard >= 0 }],
    untilMs: 400,
  };
}

describe('Simulation.dispose', () => {
  it('ends the simulation: run, step and scheduling throw InvalidStateError naming the disposal', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.setTimer(5, 'tick') }));
    sim.run({ until: 1 });
    sim.dispose();
    for (const action of [() => sim.run(), () => sim.step(), () => sim.schedule(1, () => undefined)]) {
      const error = catchError(action);
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as Error).message).toMatch(/disposed/);
    }
    expect(sim.pendingEvents).toBe(0);
    sim.dispose(); // twice: nothing more
  });

  it('forgets the links with their arrays: network questions throw rather than answer from emptied records', () => {
    const sim = new Simulation({ seed: 1 });
    for (const id of ['a', 'b']) sim.addNode(id, (ctx) => ({ onStart: () => ctx.broadcast('hello') }));
    sim.network.block('b', 'a');
    sim.run();
    expect(sim.network.stats().sent).toBe(2);
    sim.dispose();
    const questions = [() => sim.network.stats(), () => sim.network.linkStats('a', 'b'), () => sim.network.isBlocked('b', 'a'), () => sim.network.block('a', 'b'), () => sim.network.linkModel('a', 'b')];
    for (const question of questions) {
      const error = catchError(question);
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as Error).message).toMatch(/disposed/);
    }
  });

  it('cannot dispose a running simulation', () => {
    const sim = new Simulation({ seed: 1 });
    let caught: unknown;
    sim.schedule(1, () => {
      caught = catchError(() => sim.dispose());
    });
    sim.run();
    expect(caught).toBeInstanceOf(InvalidStateError);
    expect(sim.run({ until: 5 }).eventsProcessed).toBe(0); // still usable
  });

  it('changes no later case: the same cases give the same hashes, counts and link stats on recycled arrays', () => {
    const scenario = gossipScenario();
    const schedules = fc.sample(faultSchedule({ nodes: NODES, maxFaults: 4, horizonMs: 400 }), { numRuns: 40, seed: 7 });
    const summary = (outcome: ReturnType<typeof checkCluster<{ heard: number }, never>>) =>
      JSON.stringify({ hash: outcome.traceHash, heard: outcome.system.heard, links: outcome.sim.network.stats() });
    const fresh = schedules.map((faults, seed) => summary(checkCluster(scenario, { seed, faults })));
    const recycled = schedules.map((faults, seed) => {
      const outcome = checkCluster(scenario, { seed, faults });
      const seen = summary(outcome);
      outcome.sim.dispose(); // the next case takes its arrays
      return seen;
    });
    expect(recycled).toEqual(fresh);
    expect(new Set(fresh).size).toBe(fresh.length);
  });
});

describe('a case\'s simulation options', () => {
  it('keep an own "__proto__" key as a key, which the simulation refuses by name', () => {
    const scenario = { ...gossipScenario(), simulation: JSON.parse('{"__proto__": {"maxEvents": 5}}') as object };
    const error = catchError(() => checkCluster(scenario, { seed: 1 }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe('__proto__');
  });
});

describe('clusterProperty and disposal', () => {
  it('disposes the simulation of every passing case, and the search is unchanged', async () => {
    const kept: Simulation[] = [];
    const faults = fc.constant<FaultSchedule>([{ kind: 'crash', target: 'n2', atMs: 50, durationMs: 70 }]);
    const details = await fc.check(clusterProperty(gossipScenario(kept), { faults }), { numRuns: 25, seed: 3 });
    expect(details.failed).toBe(false);
    expect(kept.length).toBeGreaterThanOrEqual(25);
    // The first is the scenario built once to check the fault options; the cases follow.
    const cases = kept.slice(-25);
    for (const sim of cases) expect(catchError(() => sim.run())).toBeInstanceOf(InvalidStateError);
  });

  it('leaves the simulations of async scenarios alone', async () => {
    const kept: Simulation[] = [];
    const scenario = { ...gossipScenario(kept), async: true };
    const details = await fc.check(clusterProperty(scenario, { faults: fc.constant<FaultSchedule>([]) }), { numRuns: 3, seed: 3 });
    expect(details.failed).toBe(false);
    expect(kept.at(-1)!.run({ until: 450 }).eventsProcessed).toBeGreaterThan(0);
  });
});
