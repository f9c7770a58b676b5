import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError, parseJsonLines, toJsonLines } from '../../../src/index.js';
import { runMesh } from './scenario.js';

describe('JSON Lines', () => {
  it('round-trips the event log: export, parse, equal', async () => {
    const logs = (await runMesh(5)).logs();
    expect(logs.map((entry) => entry.level)).toEqual(expect.arrayContaining(['debug', 'info', 'warn', 'error']));
    const text = toJsonLines(logs);
    expect(text.split('\n')).toHaveLength(logs.length + 1);
    expect(parseJsonLines(text)).toEqual(logs);
  });

  it('round-trips the trace records (RPC envelopes read back as their plain fields)', async () => {
    const records = (await runMesh(5)).trace!.records();
    expect(parseJsonLines(toJsonLines(records))).toEqual(JSON.parse(JSON.stringify(records)));
    const plain = records.filter((record) => typeof record.message !== 'object');
    // Records without an envelope read back equal (fields explicitly undefined, such as a callback's node, read back absent).
    expect(plain.length).toBeGreaterThan(10);
    expect(parseJsonLines(toJsonLines(plain))).toEqual(plain);
  });

  it('round-trips the fault log', async () => {
    const faults = (await runMesh(5)).faultLog;
    expect(faults.length).toBe(4);
    expect(parseJsonLines(toJsonLines(faults))).toEqual(faults);
  });

  it('round-trips recorded spans', async () => {
    const spans = (await runMesh(5)).tracing!.spans();
    expect(parseJsonLines(toJsonLines(spans))).toStrictEqual(spans);
  });

  fcTest.prop([fc.array(fc.dictionary(fc.string(), fc.jsonValue()))])('reads back any JSON objects it wrote', (records) => {
    expect(parseJsonLines(toJsonLines(records))).toEqual(JSON.parse(JSON.stringify(records)));
  });

  it('refuses values JSON would change, naming where they are', () => {
    expect(() => toJsonLines([{ a: { b: Number.NaN } }])).toThrow(/toJsonLines\(records\)\[0\]\.a\.b/);
    expect(() => toJsonLines([{ a: [1, undefined] }])).toThrow(/\.a\[1\]/);
    expect(() => toJsonLines([{ a: 1n }])).toThrow(FaultlineError);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => toJsonLines([cyclic])).toThrow(/cycle/);
    expect(() => toJsonLines([3] as never)).toThrow(/plain object/);
    expect(() => parseJsonLines('{"a":1}\nnot json\n')).toThrow(/line 2/);
    expect(() => parseJsonLines('[1]')).toThrow(/line 1/);
  });
});
