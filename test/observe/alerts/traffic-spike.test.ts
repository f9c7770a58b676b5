import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { FaultlineError, InvalidArgumentError } from '../../../src/errors.js';
import { Simulation } from '../../../src/simulation.js';
import { watchWorld } from '../../../src/observe/metrics/world-metrics.js';
import { AlertManager, type AlertEvent, type AlertState } from '../../../src/observe/alerts/alert-manager.js';
import { scoreAlerts } from '../../../src/observe/alerts/alert-score.js';
import type { FaultLogEntry } from '../../../src/faults/fault.js';

/** An api serving 100 msg/s, clients sending 20/s, and a spike of 300/s from 5 s to 8 s. */
function spikeRun(): { sim: Simulation; alerts: AlertManager; states: Array<[number, AlertState]> } {
  const sim = new Simulation({ seed: 7 });
  watchWorld(sim);
  sim.addNode('api', () => ({}), { service: { messagesPerSec: 100, inboxLimit: 10_000 } });
  sim.addNode('clients', (ctx) => ({
    onStart() { ctx.setTimer(50, 'send'); },
    onTimer() { ctx.send('api', 'request'); ctx.setTimer(50, 'send'); },
  }));
  sim.inject([{ kind: 'traffic-spike', atMs: 5_000, durationMs: 3_000, target: 'api', params: { from: 'clients', ratePerSec: 300, message: 'request' } }]);
  const alerts = new AlertManager(sim.metrics);
  alerts.add({ name: 'ApiBacklog', metric: 'faultline_inbox_length', labels: { node: 'api' }, above: 20, forMs: 1_000 });
  const states: Array<[number, AlertState]> = [];
  sim.metrics.onSample((timeMs) => states.push([timeMs, alerts.stateOf('ApiBacklog')]));
  sim.run({ until: 30_000 });
  return { sim, alerts, states };
}

describe('an alert through a traffic spike', () => {
  it('goes pending, fires forMs later, and resolves once the backlog drains', () => {
    const { sim, alerts, states } = spikeRun();
    const events = alerts.events;
    expect(events.map((event) => event.state)).toEqual(['firing', 'resolved']);
    const [firing, resolved] = events as [AlertEvent, AlertEvent];
    expect(firing.timeMs).toBeGreaterThan(5_000);
    expect(firing.timeMs - firing.sinceMs).toBeGreaterThanOrEqual(1_000);
    expect(resolved.timeMs).toBeGreaterThan(8_000);
    expect(resolved.sinceMs).toBe(firing.timeMs);
    // Prometheus's states in order: inactive, pending from sinceMs, firing, inactive again.
    const stateAt = (timeMs: number): AlertState | undefined => states.find(([time]) => time === timeMs)?.[1];
    expect(stateAt(firing.sinceMs - 1_000)).toBe('inactive');
    expect(stateAt(firing.sinceMs)).toBe('pending');
    expect(stateAt(firing.timeMs)).toBe('firing');
    expect(stateAt(resolved.timeMs)).toBe('inactive');
    const score = scoreAlerts(events, sim.faultLog, { untilMs: sim.now, graceMs: 15_000 });
    expect(score.detected).toBe(1);
    expect(score.missed).toBe(0);
    expect(score.falseAlerts).toEqual([]);
    expect(score.incidents[0]!.timeToFireMs).toBe(firing.timeMs - 5_000);
  });

  it('is deterministic: the same events twice', () => {
    expect(spikeRun().alerts.events).toEqual(spikeRun().alerts.events);
  });

  it('still measures a rate on a long run whose series were thinned', () => {
    const sim = new Simulation({ seed: 1 });
    sim.metrics.configure({ intervalMs: 100, maxSamplesPerSeries: 4 });
    const served = sim.metrics.counter('served_total');
    sim.addNode('a', (ctx) => ({ onStart() { ctx.setTimer(10, 't'); }, onTimer() { served.inc(); ctx.setTimer(10, 't'); } }));
    const alerts = new AlertManager(sim.metrics);
    alerts.add({ name: 'Busy', metric: 'served_total', measure: 'rate', above: 50, forMs: 0 });
    sim.run({ until: 20_000 });
    expect(sim.metrics.series('served_total')!.resolution).toBeGreaterThan(8);
    expect(alerts.firing()).toEqual(['Busy']);
  });

  it('keeps at most maxEvents events and counts the rest', () => {
    const sim = new Simulation({ seed: 1 });
    const gauge = sim.metrics.gauge('flap');
    sim.addNode('a', (ctx) => ({ onStart() { ctx.setTimer(500, 't'); }, onTimer() { gauge.set(gauge.get() === 0 ? 1 : 0); ctx.setTimer(1_000, 't'); } }));
    const alerts = new AlertManager(sim.metrics, { maxEvents: 3 });
    alerts.add({ name: 'Up', metric: 'flap', above: 0.5, forMs: 0 });
    sim.run({ until: 20_000 });
    expect(alerts.events.length).toBe(3);
    expect(alerts.discardedEvents).toBeGreaterThan(10);
  });
});

const entry = (timeMs: number, phase: 'apply' | 'revert', faultId: number, kind = 'traffic-spike'): FaultLogEntry => ({ timeMs, phase, faultId, fault: { kind, atMs: 0, target: 'api' } as FaultLogEntry['fault'] });
const event = (rule: string, state: 'firing' | 'resolved', timeMs: number): AlertEvent => ({ rule, state, timeMs, value: 1, sinceMs: timeMs });

