// Equivocation derived from the message itself (a named field flipped, or a user function), and
// custom adversaries told which node they act for and the fault's params. Node z is the liar;
// the others are honest recorders.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equivocation, FaultlineError, InvalidArgumentError, Simulation, type Adversary, type AdversaryContext, type Fault } from '../../src/index.js';
import { variantOf } from '../../src/faults/models/equivocation.js';
import { cluster, thrownBy, type Probe } from './fixtures.js';

type Ballot = { seq: number; ballot: number; vote: string; ready: boolean };
const BALLOT: Ballot = { seq: 1, ballot: 7, vote: 'yes', ready: true };

/** z (placed among `ids`) sends `message` to every other node once at 5 ms, under `params` from 0 to 100 ms. */
function equivocating(params: Record<string, unknown>, options: { ids?: string[]; message?: unknown; register?: (sim: Simulation) => void } = {}): { sim: Simulation; probes: Record<string, Probe> } {
  const ids = options.ids ?? ['a', 'b', 'c', 'z'];
  const { sim, probes } = cluster<unknown>(ids);
  options.register?.(sim);
  sim.inject([{ kind: 'byzantine', atMs: 0, durationMs: 100, target: 'z', params }]);
  const message = 'message' in options ? options.message : BALLOT;
  sim.schedule(5, () => {
    for (const to of ids) if (to !== 'z') probes.z!.ctx.send(to, message);
  });
  sim.run();
  return { sim, probes };
}

/** What each honest node received, by node id. */
function heard(probes: Record<string, Probe>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(probes).filter(([id]) => id !== 'z').map(([id, probe]) => [id, probe.arrivals.map((arrival) => arrival.message)]));
}

describe('equivocate with a field and no values: variants derived from the message', () => {
  it('a number: each peer gets the value plus its rank, the liar not counted wherever it stands', () => {
    const { probes } = equivocating({ behaviour: 'equivocate', field: 'ballot' }, { ids: ['a', 'z', 'b', 'c'] });
    expect(heard(probes)).toEqual({
      a: [{ ...BALLOT, ballot: 7 }],
      b: [{ ...BALLOT, ballot: 8 }],
      c: [{ ...BALLOT, ballot: 9 }],
    });
  });

  it('a string: the first peer gets it as sent, each other a distinct variant; other fields untouched', () => {
    const { probes } = equivocating({ behaviour: 'equivocate', field: 'vote' });
    expect(heard(probes)).toEqual({ a: [BALLOT], b: [{ ...BALLOT, vote: 'yes#1' }], c: [{ ...BALLOT, vote: 'yes#2' }] });
  });

  it('a boolean: peers are told the value and its negation in turn', () => {
    const { probes } = equivocating({ behaviour: 'equivocate', field: 'ready' });
    expect(Object.values(heard(probes)).map((messages) => (messages[0] as Ballot).ready)).toEqual([true, false, true]);
  });

  it('messages that are not objects, or lack the field, or hold it as another type pass unchanged', () => {
    for (const message of ['plain', 42, null, [1, 2], { seq: 1 }, { ballot: { n: 1 } }, { ballot: null }]) {
      const { probes } = equivocating({ behaviour: 'equivocate', field: 'ballot' }, { message });
      expect(Object.values(heard(probes))).toEqual([[message], [message], [message]]);
    }
  });

  it('variants are distinct for every rank, for any number, string or index, and variant 0 is the value', () => {
    const ranks = Array.from({ length: 50 }, (_, index) => index);
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.string()), (value) => {
        const variants = ranks.map((index) => variantOf(value, index));
        expect(Object.is(variants[0], value)).toBe(true);
        expect(new Set(variants.map((variant) => (Number.isNaN(variant) ? 'NaN' : variant))).size).toBe(ranks.length);
      }),
      { numRuns: 500, seed: 21 },
    );
  });

  it('listed values still go by node order, the liar included (unchanged)', () => {
    const { probes } = equivocating({ behaviour: 'equivocate', field: 'vote', values: ['yes', 'no'] }, { ids: ['a', 'z', 'b', 'c'] });
    expect(Object.values(heard(probes)).map((messages) => (messages[0] as Ballot).vote)).toEqual(['yes', 'yes', 'no']); // a=0, b=2, c=3
  });
});

