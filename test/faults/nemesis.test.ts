// The nemesis: random fault schedules drawn from a seeded stream, honouring a budget and a horizon.
import { describe, expect, it } from 'vitest';
import {
  builtInFailureModels,
  findBudgetViolation,
  InvalidArgumentError,
  nemesis,
  nemesisKinds,
  Simulation,
  type FaultBudget,
  type FaultSchedule,
  type NemesisOptions,
} from '../../src/index.js';
import { FIVE, mean, stdDev, thrownBy, Z } from './fixtures.js';

const nodes = [...FIVE];
const SEEDS = Array.from({ length: 20 }, (_, index) => index + 1);
const models = new Map(builtInFailureModels.map((model) => [model.kind, model]));

const draw = (options: Partial<NemesisOptions> = {}): FaultSchedule => nemesis({ seed: 1, nodes, horizonMs: 20_000, ratePerSec: 2, ...options });

function violation(schedule: FaultSchedule, budget: FaultBudget): unknown {
  return findBudgetViolation(schedule.map((fault) => ({ fault, model: models.get(fault.kind)! })), { nodeIds: () => nodes }, budget);
}

/** A small cluster whose nodes ping each other every 50 ms. */
function pinging(seed: number): Simulation {
  const sim = new Simulation({ seed });
  for (const id of FIVE) {
    sim.addNode(id, (ctx) => {
      const tick = (): void => ctx.setTimer(50, 'ping');
      return { onStart: tick, onRecover: tick, onTimer: () => (ctx.broadcast('ping'), tick()) };
    });
  }
  return sim;
}

