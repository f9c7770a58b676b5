import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Simulation, spaceTimeAscii, spaceTimeSvg, type TraceRecord } from '../../src/index.js';
import { expectInvalidArgument } from '../kernel/expect-error.js';
import { NODE_IDS, RUN_FOR_MS, reportScenario } from './scenario.js';

const records = reportScenario().sim.trace!.records();
const count = (text: string, needle: string): number => text.split(needle).length - 1;
const ofType = (type: TraceRecord['type']): TraceRecord[] => records.filter((record) => record.type === type);
const sendTime = new Map(ofType('send').map((record) => [record.messageId, record.timeMs]));

/** Deliveries (or drops) a window shows: those that end in it and were sent before it closed. */
function inWindow(type: 'deliver' | 'drop', fromMs: number, untilMs: number): TraceRecord[] {
  return ofType(type).filter((record) => record.timeMs >= fromMs && sendTime.get(record.messageId)! <= untilMs);
}

describe('the scenario the diagrams draw', () => {
  it('has deliveries, drops for two reasons, a crash, a partition and a pause', () => {
    expect(ofType('deliver').length).toBeGreaterThan(150);
    expect(new Set(ofType('drop').map((record) => record.reason))).toEqual(new Set(['loss', 'node-down', 'link-blocked']));
    expect(ofType('crash').map((record) => record.node)).toEqual(['c']);
    expect(ofType('pause').map((record) => record.node)).toEqual(['b']);
  });
});