describe('equivocate with derive: a user function of the message and the peer', () => {
  it('is called with (message, peer, rank, context) for each peer, and what it returns is delivered', () => {
    const calls: Array<[unknown, string, number, string, unknown]> = [];
    const { probes } = equivocating(
      { behaviour: 'equivocate', derive: 'split', options: { step: 10 } },
      {
        register: (sim) =>
          sim.registerAdversary(
            'split',
            equivocation((message, peer, index, context) => {
              calls.push([message, peer, index, context.node, context.params['options']]);
              return { ...(message as Ballot), ballot: (message as Ballot).ballot + index * (context.params['options'] as { step: number }).step, vote: `to ${peer}` };
            }),
          ),
      },
    );
    expect(calls).toEqual([
      [BALLOT, 'a', 0, 'z', { step: 10 }],
      [BALLOT, 'b', 1, 'z', { step: 10 }],
      [BALLOT, 'c', 2, 'z', { step: 10 }],
    ]);
    expect(heard(probes)).toEqual({
      a: [{ ...BALLOT, ballot: 7, vote: 'to a' }],
      b: [{ ...BALLOT, ballot: 17, vote: 'to b' }],
      c: [{ ...BALLOT, ballot: 27, vote: 'to c' }],
    });
  });

  it('the fault stays plain data: its JSON replays to the same trace hash once the function is registered again', () => {
    const schedule: Fault[] = [{ kind: 'byzantine', atMs: 0, durationMs: 100, target: 'z', params: { behaviour: 'equivocate', derive: 'noise' } }];
    const run = (faults: Fault[], register: boolean): string => {
      const { sim, probes } = cluster<unknown>(['a', 'b', 'z']);
      if (register) sim.registerAdversary('noise', equivocation((message, _peer, _index, { rng }) => ({ ...(message as Ballot), ballot: rng.int(0, 1_000) })));
      sim.inject(faults);
      for (let seq = 0; seq < 10; seq++) sim.schedule(5 + seq, () => probes.z!.ctx.broadcast({ ...BALLOT, seq }));
      sim.run();
      return sim.traceHash();
    };
    const replayed = JSON.parse(JSON.stringify(schedule)) as Fault[];
    expect(run(replayed, true)).toBe(run(schedule, true));
    const error = thrownBy(() => run(replayed, false));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe('schedule[0].params.derive');
  });

  it('a function itself in params is refused at inject: faults are plain data', () => {
    const { sim } = cluster(['a', 'z']);
    const error = thrownBy(() => sim.inject([{ kind: 'byzantine', atMs: 0, target: 'z', params: { behaviour: 'equivocate', derive: () => 1 } }]));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe('schedule[0].params.derive');
  });

  it('a message the liar sends itself is not rewritten', () => {
    const { sim, probes } = cluster<unknown>(['a', 'z']);
    sim.registerAdversary('lie', equivocation(() => 'lie'));
    sim.inject([{ kind: 'byzantine', atMs: 0, target: 'z', params: { behaviour: 'equivocate', derive: 'lie' } }]);
    sim.schedule(1, () => {
      probes.z!.ctx.send('z', 'truth');
      probes.z!.ctx.send('a', 'truth');
    });
    sim.run();
    expect([probes.z!.arrivals[0]?.message, probes.a!.arrivals[0]?.message]).toEqual(['truth', 'lie']);
  });
});

describe('custom adversaries are told whom they act for', () => {
  it('gets the node id, the fault params (options included) and the peer rank; its output is delivered', () => {
    const seen: AdversaryContext[] = [];
    const usurper: Adversary = (message, to, rng, context) => {
      seen.push(context);
      expect(context.rng).toBe(rng);
      return [{ to, message: { ...(message as Ballot), vote: `${context.node} leads` } }];
    };
    const params = { behaviour: 'custom', adversary: 'usurper', options: { rate: 0.5, why: ['test'] } };
    const { probes } = equivocating(params, { ids: ['z', 'a', 'b', 'c'], register: (sim) => sim.registerAdversary('usurper', usurper) });
    expect(seen.map(({ node, params: given, peerIndex }) => ({ node, params: given, peerIndex }))).toEqual([0, 1, 2].map((peerIndex) => ({ node: 'z', params, peerIndex })));
    expect(Object.isFrozen(seen[0]!.params)).toBe(true);
    expect(Object.values(heard(probes)).map((messages) => (messages[0] as Ballot).vote)).toEqual(['z leads', 'z leads', 'z leads']);
  });

  it('an adversary written for three arguments still works', () => {
    const { probes } = equivocating({ behaviour: 'custom', adversary: 'old' }, { register: (sim) => sim.registerAdversary('old', (message, to) => [{ to, message: [message] }]) });
    expect(heard(probes)['a']).toEqual([[BALLOT]]);
  });
});

