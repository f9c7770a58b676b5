import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError, toChromeTrace, type ChromeTraceEvent, type Simulation } from '../../../src/index.js';
import { runMesh } from './scenario.js';
import { traceEventFormatViolations } from './trace-event-format.js';

function chromeTraceOf(sim: Simulation): ReturnType<typeof toChromeTrace> {
  return toChromeTrace({ nodes: sim.nodeIds(), trace: sim.trace!.records(), faults: sim.faultLog, spans: sim.tracing!.spans(), endMs: sim.now });
}

describe('the Chrome / Perfetto trace export', () => {
  it('follows the Trace Event Format: fields per phase, nested slices, one start and one end per flow, bound to slices', async () => {
    const trace = JSON.parse(JSON.stringify(chromeTraceOf(await runMesh(5)))) as unknown;
    expect(traceEventFormatViolations(trace)).toEqual([]);
  });

  it('has a track per node, each fault as a slice, each message as an arrow and each span as a slice', async () => {
    const sim = await runMesh(5);
    const events = chromeTraceOf(sim).traceEvents;
    const processNames = events.filter((event) => event.name === 'process_name').map((event) => event.args!['name']);
    expect(processNames).toEqual(['faults', 'client', 'api', 'db']);
    const faults = events.filter((event) => event.cat === 'fault');
    expect(faults.map((event) => [event.name, event.ts, event.dur])).toEqual([
      ['crash db', 100_000, 60_000],
      ['partition', 220_000, 40_000],
    ]);
    const records = sim.trace!.records();
    // An arrow per message that arrived or was dropped (those still in flight at the end have none).
    const sent = new Set(records.filter((record) => record.type === 'send').map((record) => record.messageId));
    const settled = new Set(records.filter((record) => (record.type === 'deliver' || record.type === 'drop') && sent.has(record.messageId)).map((record) => record.messageId));
    expect(events.filter((event) => event.ph === 's')).toHaveLength(settled.size);
    expect(settled.size).toBeGreaterThan(sent.size - 5);
    const spans = events.filter((event) => event.cat === 'span' && event.ph === 'X');
    expect(spans.map((event) => event.args!['spanId'])).toEqual(sim.tracing!.spans().map((span) => span.spanId));
    const dbPid = processNames.indexOf('db');
    const nodeDownArrivals = events.filter((event) => event.ph === 'X' && event.name === 'drop (node-down)' && event.pid === dbPid);
    expect(nodeDownArrivals.length).toBeGreaterThan(0);
  });

  it('gives the same events when the run is repeated', async () => {
    expect(chromeTraceOf(await runMesh(5))).toEqual(chromeTraceOf(await runMesh(5)));
  });

  it('the checker catches a broken trace (a flow without its end, a slice with no dur, overlapping slices)', () => {
    const base: ChromeTraceEvent[] = [
      { name: 'a', cat: 'message', ph: 'X', ts: 0, dur: 10, pid: 1, tid: 1 },
      { name: 'm', cat: 'message', ph: 's', id: 1, ts: 0, pid: 1, tid: 1 },
    ];
    expect(traceEventFormatViolations({ traceEvents: base })).toEqual(['flow message:1: 1 starts and 0 ends (needs one of each)']);
    expect(traceEventFormatViolations({ traceEvents: [{ name: 'x', ph: 'X', ts: 0, pid: 1, tid: 1 }] })).toEqual(['event 0 (X x): a complete event needs dur >= 0']);
    const overlapping = [base[0]!, { name: 'b', cat: 'm', ph: 'X', ts: 5, dur: 10, pid: 1, tid: 1 }];
    expect(traceEventFormatViolations({ traceEvents: overlapping })).toHaveLength(1);
  });

  fcTest.prop([fc.anything()])('rejects input that is not { nodes, trace?, faults?, spans?, endMs? } with a typed error', (input) => {
    fc.pre(!(typeof input === 'object' && input !== null && Array.isArray((input as { nodes?: unknown }).nodes)));
    expect(() => toChromeTrace(input as never)).toThrow(FaultlineError);
  });

  it('rejects unknown keys, duplicate nodes and a non-finite end', () => {
    expect(() => toChromeTrace({ nodes: [], colour: 'red' } as never)).toThrow(/colour/);
    expect(() => toChromeTrace({ nodes: ['a', 'a'] })).toThrow(/distinct/);
    expect(() => toChromeTrace({ nodes: ['a'], endMs: Number.NaN })).toThrow(/endMs/);
  });
});
