// The shape controls of faultSchedule: each changes what is drawn the way its documentation says,
// measured over a fixed sample, and each rejects bad values with an error naming the option.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule, type FaultScheduleOptions, type GeneratedFailureModel } from '../../src/check/index.js';
import { equivocation, Simulation, type FaultSchedule } from '../../src/index.js';
import { expectInvalidArgument } from '../detectors/expect-invalid.js';

const nodes = ['n1', 'n2', 'n3', 'n4'];
const clients = ['c1'];
const base: FaultScheduleOptions = { nodes, clients, horizonMs: 10_000 };

function sample(options: Partial<FaultScheduleOptions>, count = 400): FaultSchedule[] {
  return fc.sample(faultSchedule({ ...base, ...options }), { seed: 42, numRuns: count });
}

function share<T>(items: readonly T[], test: (item: T) => boolean): number {
  return items.filter(test).length / items.length;
}

describe('faultSchedule shape controls', () => {
  it('every case draws maxFaults faults by default; swarm.count spreads the count over [minFaults, maxFaults]', () => {
    const kinds: FaultScheduleOptions['kinds'] = ['crash', 'partition', 'clock-skew'];
    const fixed = sample({ kinds, minFaults: 2, maxFaults: 4 }).map((schedule) => schedule.length);
    // Fewer only when a draw overlaps a fault of its kind on its target too often (rare here).
    expect(share(fixed, (n) => n === 4)).toBeGreaterThan(0.95);
    expect(Math.min(...fixed)).toBeGreaterThanOrEqual(2);
    const spread = sample({ kinds, minFaults: 2, maxFaults: 4, swarm: { count: true } }).map((schedule) => schedule.length);
    expect(Math.min(...spread)).toBe(2);
    expect(Math.max(...spread)).toBe(4);
    for (const count of [2, 3, 4]) expect(share(spread, (n) => n === count)).toBeGreaterThan(0.2);
  });

  it('weights favour a kind in proportion', () => {
    const faults = sample({ kinds: ['crash', 'pause'], weights: { crash: 9 }, swarm: false, maxFaults: 1, minFaults: 1 }).flat();
    expect(share(faults, (fault) => fault.kind === 'crash')).toBeGreaterThan(0.85);
    expect(share(faults, (fault) => fault.kind === 'crash')).toBeLessThan(0.95);
  });

  it('latestStartMs bounds every start', () => {
    const faults = sample({ kinds: ['crash', 'partition'], startMs: 1_000, latestStartMs: 2_000 }).flat();
    expect(faults.length).toBeGreaterThan(100);
    expect(Math.min(...faults.map((fault) => fault.atMs))).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...faults.map((fault) => fault.atMs))).toBeLessThanOrEqual(2_000);
  });

  it('durations are log-uniform by default (short blips and long outages both common) and uniform on request', () => {
    const window = { kinds: ['pause' as const], minDurationMs: 10, maxDurationMs: 9_000, latestStartMs: 0, maxFaults: 1, minFaults: 1 };
    const logUniform = sample(window).flat().map((fault) => fault.durationMs!);
    const uniform = sample({ ...window, durations: 'uniform' }).flat().map((fault) => fault.durationMs!);
    // Log-uniform over [10, 9000]: a third of the mass in each decade 10–95, 95–900, 900–9000.
    expect(share(logUniform, (ms) => ms < 95)).toBeGreaterThan(0.25);
    expect(share(logUniform, (ms) => ms >= 900)).toBeGreaterThan(0.25);
    expect(share(uniform, (ms) => ms < 95)).toBeLessThan(0.03);
    expect(Math.min(...logUniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...logUniform)).toBeLessThanOrEqual(9_000);
  });

  it('a byzantine node forges as any other node of the cluster, whatever targets allow; alone, it never forges', () => {
    const forged = sample({ kinds: ['byzantine'], targets: { byzantine: ['n2'] } }).flat().filter((fault) => fault.params!['behaviour'] === 'forge');
    expect(new Set(forged.map((fault) => fault.params!['as']))).toEqual(new Set(['n1', 'n3', 'n4']));
    const alone = sample({ nodes: ['solo'], clients: [], kinds: ['byzantine'] }).flat();
    expect(alone.length).toBeGreaterThan(100);
    expect(alone.filter((fault) => fault.params!['behaviour'] === 'forge')).toEqual([]);
  });

  it('faults last 10 ms at least by default, less only where the window or maxDurationMs is shorter', () => {
    const shortest = (options: Partial<FaultScheduleOptions>) => Math.min(...sample({ kinds: ['pause'], ...options }, 300).flat().map((fault) => fault.durationMs!));
    expect(shortest({})).toBe(10);
    expect(shortest({ minDurationMs: 1 })).toBeLessThan(10);
    expect(shortest({ maxDurationMs: 4 })).toBe(4);
    expect(shortest({ horizonMs: 6 })).toBe(5);
    // A latestStartMs the user set near the horizon is kept: the default floor gives way.
    expect(shortest({ horizonMs: 1_000, latestStartMs: 995 })).toBe(4);
    expect(() => faultSchedule({ ...base, horizonMs: 1_000, latestStartMs: 995 })).not.toThrow();
  });

  it('targets restrict the nodes a kind may hit; other kinds still hit every node', () => {
    const faults = sample({ kinds: ['crash', 'pause', 'partition', 'link'], targets: { crash: ['n3'], partition: ['n2'], link: ['n1', 'n4'] } }).flat();
    const targetsOf = (kind: string) => new Set(faults.filter((fault) => fault.kind === kind).map((fault) => fault.target));
    expect(targetsOf('crash')).toEqual(new Set(['n3']));
    expect(targetsOf('pause')).toEqual(new Set(nodes));
    for (const fault of faults.filter((each) => each.kind === 'partition')) {
      const [apart, rest] = fault.params!['groups'] as string[][];
      expect(apart).toContain('n2');
      expect(apart!.filter((id) => id !== 'n2' && id !== 'c1')).toEqual([]);
      expect([...apart!, ...rest!].sort()).toEqual([...nodes, ...clients].sort());
    }
    for (const fault of faults.filter((each) => each.kind === 'link')) expect(new Set((fault.params!['links'] as string[][])[0])).toEqual(new Set(['n1', 'n4']));
  });

  it('swarm.kinds makes some cases single-kind and others mixed; without it most busy cases mix', () => {
    const kinds = ['crash', 'pause', 'partition', 'clock-skew', 'omission', 'slow-node'] as const;
    const kindsPerBusyCase = (swarm: FaultScheduleOptions['swarm']) => sample({ kinds: [...kinds], swarm, minFaults: 4, maxFaults: 4 }).filter((schedule) => schedule.length === 4).map((schedule) => new Set(schedule.map((fault) => fault.kind)).size);
    const swarm = kindsPerBusyCase({ kinds: true });
    const plain = kindsPerBusyCase(undefined);
    // With every kind enabled, four faults of one kind come once in 216 cases.
    expect(share(swarm, (n) => n === 1)).toBeGreaterThan(0.08);
    expect(share(swarm, (n) => n >= 3)).toBeGreaterThan(0.3);
    expect(share(plain, (n) => n === 1)).toBeLessThan(0.02);
  });

  it('swarm: true turns on every dimension: single-kind cases, spread counts and focused nodes', () => {
    const kinds: FaultScheduleOptions['kinds'] = ['crash', 'pause', 'clock-skew', 'omission'];
    const schedules = sample({ kinds, swarm: true, minFaults: 1, maxFaults: 4 });
    const busy = schedules.filter((schedule) => schedule.length === 4);
    for (const count of [1, 2, 3, 4]) expect(share(schedules, (schedule) => schedule.length === count)).toBeGreaterThan(0.15);
    expect(share(busy, (schedule) => new Set(schedule.map((fault) => fault.kind)).size === 1)).toBeGreaterThan(0.05);
    expect(share(busy, (schedule) => new Set(schedule.map((fault) => fault.target)).size === 1)).toBeGreaterThan(0.08);
  });

  it('swarm.nodes (default) aims half the cases at a random subset of the nodes; off, faults spread over all', () => {
    const kinds: FaultScheduleOptions['kinds'] = ['crash', 'pause', 'clock-skew', 'omission'];
    const nodesHit = (swarm: FaultScheduleOptions['swarm']) => sample({ kinds, swarm, maxFaults: 4 }).map((schedule) => new Set(schedule.map((fault) => fault.target)).size);
    const focused = nodesHit(undefined);
    const spread = nodesHit(false);
    // Four faults on four nodes, uniform: all on one node 1 case in 64. Focused: a quarter of the
    // focused half keep one node, and more land there by chance.
    expect(share(spread, (n) => n === 1)).toBeLessThan(0.04);
    expect(share(focused, (n) => n === 1)).toBeGreaterThan(0.12);
    expect(share(focused, (n) => n >= 3)).toBeGreaterThan(0.3);
    expect(nodesHit({ nodes: false })).toEqual(spread);
  });

  it('a focused case keeps kinds that need two nodes whole, and a focused byzantine node still forges as any node', () => {
    const schedules = sample({ kinds: ['link', 'byzantine', 'crash'], maxFaults: 4 }, 600);
    const singleTarget = schedules.filter((schedule) => {
      const crashes = schedule.filter((fault) => fault.kind !== 'link').map((fault) => fault.target);
      return crashes.length >= 3 && new Set(crashes).size === 1;
    });
    expect(singleTarget.length).toBeGreaterThan(20);
    const links = singleTarget.flat().filter((fault) => fault.kind === 'link');
    expect(links.length).toBeGreaterThan(0);
    for (const fault of links) expect(new Set((fault.params!['links'] as string[][])[0]).size).toBe(2);
    const forged = singleTarget.flat().filter((fault) => fault.kind === 'byzantine' && fault.params!['behaviour'] === 'forge');
    expect(forged.length).toBeGreaterThan(0);
    for (const fault of forged) expect(fault.params!['as']).not.toBe(fault.target);
    for (const schedule of schedules) {
      const sim = new Simulation({ seed: 1 });
      for (const id of [...nodes, ...clients]) sim.addNode(id, () => ({}));
      sim.inject(schedule);
    }
  });

  it('generates, injects and shrinks a custom kind through its model arbitrary; a model without revert is permanent', () => {
    const flap: GeneratedFailureModel = {
      kind: 'flap',
      validate: (fault, world, field) => void world.requireNode(fault.target, `${field}.target`),
      apply: (fault, world) => world.crashNode(fault.target!),
      revert: (fault, world) => world.restartNode(fault.target!),
      conflictKeys: (fault) => [`down:${fault.target}`],
      downNodes: (fault) => [fault.target!],
      arbitrary: ({ nodes: targets }) => fc.constantFrom(...targets).map((target) => ({ target })),
    };
    const mark: GeneratedFailureModel = {
      kind: 'mark',
      validate: () => undefined,
      apply: () => undefined,
      arbitrary: () => fc.integer({ min: 1, max: 9 }).map((level) => ({ params: { level } })),
    };
    const arbitrary = faultSchedule({ ...base, kinds: ['flap', 'mark', 'crash'], models: [flap, mark], budget: { maxNodesDown: 1 } });
    expect(share(fc.sample(arbitrary, { seed: 7, numRuns: 200 }).flat(), (fault) => fault.kind === 'flap')).toBeGreaterThan(0.2);
    const details = fc.check(
      fc.property(arbitrary, (schedule) => {
        const sim = new Simulation({ seed: 1 });
        for (const id of [...nodes, ...clients]) sim.addNode(id, () => ({}));
        sim.registerFailureModel(flap);
        sim.registerFailureModel(mark);
        sim.inject(schedule, { budget: { maxNodesDown: 1 } });
        for (const fault of schedule.filter((each) => each.kind === 'mark')) expect(fault.durationMs).toBeUndefined();
        return !schedule.some((fault) => fault.kind === 'flap' && fault.target === 'n3');
      }),
      { seed: 7, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample![0]).toEqual([{ kind: 'flap', atMs: 0, durationMs: 10, target: 'n3' }]);
  });

  it('byzantine faults also draw the equivocations and adversaries the scenario names, and shrink to the simplest fault that still fails', () => {
    const arbitrary = faultSchedule({ ...base, kinds: ['byzantine'], byzantine: { fields: ['vote'], derivations: ['claim'], adversaries: ['mute'] } });
    const injects = (schedule: FaultSchedule) => {
      const sim = new Simulation({ seed: 1 });
      for (const id of [...nodes, ...clients]) sim.addNode(id, () => ({}));
      sim.registerAdversary('claim', equivocation((message) => message));
      sim.registerAdversary('mute', () => []);
      sim.inject(schedule);
    };
    const forms = new Set<string>();
    for (const schedule of fc.sample(arbitrary, { seed: 9, numRuns: 300 })) {
      injects(schedule);
      for (const fault of schedule) forms.add(`${fault.params!['behaviour']}:${fault.params!['field'] ?? fault.params!['derive'] ?? fault.params!['adversary'] ?? ''}`);
    }
    const details = fc.check(
      fc.property(arbitrary, (schedule) => {
        injects(schedule);
        return !schedule.some((fault) => fault.params!['behaviour'] === 'custom');
      }),
      { seed: 9, numRuns: 300 },
    );
    expect([...forms].filter((form) => /^(equivocate|custom):\w/.test(form)).sort()).toEqual(['custom:mute', 'equivocate:claim', 'equivocate:vote']);
    expect(details.failed).toBe(true);
    expect(details.counterexample![0]).toEqual([{ kind: 'byzantine', atMs: 0, durationMs: 10, target: 'n1', params: { behaviour: 'custom', adversary: 'mute' } }]);
    // Without names, only the five built-in behaviours.
    const plain = fc.sample(faultSchedule({ ...base, kinds: ['byzantine'] }), { seed: 9, numRuns: 200 }).flat();
    expect(new Set(plain.map((fault) => fault.params!['behaviour']))).toEqual(new Set(['corrupt', 'drop', 'duplicate', 'replay', 'forge']));
  });

  it('rejects bad shape options with typed errors naming the option', () => {
    expectInvalidArgument(() => faultSchedule({ ...base, minFaults: 6, maxFaults: 5 }), 'minFaults');
    expectInvalidArgument(() => faultSchedule({ ...base, minFaults: 1.5 }), 'minFaults');
    expectInvalidArgument(() => faultSchedule({ ...base, weights: { crash: 0 } }), 'weights.crash');
    expectInvalidArgument(() => faultSchedule({ ...base, weights: { crash: Infinity } }), 'weights.crash');
    expectInvalidArgument(() => faultSchedule({ ...base, weights: { link: 2 } }), 'weights.link');
    expectInvalidArgument(() => faultSchedule({ ...base, targets: { crash: ['n9'] } }), 'targets.crash');
    expectInvalidArgument(() => faultSchedule({ ...base, targets: { crash: [] } }), 'targets.crash');
    expectInvalidArgument(() => faultSchedule({ ...base, kinds: ['link'], targets: { link: ['n1'] } }), 'targets.link');
    expectInvalidArgument(() => faultSchedule({ ...base, targets: { disk: ['n1'] } }), 'targets.disk');
    expectInvalidArgument(() => faultSchedule({ ...base, latestStartMs: 10_000 }), 'latestStartMs');
    expectInvalidArgument(() => faultSchedule({ ...base, startMs: 500, latestStartMs: 100 }), 'latestStartMs');
    expectInvalidArgument(() => faultSchedule({ ...base, durations: 'normal' as never }), 'durations');
    expectInvalidArgument(() => faultSchedule({ ...base, swarm: 'yes' as never }), 'swarm');
    expectInvalidArgument(() => faultSchedule({ ...base, swarm: { node: true } as never }), 'swarm.node');
    expectInvalidArgument(() => faultSchedule({ ...base, swarm: { kinds: 1 } as never }), 'swarm.kinds');
    expectInvalidArgument(() => faultSchedule({ ...base, kinds: ['crash', 'crash'] }), 'kinds');
    expectInvalidArgument(() => faultSchedule({ ...base, models: [{ kind: 'crash', validate: () => {}, apply: () => {}, arbitrary: () => fc.constant({}) }] }), 'models[0].kind');
    expectInvalidArgument(() => faultSchedule({ ...base, models: [{ kind: 'x', validate: () => {}, apply: () => {} }] as never }), 'models[0].arbitrary');
    expectInvalidArgument(() => faultSchedule({ ...base, kinds: ['flap'] }), 'kinds[0]');
    expectInvalidArgument(() => faultSchedule({ ...base, byzantine: { fields: [] } }), 'byzantine.fields');
    expectInvalidArgument(() => faultSchedule({ ...base, byzantine: { fields: ['a', 'a'] } }), 'byzantine.fields');
    expectInvalidArgument(() => faultSchedule({ ...base, byzantine: { field: ['a'] } as never }), 'byzantine.field');
  });

  it('any other value of a shape option is either accepted or refused with a typed error', () => {
    const keys = ['minFaults', 'weights', 'targets', 'latestStartMs', 'durations', 'swarm', 'models', 'byzantine'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything({ withNullPrototype: true, withBoxedValues: true, maxDepth: 2 }), (key, value) => {
        try {
          faultSchedule({ ...base, [key]: value } as FaultScheduleOptions);
        } catch (error) {
          expect((error as { code?: string }).code, String(error)).toBe('INVALID_ARGUMENT');
        }
      }),
      { seed: 3, numRuns: 500 },
    );
  });
});