describe('determinism', () => {
  const forms: Array<[string, Record<string, unknown>]> = [
    ['field flip', { behaviour: 'equivocate', field: 'ballot' }],
    ['derive', { behaviour: 'equivocate', derive: 'noisy', options: { spread: 5 } }],
    ['custom', { behaviour: 'custom', adversary: 'coin' }],
  ];
  const run = (params: Record<string, unknown>): string => {
    const { sim, probes } = cluster<unknown>(['a', 'b', 'c', 'z'], { seed: 9 });
    sim.registerAdversary('noisy', equivocation((message, _peer, index, { rng, params: given }) => ({ ...(message as Ballot), ballot: index + rng.int(0, (given['options'] as { spread: number }).spread) })));
    sim.registerAdversary('coin', (message, to, rng, { node }) => (rng.bernoulli(0.5) ? [{ to, message }] : [{ to, message, from: node }, { to, message }]));
    sim.inject([{ kind: 'byzantine', atMs: 0, durationMs: 500, target: 'z', params }]);
    for (let seq = 0; seq < 40; seq++) sim.schedule(3 + seq * 10, () => probes.z!.ctx.broadcast({ ...BALLOT, seq }));
    sim.run();
    return sim.traceHash();
  };
  it.each(forms)('%s: two runs from one seed have one trace hash', (_name, params) => {
    expect(run(params)).toBe(run(params));
  });
  it('the forms differ from one another (the hash sees what was sent)', () => {
    expect(new Set(forms.map(([, params]) => run(params))).size).toBe(forms.length);
  });
});

describe('bad equivocate params are typed errors at inject', () => {
  const registered = (): Simulation => cluster(['a', 'b', 'z']).sim;
  const withAdversaries = (sim: Simulation): Simulation => {
    sim.registerAdversary('eq', equivocation((message) => message));
    sim.registerAdversary('plain', (message, to) => [{ to, message }]);
    return sim;
  };
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no field and no derive', { behaviour: 'equivocate' }, 'field'],
    ['an empty field', { behaviour: 'equivocate', field: '' }, 'field'],
    ['values without a field', { behaviour: 'equivocate', values: [1, 2] }, 'field'],
    ['a single value', { behaviour: 'equivocate', field: 'v', values: ['x'] }, 'values'],
    ['derive and field', { behaviour: 'equivocate', derive: 'eq', field: 'v' }, 'field'],
    ['derive and values', { behaviour: 'equivocate', derive: 'eq', values: [1, 2] }, 'values'],
    ['derive naming nothing registered', { behaviour: 'equivocate', derive: 'ghost' }, 'derive'],
    ['derive naming a plain adversary', { behaviour: 'equivocate', derive: 'plain' }, 'derive'],
    ['options on the field form', { behaviour: 'equivocate', field: 'v', options: { x: 1 } }, 'options'],
    ['options on corrupt', { behaviour: 'corrupt', options: {} }, 'options'],
  ];
  it.each(cases)('%s', (_name, params, key) => {
    const error = thrownBy(() => withAdversaries(registered()).inject([{ kind: 'byzantine', atMs: 0, target: 'z', params }]));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe(`schedule[0].params.${key}`);
  });

  it('equivocation() refuses what is not a function', () => {
    expect(() => equivocation('nope' as never)).toThrow(InvalidArgumentError);
  });

  it('generated equivocate params are accepted or refused with an InvalidArgumentError naming a param, never anything else', () => {
    const anything = fc.oneof(fc.string(), fc.integer(), fc.constant(''), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }), fc.constantFrom('eq', 'plain', 'ghost'), fc.constant(undefined));
    const params = fc.record(
      { behaviour: fc.constantFrom('equivocate', 'custom', 'corrupt'), field: anything, values: anything, derive: anything, adversary: anything, options: anything },
      { requiredKeys: ['behaviour'] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(params, (drawn) => {
        const { sim, probes } = cluster<unknown>(['a', 'b', 'z']);
        withAdversaries(sim);
        try {
          sim.inject([{ kind: 'byzantine', atMs: 0, durationMs: 10, target: 'z', params: drawn }]);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidArgumentError);
          expect((error as InvalidArgumentError).field).toMatch(/^schedule\[0\]\.params\./);
          return;
        }
        accepted++;
        sim.schedule(1, () => probes.z!.ctx.broadcast({ v: 1 }));
        expect(() => sim.run()).not.toThrow();
      }),
      { numRuns: 400, seed: 2_100 },
    );
    expect(accepted).toBeGreaterThan(5);
  });

  it('errors name the fault and are FaultlineErrors', () => {
    const error = thrownBy(() => withAdversaries(registered()).inject([{ kind: 'byzantine', atMs: 0, target: 'z', params: { behaviour: 'equivocate', field: 7 } }]));
    expect(error).toBeInstanceOf(FaultlineError);
    expect((error as Error).message).toContain('schedule[0].params.field');
  });
});
