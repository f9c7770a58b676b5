// The simulation's own options, addNode's options and the incident verbs: `undefined` (or a
// missing key) means absent, `null` is an error naming the field, and a verb never records a
// fault that does nothing.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError, InvalidArgumentError, Simulation } from '../../src/index.js';
import { thrownBy } from './helpers.js';


const SIMULATION_KEYS = ['network', 'logLimit', 'onLog'] as const;
const ADD_NODE_KEYS = ['clock', 'region', 'mailboxLimit', 'service'] as const;

describe('null is never "absent"', () => {
  it.each(SIMULATION_KEYS)('new Simulation({ %s: null }) names the option', (key) => {
    const error = thrownBy(() => new Simulation({ seed: 1, [key]: null } as never));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe(key);
    expect((error as InvalidArgumentError).message).toContain('got null');
  });

  it.each(ADD_NODE_KEYS)('addNode(id, behaviour, { %s: null }) names the option', (key) => {
    const sim = new Simulation({ seed: 1 });
    const error = thrownBy(() => sim.addNode('a', () => ({}), { [key]: null } as never));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe(`options of node 'a'.${key}`);
    expect(sim.nodeIds()).toEqual([]);
  });

  it('durable state may be null: it is the user’s data, not an option', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}), { durable: null });
    expect(sim.node('a').durable).toBeNull();
  });

  it('undefined is absent: the defaults apply', () => {
    const sim = new Simulation({ seed: 1, network: undefined, logLimit: undefined, onLog: undefined });
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.log('up') }), { clock: undefined, region: undefined, mailboxLimit: undefined, service: undefined });
    sim.run();
    expect(sim.logs().map((entry) => entry.message)).toEqual(['up']);
  });

  test.prop([fc.subarray([...ADD_NODE_KEYS], { minLength: 1 }), fc.subarray([...SIMULATION_KEYS])], { numRuns: 60 })(
    'any mix of null options is refused with a typed error, and leaves no node behind',
    (nullNodeKeys, nullSimulationKeys) => {
      let sim: Simulation;
      try {
        sim = new Simulation({ seed: 1, ...Object.fromEntries(nullSimulationKeys.map((key) => [key, null])) } as never);
      } catch (error) {
        expect(nullSimulationKeys.length).toBeGreaterThan(0);
        expect(error).toBeInstanceOf(FaultlineError);
        return;
      }
      expect(nullSimulationKeys).toEqual([]);
      const error = thrownBy(() => sim.addNode('a', () => ({}), Object.fromEntries(nullNodeKeys.map((key) => [key, null])) as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(sim.nodeIds()).toEqual([]);
    },
  );
});

describe('incident verbs', () => {
  it('slow without a factor is refused instead of recording a fault that changes nothing', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}));
    sim.addNode('b', () => ({}));
    const error = thrownBy(() => (sim.slow as (from: string, to: string) => void)('a', 'b'));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe("slow('a', 'b').params.model.latencyFactor");
    expect(sim.faultLog).toEqual([]);
    expect(sim.activeFaults()).toEqual([]);
  });

  it('slow with a factor lays a latency factor over the link until heal', () => {
    const sim = new Simulation({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 2 } } } });
    sim.addNode('a', () => ({}));
    sim.addNode('b', () => ({}));
    sim.slow('a', 'b', 10);
    expect(sim.activeFaults()).toHaveLength(1);
    expect(sim.faultLog[0]!.fault.params).toEqual({ links: [['a', 'b']], model: { latencyFactor: 10 } });
    expect(sim.heal()).toBe(1);
    expect(sim.activeFaults()).toEqual([]);
  });
});

describe('durable state of absurd depth', () => {
  function nested(depth: number): unknown {
    let value: unknown = 0;
    for (let level = 0; level < depth; level++) value = { inner: value };
    return value;
  }

  it('is refused with a typed error naming the field, not a stack overflow from freezing it', () => {
    const sim = new Simulation({ seed: 1 });
    const error = thrownBy(() => sim.addNode('a', () => ({}), { durable: nested(5_000) }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toContain("options of node 'a'.durable");
    expect(sim.nodeIds()).toEqual([]);
  });

  it('is accepted and frozen up to the limit', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}), { durable: nested(900) });
    expect(Object.isFrozen(sim.node('a').durable)).toBe(true);
  });
});

describe('faults at the end of simulated time', () => {
  it('a fault that would end past the last instant is refused when injected, not when it starts', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}));
    sim.addNode('b', () => ({}));
    const error = thrownBy(() => sim.inject([{ kind: 'isolate', target: 'a', atMs: 1, durationMs: Number.MAX_SAFE_INTEGER }]));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe('schedule[0].durationMs');
    expect(thrownBy(() => sim.inject([{ kind: 'crash', target: 'a', atMs: 2 ** 60 }]))).toBeInstanceOf(InvalidArgumentError);
    expect(thrownBy(() => sim.livenessPhase(2 ** 60))).toBeInstanceOf(InvalidArgumentError);
    sim.inject([{ kind: 'isolate', target: 'a', atMs: 1, durationMs: Number.MAX_SAFE_INTEGER - 1 }]);
    sim.run({ until: 10 });
    expect(sim.activeFaults()).toHaveLength(1);
  });
});

describe('error messages stay small whatever the value', () => {
  it('an unknown key holding 50 MB is named quickly, with a preview of its value', () => {
    const huge = 'x'.repeat(50_000_000);
    const error = thrownBy(() => new Simulation({ seed: 1, typo: huge } as never)) as InvalidArgumentError;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.field).toBe('typo');
    expect(error.message.length).toBeLessThan(500);
    expect(error.message).toContain('50000000 characters');
  });

  it('a huge object value is previewed by its first keys', () => {
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, index) => [`key${index}`, index]));
    const error = thrownBy(() => new Simulation({ seed: 1, typo: wide } as never)) as InvalidArgumentError;
    expect(error.message.length).toBeLessThan(500);
    expect(error.message).toContain('"key0"');
  });
});