describe('spaceTimeSvg', () => {
  const svg = spaceTimeSvg(records, { untilMs: RUN_FOR_MS });

  it('draws one lane per node, in order of first appearance', () => {
    const lanes = [...svg.matchAll(/<text x="8" y="[\d.]+"><title>([^<]+)<\/title>/g)].map((match) => match[1]);
    expect(lanes).toEqual([...NODE_IDS]);
  });

  it('draws an arrow per delivered message and a ✕-marked one per drop, with the reason in its tooltip', () => {
    expect(count(svg, 'class="msg"')).toBe(ofType('deliver').length);
    expect(count(svg, 'class="drop"')).toBe(ofType('drop').length);
    const dropTitles = [...svg.matchAll(/<g class="drop"><title>([^<]+)<\/title>/g)].map((match) => match[1]!);
    expect(dropTitles.filter((title) => title.endsWith('(link-blocked)')).length).toBe(ofType('drop').filter((record) => record.reason === 'link-blocked').length);
    expect(dropTitles.some((title) => title.startsWith('a → c: {&quot;ping&quot;:&quot;a&quot;}') && title.endsWith('(node-down)'))).toBe(true);
  });

  it('counts only the messages of its window', () => {
    const window = spaceTimeSvg(records, { fromMs: 600, untilMs: 800 });
    expect(count(window, 'class="msg"')).toBe(inWindow('deliver', 600, 800).length);
    expect(count(window, 'class="drop"')).toBe(inWindow('drop', 600, 800).length);
    expect(count(window, 'class="msg"')).toBeLessThan(count(svg, 'class="msg"'));
  });

  it('shades the crash, the partition and the pause, and down and paused time', () => {
    for (const kind of ['crash', 'partition', 'pause']) expect(svg).toContain(`class="fault" data-kind="${kind}"`);
    expect(svg).toMatch(/<rect class="down"[^>]*><title>c down 200–500 ms<\/title>/);
    expect(svg).toMatch(/<rect class="paused"[^>]*><title>b paused 850–910 ms<\/title>/);
    expect(svg).toContain('<title>partition {&quot;groups&quot;:[[&quot;a&quot;],[&quot;b&quot;,&quot;c&quot;]]}: 600–800 ms</title>');
    // Outside the partition's window, no partition band.
    expect(spaceTimeSvg(records, { fromMs: 0, untilMs: 500 })).not.toContain('data-kind="partition"');
  });

  it('is deterministic: the same seed draws the same picture, another seed another', () => {
    expect(spaceTimeSvg(reportScenario().sim.trace!.records(), { untilMs: RUN_FOR_MS })).toBe(svg);
    expect(spaceTimeSvg(reportScenario(8).sim.trace!.records(), { untilMs: RUN_FOR_MS })).not.toBe(svg);
  });

  it('caps the arrows at maxMessages and says so in the picture', () => {
    const capped = spaceTimeSvg(records, { maxMessages: 25 });
    expect(count(capped, 'class="msg"') + count(capped, 'class="drop"')).toBe(25);
    expect(capped).toContain(`capped: 25 of ${ofType('deliver').length + ofType('drop').length} messages drawn (maxMessages)`);
    expect(svg).not.toContain('capped:');
  });

  it('spreads a capped drawing through the window rather than drawing only its start', () => {
    const sendTimes = (picture: string) => [...picture.matchAll(/; sent ([0-9.]+) ms/g)].map((match) => Number(match[1]));
    const all = sendTimes(spaceTimeSvg(records, { maxMessages: 100_000 }));
    const capped = sendTimes(spaceTimeSvg(records, { maxMessages: 25 }));
    expect(capped.length).toBeGreaterThan(0);
    // The last arrow drawn is near the end of the run, not the 25th message sent.
    expect(Math.max(...capped)).toBeGreaterThan(0.8 * Math.max(...all));
  });

  it('keeps the dropped messages of a capped drawing first', () => {
    const drops = ofType('drop').length;
    expect(drops).toBeGreaterThan(0);
    const capped = spaceTimeSvg(records, { maxMessages: 2 * drops });
    expect(count(capped, 'class="drop"')).toBe(drops);
    expect(count(capped, 'class="msg"')).toBe(drops);
  });

  it('draws only the lanes asked for, and messages between them', () => {
    const ab = spaceTimeSvg(records, { nodes: ['a', 'b'] });
    const between = (record: TraceRecord): boolean => ['a', 'b'].includes(record.from!) && ['a', 'b'].includes(record.to!);
    expect(count(ab, 'class="msg"')).toBe(ofType('deliver').filter(between).length);
    expect(ab).not.toContain('data-kind="crash"');
  });

  it('escapes node ids and messages', () => {
    const sim = new Simulation({ seed: 1, trace: true });
    sim.addNode('<script>x</script>', (ctx) => ({ onStart: () => ctx.send('b&c', '</svg><img src=x onerror=alert(1)>') }));
    sim.addNode('b&c', () => ({}));
    sim.run();
    const hostile = spaceTimeSvg(sim.trace!.records(), { title: '<b>"title"</b>' });
    expect(hostile).not.toMatch(/<script|<img|<b>/);
    expect(hostile).toContain('&lt;script&gt;x&lt;/script&gt; → b&amp;c: &lt;/svg&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(count(hostile, '</svg>')).toBe(1);
  });

  it('draws an empty trace as empty lanes', () => {
    const empty = spaceTimeSvg([], { nodes: ['a'], untilMs: 10 });
    expect(empty).toMatch(/^<svg [^]*<\/svg>$/);
    expect(count(empty, 'class="msg"')).toBe(0);
  });
});

/** A row for a delivered message (its note ends with the send time, and no drop reason). */
const isDelivery = (line: string): boolean => /\(sent [\d.]+\)$/.test(line) && !line.includes(' ✕ ');

describe('spaceTimeAscii', () => {
  const text = spaceTimeAscii(records, { untilMs: RUN_FOR_MS, maxMessages: 100_000 });
  const lines = text.split('\n');

  it('heads the lanes with the node ids and writes one row per delivery, drop, lane event and fault change', () => {
    expect(lines[0]).toBe('    time ms  a                       b                       c');
    expect(lines.filter(isDelivery).length).toBe(ofType('deliver').length);
    expect(lines.filter((line) => / ✕ (loss|node-down|link-blocked) \(sent/.test(line)).length).toBe(ofType('drop').length);
    expect(lines.filter((line) => line.endsWith('c crashed'))).toEqual(['    200.000  │                       │                       ✖                         c crashed']);
    expect(lines.some((line) => line.endsWith('⚡ partition {"groups":[["a"],["b","c"]]}'))).toBe(true);
    expect(lines.some((line) => line.endsWith('✓ partition ended'))).toBe(true);
  });

  it('shows a down lane as dots and a paused one as a dashed bar', () => {
    const rowsBetween = (fromMs: number, untilMs: number): string[] => lines.filter((line) => Number(line.slice(0, 11)) > fromMs && Number(line.slice(0, 11)) < untilMs);
    const laneOf = (line: string, index: number): string => [...line][13 + 24 * index]!;
    expect(rowsBetween(200, 500).length).toBeGreaterThan(10);
    expect(rowsBetween(200, 500).map((line) => laneOf(line, 2))).toEqual(rowsBetween(200, 500).map(() => '·'));
    expect(rowsBetween(500, 850).map((line) => laneOf(line, 2)).filter((lane) => lane === '·')).toEqual([]);
    // b's lane while paused: ┆, or an arrow between a and c passing over it.
    expect(new Set(rowsBetween(849.9, 909.9).map((line) => laneOf(line, 1)))).toEqual(new Set(['┆', '‖', '─']));
  });

  it('keeps rows in time order and within the window', () => {
    const times = lines.slice(1).filter((line) => /^\s+\d/.test(line)).map((line) => Number(line.slice(0, 11)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const window = spaceTimeAscii(records, { fromMs: 600, untilMs: 800, maxMessages: 100_000 }).split('\n');
    const windowTimes = window.filter((line) => /^\s+\d/.test(line)).map((line) => Number(line.slice(0, 11)));
    expect(Math.min(...windowTimes)).toBeGreaterThanOrEqual(600);
    expect(Math.max(...windowTimes)).toBeLessThanOrEqual(800);
    expect(window.filter(isDelivery).length).toBe(inWindow('deliver', 600, 800).filter((record) => record.timeMs <= 800).length);
  });

  it('caps message rows at maxMessages and says so', () => {
    const capped = spaceTimeAscii(records, { maxMessages: 5 });
    expect(capped.split('\n').filter((line) => /\(sent /.test(line)).length).toBe(5);
    expect(capped).toContain('capped: 5 of');
  });

  it('is deterministic and fits its columns', () => {
    expect(spaceTimeAscii(reportScenario().sim.trace!.records(), { untilMs: RUN_FOR_MS, maxMessages: 100_000 })).toBe(text);
    const narrow = spaceTimeAscii(records, { columns: 12 }).split('\n');
    expect(narrow[0]).toBe('    time ms  a   b   c');
    for (const line of narrow.filter((row) => /^\s+\d/.test(row))) expect([...line.slice(13, 25)].length).toBe(12);
  });
});

describe('bad options', () => {
  it.each([
    ['spaceTimeSvg width', () => spaceTimeSvg(records, { width: 100 }), 'width'],
    ['spaceTimeSvg width null', () => spaceTimeSvg(records, { width: null } as never), 'width'],
    ['spaceTimeSvg title', () => spaceTimeSvg(records, { title: 5 } as never), 'title'],
    ['spaceTimeSvg idPrefix', () => spaceTimeSvg(records, { idPrefix: '1 2' }), 'idPrefix'],
    ['spaceTimeSvg untilMs before fromMs', () => spaceTimeSvg(records, { fromMs: 10, untilMs: 5 }), 'untilMs'],
    ['spaceTimeSvg maxMessages 0', () => spaceTimeSvg(records, { maxMessages: 0 }), 'maxMessages'],
    ['spaceTimeSvg nodes empty', () => spaceTimeSvg(records, { nodes: [] }), 'nodes'],
    ['spaceTimeSvg nodes repeated', () => spaceTimeSvg(records, { nodes: ['a', 'a'] }), 'nodes'],
    ['spaceTimeSvg a typo', () => spaceTimeSvg(records, { maxMessage: 5 } as never), 'spaceTimeSvg(options).maxMessage'],
    ['spaceTimeSvg records', () => spaceTimeSvg('records' as never), 'records'],
    ['spaceTimeAscii columns', () => spaceTimeAscii(records, { columns: 4 }), 'columns'],
    ['spaceTimeAscii fractional columns', () => spaceTimeAscii(records, { columns: 20.5 }), 'columns'],
    ['spaceTimeAscii fromMs NaN', () => spaceTimeAscii(records, { fromMs: Number.NaN }), 'fromMs'],
    ['spaceTimeAscii a typo', () => spaceTimeAscii(records, { column: 5 } as never), 'spaceTimeAscii(options).column'],
    ['spaceTimeAscii options', () => spaceTimeAscii(records, 'wide' as never), 'spaceTimeAscii(options)'],
  ])('%s', (_name, action, field) => {
    expectInvalidArgument(action, field);
  });

  const badValue = fc.oneof(fc.constant(null), fc.string(), fc.double({ noDefaultInfinity: false }).filter((value) => !Number.isInteger(value) || value <= 0), fc.boolean(), fc.object());
  const option = fc.constantFrom('width', 'maxMessages', 'fromMs', 'untilMs', 'nodes', 'title', 'idPrefix', 'columns', 'unknownOption');

  fcTest.prop([option, badValue])('reject a bad value of any option with a typed error naming it, never a crash', (key, value) => {
    for (const draw of [spaceTimeSvg, spaceTimeAscii] as Array<(records: readonly TraceRecord[], options: object) => string>) {
      let thrown: unknown;
      try {
        draw(records, { [key]: value });
      } catch (error) {
        thrown = error;
      }
      // Some values are fine for some options (any string is a title; a negative fromMs is a time): then it draws.
      if (thrown === undefined) continue;
      expect(thrown).toBeInstanceOf(InvalidArgumentError);
      expect((thrown as InvalidArgumentError).field).toContain(key);
    }
  });
});

describe('extreme windows', () => {
  it('names fromMs when it is too large to add 1 ms to', () => {
    expectInvalidArgument(() => spaceTimeSvg(records, { fromMs: 1e300 }), 'fromMs');
    expectInvalidArgument(() => spaceTimeAscii(records, { fromMs: 2 ** 60 }), 'fromMs');
  });

  it('draws a window far from zero with a bounded axis', () => {
    const far = spaceTimeSvg([], { nodes: ['a'], fromMs: 1e12, untilMs: 1e12 + 0.001 });
    expect(far.length).toBeLessThan(20_000);
  });
});