describe('scoreAlerts on hand-made cases', () => {
  it('counts time to fire, misses and false alerts', () => {
    const log = [entry(1_000, 'apply', 1), entry(3_000, 'revert', 1), entry(10_000, 'apply', 2), entry(12_000, 'revert', 2)];
    const events = [event('A', 'firing', 1_500), event('A', 'resolved', 4_000), event('A', 'firing', 6_000), event('A', 'resolved', 6_500)];
    const score = scoreAlerts(events, log, { untilMs: 20_000, graceMs: 1_000 });
    expect(score.incidents.map((incident) => incident.timeToFireMs)).toEqual([500, undefined]);
    expect(score.detected).toBe(1);
    expect(score.missed).toBe(1);
    expect(score.falseAlerts).toEqual([events[2]]);
    expect(score.meanTimeToFireMs).toBe(500);
    expect(score.maxTimeToFireMs).toBe(500);
  });

  it('lets an alert firing within graceMs of the end count, and an open fault last until untilMs', () => {
    const log = [entry(1_000, 'apply', 1), entry(2_000, 'revert', 1), entry(5_000, 'apply', 2)];
    const events = [event('A', 'firing', 2_800), event('A', 'resolved', 3_000), event('B', 'firing', 9_000)];
    const score = scoreAlerts(events, log, { untilMs: 10_000, graceMs: 1_000 });
    expect(score.incidents.map((incident) => [incident.firstAlert, incident.timeToFireMs])).toEqual([['A', 1_800], ['B', 4_000]]);
    expect(score.falseAlerts).toEqual([]);
    expect(scoreAlerts(events, log, { untilMs: 10_000, graceMs: 500 }).falseAlerts).toEqual([events[0]]);
    expect(scoreAlerts(events, log, { untilMs: 10_000, rules: ['B'], faultKinds: ['crash'] }).incidents).toEqual([]);
  });

  it('rejects inputs of the wrong shape with typed errors naming the field', () => {
    const log = [entry(1_000, 'apply', 1)];
    expect(() => scoreAlerts('x' as never, log, { untilMs: 1 })).toThrow(InvalidArgumentError);
    expect(() => scoreAlerts([], { length: 1 } as never, { untilMs: 1 })).toThrow(/fault log/);
    expect(() => scoreAlerts([{ rule: 'A', state: 'on', timeMs: 1 }] as never, log, { untilMs: 1 })).toThrow(/alert events\[0\]\.state/);
    expect(() => scoreAlerts([event('A', 'firing', 5), event('A', 'resolved', 1)], log, { untilMs: 9 })).toThrow(/alert events\[1\]\.timeMs/);
    expect(() => scoreAlerts([], [{ timeMs: 1, phase: 'apply', faultId: 1 }] as never, { untilMs: 1 })).toThrow(/fault log\[0\]\.fault/);
    expect(() => scoreAlerts([], log, { untilMs: 1, rules: 'A' } as never)).toThrow(/rules/);
    expect(() => scoreAlerts([], log, { untilMs: 1, graceMs: -1 })).toThrow(/graceMs/);
    expect(() => scoreAlerts([], log, { untilMs: 1, typo: 1 } as never)).toThrow(/typo/);
  });
});

describe('alert rules: bad input', () => {
  const manager = (): AlertManager => {
    const sim = new Simulation({ seed: 1 });
    sim.metrics.gauge('depth', { labelNames: ['node'] });
    sim.metrics.counter('served_total');
    return new AlertManager(sim.metrics);
  };

  it('names the field of each mistake', () => {
    const alerts = manager();
    expect(() => alerts.add({ name: 'X', metric: 'nope', above: 1, forMs: 0 })).toThrow(/alert rule 0\.metric/);
    expect(() => alerts.add({ name: 'X', metric: 'depth', labels: { host: 'a' }, above: 1, forMs: 0 })).toThrow(/alert rule 0\.labels\.host/);
    expect(() => alerts.add({ name: 'X', metric: 'depth', measure: 'rate', above: 1, forMs: 0 })).toThrow(/measure/);
    expect(() => alerts.add({ name: 'X', metric: 'served_total', measure: 'rate', windowMs: 10, above: 1, forMs: 0 })).toThrow(/windowMs/);
    expect(() => alerts.add({ name: 'X', metric: 'depth', above: 1, below: 2, forMs: 0 })).toThrow(/above/);
    expect(() => alerts.add({ name: 'X', metric: 'depth', above: 1, forMs: -1 })).toThrow(/forMs/);
    alerts.add({ name: 'X', metric: 'depth', above: 1, forMs: 0 });
    expect(() => alerts.add({ name: 'X', metric: 'depth', above: 2, forMs: 0 })).toThrow(/alert rule 1\.name/);
    expect(() => new AlertManager(new Simulation({ seed: 1 }).metrics, { maxEvents: 0 })).toThrow(/maxEvents/);
  });

  fcTest.prop([fc.anything(), fc.anything(), fc.anything(), fc.anything()])('answers any malformed rule with a typed error, never another kind', (measure, forMs, windowMs, labels) => {
    const alerts = manager();
    try {
      alerts.add({ name: 'R', metric: 'served_total', measure, forMs, windowMs, labels, above: 1 } as never);
    } catch (error) {
      expect(error).toBeInstanceOf(FaultlineError);
    }
  });

  fcTest.prop([fc.anything()])('answers any malformed rule object with a typed error', (rule) => {
    try {
      manager().add(rule as never);
    } catch (error) {
      expect(error).toBeInstanceOf(FaultlineError);
    }
  });
});
