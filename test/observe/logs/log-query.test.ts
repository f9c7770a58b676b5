import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError, queryLogs, Simulation, type LogEntry } from '../../../src/index.js';

function loggedRun(): Simulation {
  const sim = new Simulation({ seed: 2 });
  sim.addNode('web', (ctx) => ({
    onStart() {
      ctx.log('started');
      ctx.setTimer(10, 'tick');
    },
    onTimer() {
      ctx.log.debug('tick', { n: 1 });
      ctx.log.warn('slow request', { path: '/a', latencyMs: 250 });
    },
  }), { clock: { offsetMs: 500 } });
  sim.addNode('db', (ctx) => ({
    onStart() {
      ctx.log.error('disk full', { path: '/var' });
      ctx.log.info('recovered', { path: '/a' });
    },
  }));
  sim.run({ until: 50 });
  return sim;
}

describe('levels and structured fields on ctx.log', () => {
  it('writes each entry with its level, true time, local time, node and fields; plain ctx.log is info', () => {
    expect(loggedRun().logs()).toEqual([
      { timeMs: 0, localTimeMs: 500, node: 'web', level: 'info', message: 'started' },
      { timeMs: 0, localTimeMs: 0, node: 'db', level: 'error', message: 'disk full', fields: { path: '/var' } },
      { timeMs: 0, localTimeMs: 0, node: 'db', level: 'info', message: 'recovered', fields: { path: '/a' } },
      { timeMs: 10, localTimeMs: 510, node: 'web', level: 'debug', message: 'tick', fields: { n: 1 } },
      { timeMs: 10, localTimeMs: 510, node: 'web', level: 'warn', message: 'slow request', fields: { path: '/a', latencyMs: 250 } },
    ] satisfies LogEntry[]);
  });

  it('answers queries by node, level, minimum level, time range, field and text', () => {
    const sim = loggedRun();
    const messages = (entries: LogEntry[]): string[] => entries.map((entry) => entry.message);
    expect(messages(sim.logs({ node: 'db' }))).toEqual(['disk full', 'recovered']);
    expect(messages(sim.logs({ node: ['db', 'web'], level: 'info' }))).toEqual(['started', 'recovered']);
    expect(messages(sim.logs({ minLevel: 'warn' }))).toEqual(['disk full', 'slow request']);
    expect(messages(sim.logs({ fromMs: 5, toMs: 20 }))).toEqual(['tick', 'slow request']);
    expect(messages(sim.logs({ toMs: 10 }))).toEqual(['started', 'disk full', 'recovered']);
    expect(messages(sim.logs({ fields: { path: '/a' } }))).toEqual(['recovered', 'slow request']);
    expect(messages(sim.logs({ fields: { path: '/a', latencyMs: 250 }, node: 'web' }))).toEqual(['slow request']);
    expect(messages(sim.logs({ messageIncludes: 'disk' }))).toEqual(['disk full']);
    expect(queryLogs(sim.logs(), { minLevel: 'error' })).toEqual(sim.logs({ level: 'error' }));
  });

  it('rejects a range that ends before it starts, an unknown level and unknown keys', () => {
    const sim = loggedRun();
    expect(() => sim.logs({ fromMs: 10, toMs: 5 })).toThrow(/toMs/);
    expect(() => sim.logs({ level: 'fatal' as never })).toThrow(/level/);
    expect(() => sim.logs({ nodes: 'db' } as never)).toThrow(/nodes/);
    expect(() => sim.logs({ node: [1] as never })).toThrow(/node\[0\]/);
  });

  fcTest.prop([fc.dictionary(fc.constantFrom('node', 'level', 'minLevel', 'fromMs', 'toMs', 'fields', 'messageIncludes', 'other'), fc.anything())])(
    'either answers a query or refuses it with a typed error',
    (query) => {
      const sim = loggedRun();
      try {
        const entries = sim.logs(query as never);
        expect(entries.length).toBeLessThanOrEqual(5);
      } catch (error) {
        expect(error).toBeInstanceOf(FaultlineError);
      }
    },
  );
});