describe('nemesis', () => {
  it('is a pure function of its options: same options, same schedule; another seed, another schedule', () => {
    expect(draw()).toEqual(draw());
    expect(draw().length).toBeGreaterThan(10);
    expect(draw({ seed: 2 })).not.toEqual(draw());
    expect(draw({ seed: 'a string seed' })).toEqual(draw({ seed: 'a string seed' }));
  });

  it('sim.nemesis draws from the simulation’s seed and nodes', () => {
    const sim = new Simulation({ seed: 42 });
    for (const id of FIVE) sim.addNode(id, () => ({}));
    expect(sim.nemesis({ horizonMs: 20_000, ratePerSec: 2 })).toEqual(draw({ seed: 42 }));
    expect(sim.nemesis({ horizonMs: 20_000, ratePerSec: 2, seed: 7 })).toEqual(draw({ seed: 7 }));
  });

  it('honours its budget: no violation by findBudgetViolation, and inject with the budget accepts it', () => {
    const budget: FaultBudget = { maxNodesDown: 1, keepMajorityConnected: true };
    let unbudgetedViolations = 0;
    for (const seed of SEEDS) {
      const schedule = draw({ seed, ratePerSec: 4, budget });
      expect(schedule.length).toBeGreaterThan(0);
      expect(violation(schedule, budget), `seed ${seed}`).toBeUndefined();
      const sim = pinging(seed);
      expect(() => sim.inject(schedule, { budget })).not.toThrow();
      if (violation(draw({ seed, ratePerSec: 4 }), budget) !== undefined) unbudgetedViolations++;
    }
    expect(unbudgetedViolations).toBe(SEEDS.length); // without the budget, these rates break it every time
  });

  it('starts faults no earlier than startMs and ends every one by horizonMs', () => {
    for (const seed of SEEDS) {
      const schedule = draw({ seed, startMs: 2_000, horizonMs: 10_000, meanDurationMs: 5_000 });
      expect(schedule.length, `seed ${seed}`).toBeGreaterThan(0);
      for (const fault of schedule) {
        expect(fault.atMs).toBeGreaterThanOrEqual(2_000);
        expect(fault.durationMs).toBeGreaterThan(0);
        expect(fault.atMs + fault.durationMs!).toBeLessThanOrEqual(10_000);
      }
    }
  });

  it('draws only the requested kinds, and each of them', () => {
    const schedule = draw({ kinds: ['crash', 'partition-one-way', 'clock-drift'], horizonMs: 60_000 });
    expect(new Set(schedule.map((fault) => fault.kind))).toEqual(new Set(['crash', 'partition-one-way', 'clock-drift']));
    expect(new Set(draw({ horizonMs: 60_000 }).map((fault) => fault.kind))).toEqual(new Set(nemesisKinds));
  });

  it('arrivals are Poisson at ratePerSec and durations exponential with mean meanDurationMs (kinds that never conflict, so nothing is skipped)', () => {
    const horizonMs = 200_000;
    const schedule = draw({ kinds: ['partition', 'link'], ratePerSec: 1, horizonMs, meanDurationMs: 500 });
    const expected = horizonMs / 1_000;
    expect(Math.abs(schedule.length - expected)).toBeLessThan(Z * Math.sqrt(expected));
    const durations = schedule.map((fault) => fault.durationMs!);
    expect(Math.abs(mean(durations) - 500)).toBeLessThan((Z * 500) / Math.sqrt(durations.length));
  });

  it('swarm: true draws the rate and the mix from the seed, so fault counts and kinds vary widely across seeds', () => {
    const options = { horizonMs: 60_000, ratePerSec: 1 };
    const plain = SEEDS.map((seed) => draw({ ...options, seed }));
    const swarm = SEEDS.map((seed) => draw({ ...options, seed, swarm: true }));
    const plainCounts = plain.map((schedule) => schedule.length);
    const swarmCounts = swarm.map((schedule) => schedule.length);
    expect(stdDev(swarmCounts)).toBeGreaterThan(3 * stdDev(plainCounts));
    expect(Math.max(...swarmCounts)).toBeGreaterThan(4 * Math.max(1, Math.min(...swarmCounts)));
    const mixes = (schedules: FaultSchedule[]): Set<string> => new Set(schedules.map((schedule) => [...new Set(schedule.map((fault) => fault.kind))].sort().join(',')));
    expect(mixes(plain).size).toBeLessThanOrEqual(3); // plain runs all use (nearly) every kind
    expect(mixes(swarm).size).toBeGreaterThan(10);
    const kindsPerRun = swarm.map((schedule) => new Set(schedule.map((fault) => fault.kind)).size);
    expect(Math.min(...kindsPerRun)).toBeLessThan(nemesisKinds.length / 2);
  });

  it('its schedules inject without error, and the run is deterministic and recovers in the liveness phase', () => {
    // The liveness phase starts before the horizon, so it has faults in force to end (a nemesis
    // ends its own faults by the horizon) and later ones to skip.
    const LIVENESS_FROM_MS = 3_000;
    const run = (seed: number): { sim: Simulation; schedule: FaultSchedule } => {
      const sim = pinging(seed);
      const schedule = sim.nemesis({ horizonMs: 5_000, ratePerSec: 3, swarm: true });
      sim.inject(schedule);
      sim.livenessPhase(LIVENESS_FROM_MS);
      sim.run({ until: 6_000 });
      return { sim, schedule };
    };
    let endedByLivenessPhase = 0;
    let seedsWithFaults = 0;
    for (const seed of SEEDS.slice(0, 8)) {
      const { sim: first, schedule } = run(seed);
      expect(run(seed).sim.traceHash()).toBe(first.traceHash());
      const applied = first.faultLog.filter((entry) => entry.phase === 'apply');
      expect(applied).toHaveLength(schedule.filter((fault) => fault.atMs < LIVENESS_FROM_MS).length);
      if (applied.length > 0) seedsWithFaults++;
      endedByLivenessPhase += first.faultLog.filter((entry) => entry.phase === 'revert' && entry.timeMs === LIVENESS_FROM_MS).length;
      expect(first.activeFaults().filter((fault) => fault.kind !== 'clock-jump')).toEqual([]);
      for (const id of FIVE) {
        expect(first.truth.isActive(id)).toBe(true);
        for (const other of FIVE) if (other !== id) expect(first.truth.isCut(id, other)).toBe(false);
      }
    }
    expect(seedsWithFaults).toBeGreaterThanOrEqual(6);
    expect(endedByLivenessPhase).toBeGreaterThan(0);
  });

  it('rejects malformed options, naming the field', () => {
    const field = (options: unknown): string => (thrownBy(() => nemesis(options as NemesisOptions)) as InvalidArgumentError).field;
    expect(field({ seed: 1, nodes: [], horizonMs: 1_000 })).toBe('nodes');
    expect(field({ seed: 1, nodes, horizonMs: 0 })).toBe('horizonMs');
    expect(field({ seed: 1, nodes, horizonMs: Number.POSITIVE_INFINITY })).toBe('horizonMs');
    expect(field({ seed: 1, nodes, horizonMs: 1_000, kinds: ['crash', 'meteor'] })).toBe('kinds[1]');
    expect(field({ seed: 1, nodes, horizonMs: 1_000, kinds: [] })).toBe('kinds');
    expect(field({ seed: 1, nodes, horizonMs: 1_000, ratePerSec: -1 })).toBe('ratePerSec');
    expect(field({ seed: 1, nodes, horizonMs: 1_000, budget: { maxNodesDown: 1.5 } })).toBe('budget.maxNodesDown');
    expect(field({ seed: 1, nodes, horizonMs: 1_000, swarm: 'yes' })).toBe('swarm');
    expect(field({ seed: 1, nodes, horizonMs: 1_000, rate: 2 })).toBe('nemesis(options).rate');
    expect(field({ seed: 1, nodes: ['a'], horizonMs: 1_000, kinds: ['partition'] })).toBe('kinds');
    expect(() => nemesis({ seed: 1, nodes: ['a'], horizonMs: 1_000, kinds: ['crash'] })).not.toThrow();
  });
});
