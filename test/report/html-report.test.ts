import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test as fcTest } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, Simulation, UnknownNodeError } from 'faultline';
import { htmlReport, writeHtmlReport, type HtmlReportInput } from 'faultline/report';
import { expectInvalidArgument } from '../kernel/expect-error.js';
import { reportScenario } from './scenario.js';

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';
const count = (text: string, pattern: RegExp): number => (text.match(pattern) ?? []).length;

/** The report of the test scenario: a crash, a partition, a pause, two metrics, an alert, a health check and a detector. */
function scenarioInput(title = 'Three nodes under faults'): HtmlReportInput {
  const { sim, alerts, health } = reportScenario(7, true);
  return {
    title,
    story: 'Three nodes ping each other.\n\nc crashes, then a partition cuts a off, then b pauses.',
    tables: [{ caption: 'with and without', columns: ['run', 'p99 ms', 'ok'], rows: [['broken', 812.345678, false], ['fixed', 95, null]] }],
    runs: [
      {
        label: 'the run',
        sim,
        metrics: ['pings_total', { name: 'heard', title: 'messages heard' }],
        alerts,
        health: [{ checker: health!, check: 'c/liveness', label: 'liveness every 50 ms' }],
        detectors: [{ label: 'a made-up detector', node: 'c', transitions: [{ kind: 'suspect', timeMs: 260, localTimeMs: 260 }, { kind: 'trust', timeMs: 520, localTimeMs: 520 }] }],
      },
      { label: 'its partition, closer', sim, fromMs: 550, untilMs: 850 },
    ],
  };
}

const html = htmlReport(scenarioInput());
const dataOf = (page: string): { runs: Array<{ charts: Array<{ title: string; timesMs: number[]; series: Array<{ label: string; values: Array<number | null> }> }>; faults: Array<{ kind: string }> }> } =>
  JSON.parse(/<script type="application\/json" id="faultline-report-data">([^<]*)<\/script>/.exec(page)![1]!) as never;

describe('htmlReport', () => {
  it('fetches nothing: no external script, stylesheet, image or URL but the SVG namespace', () => {
    expect(html).not.toMatch(/<(script|img|iframe)[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'https://github.com/leeoniya/uPlot']));
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });

  it('inlines uPlot, its stylesheet, and the chart data as JSON', () => {
    expect(html).toContain('var uPlot=function(){');
    expect(html).toContain('.uplot');
    const data = dataOf(html);
    expect(data.runs).toHaveLength(2);
    expect(data.runs[0]!.charts.map((chart) => chart.title)).toEqual(['pings_total per second', 'messages heard']);
    expect(data.runs[0]!.charts[0]!.series.map((series) => series.label)).toEqual(['node=a', 'node=b', 'node=c']);
    expect(data.runs[0]!.faults.map((fault) => fault.kind)).toEqual(['crash', 'partition', 'pause']);
    // c sends nothing while it is down (200–500 ms): its ping rate is 0 there.
    const { timesMs, series } = data.runs[0]!.charts[0]!;
    const cWhileDown = timesMs.flatMap((timeMs, index) => (timeMs > 250 && timeMs <= 500 ? [series[2]!.values[index]] : []));
    expect(cWhileDown.length).toBeGreaterThan(3);
    expect(new Set(cWhileDown)).toEqual(new Set([0]));
    expect(html).toMatch(/<div class="chart" id="chart-0-0"><\/div>/);
  });

  it('shows the story, the summary table, each run with its faults, its space-time diagram and its timeline', () => {
    expect(html).toContain('<p class="story">c crashes, then a partition cuts a off, then b pauses.</p>');
    expect(html).toContain('<td class="num">812.3</td>');
    expect(html).toContain('<td>false</td>');
    expect(count(html, /<section class="run"/g)).toBe(2);
    expect(html).toContain('<td>partition</td><td></td><td>{&quot;groups&quot;:[[&quot;a&quot;,&quot;checker&quot;],[&quot;b&quot;,&quot;c&quot;]]}</td><td class="num">600</td><td class="num">800</td><td class="num">200</td>');
    expect(count(html, /<div class="picture space-time"><svg /g)).toBe(2);
    expect(html).toContain('id="st0-arrow"');
    expect(html).toContain('id="st1-arrow"');
    expect(html).toMatch(/<g class="row truth">.*c down 200–500 ms/);
    expect(html).toMatch(/<g class="row alert">.*c silent firing 350–550 ms/);
  });

  it('scores the health check and the detector against the truth: right about the crash, wrong in the partition', () => {
    expect(html).toMatch(/liveness every 50 ms suspected c 330–507\.8\d* ms: right \(it was down\)/);
    expect(html).toMatch(/liveness every 50 ms suspected c 730–813\.4\d* ms: a mistake \(it was up\)/);
    expect(html).toContain('<td>liveness every 50 ms</td><td>c</td><td class="num">1</td><td class="num">1</td><td class="num">130</td>');
    expect(html).toMatch(/<td>liveness every 50 ms<\/td>.*?<td>partition 1<\/td>/);
    expect(html).toContain('Alerts against the faults: 1 detected, 2 missed, 0 false alerts');
  });

  it('escapes every text it is given', () => {
    const { sim } = reportScenario();
    const page = htmlReport({
      title: HOSTILE,
      story: HOSTILE,
      tables: [{ caption: HOSTILE, columns: [HOSTILE], rows: [[HOSTILE]] }],
      runs: [{ label: HOSTILE, story: HOSTILE, sim, metrics: [{ name: 'heard', title: HOSTILE }], alerts: [{ rule: HOSTILE, state: 'firing', timeMs: 10, value: 1, sinceMs: 0 }], detectors: [{ label: HOSTILE, node: 'c', transitions: [] }] }],
    });
    // The page's own three scripts, and no other element from the input.
    expect(count(page, /<script/gi)).toBe(3);
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // In the JSON the chart script reads, `<` cannot close the element.
    expect(dataOf(page).runs[0]!.charts[0]!.title).toBe(HOSTILE);
  });

  it('gives each fault kind one colour in every picture of every run', () => {
    const partitionFills = [...html.matchAll(/<g class="(?:fault|row fault)"[^>]*>(?:<rect[^>]*\/>)?<text[^>]*><title>fault: partition<\/title>[^<]*<\/text><rect[^>]*fill="(#[0-9a-f]{6})"|<g class="fault" data-kind="partition"><title>[^<]*<\/title><rect[^>]*fill="(#[0-9a-f]{6})"/g)].map((match) => match[1] ?? match[2]);
    // Two timelines and two space-time diagrams.
    expect(partitionFills).toEqual(['#ff7f0e', '#ff7f0e', '#ff7f0e', '#ff7f0e']);
  });

  it('is deterministic: the same runs give the same page', () => {
    expect(htmlReport(scenarioInput())).toBe(html);
  });

  it('says so when the simulation was not traced, and still shows its faults', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}));
    sim.inject([{ kind: 'crash', atMs: 5, durationMs: 5, target: 'a' }]);
    sim.run({ until: 20 });
    const page = htmlReport({ title: 'untraced', runs: [{ label: 'untraced', sim }] });
    expect(page).toContain('created without <code>trace: true</code>');
    expect(page).toContain('<td>crash</td><td>a</td>');
    expect(page).not.toContain('class="picture space-time"');
  });
});

describe('writeHtmlReport', () => {
  const directory = mkdtempSync(join(tmpdir(), 'faultline-report-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('creates the parent directories and writes the page htmlReport gives', () => {
    const path = join(directory, 'nested', 'deeper', 'report.html');
    expect(writeHtmlReport(path, scenarioInput())).toBe(path);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(html);
  });
});

describe('removed nodes', () => {
  it('shows a node removed during the run as down from its removal, though the simulation no longer lists it', () => {
    const sim = new Simulation({ seed: 1, trace: true });
    sim.addNode('a', () => ({}));
    sim.addNode('b', () => ({}));
    sim.scheduleAt(100, () => sim.removeNode('b'));
    sim.run({ until: 300 });
    expect(sim.nodeIds()).toEqual(['a']);
    expect(htmlReport({ title: 't', runs: [{ label: 'r', sim }] })).toContain('<title>b down 100–300 ms</title>');
    expect(htmlReport({ title: 't', runs: [{ label: 'r', sim, nodes: ['a', 'b'] }] })).toContain('<title>b down 100–300 ms</title>');
  });
});

describe('bad input', () => {
  const { sim } = reportScenario();
  it.each([
    ['no title', { runs: [] }, 'report.title'],
    ['a typo', { title: 't', runs: [], tittle: 'x' }, 'report.tittle'],
    ['runs not an array', { title: 't', runs: {} }, 'report.runs'],
    ['a run without a simulation', { title: 't', runs: [{ label: 'r' }] }, 'report.runs[0].sim'],
    ['a run without a label', { title: 't', runs: [{ sim }] }, 'report.runs[0].label'],
    ['a row of the wrong length', { title: 't', runs: [], tables: [{ columns: ['a', 'b'], rows: [[1]] }] }, 'report.tables[0].rows[0]'],
    ['an object in a cell', { title: 't', runs: [], tables: [{ columns: ['a'], rows: [[{}]] }] }, 'report.tables[0].rows[0][0]'],
    ['an unknown metric', { title: 't', runs: [{ label: 'r', sim, metrics: ['nope'] }] }, 'report.runs[0].metrics[0].name'],
    ['an unknown way to show a metric', { title: 't', runs: [{ label: 'r', sim, metrics: [{ name: 'heard', show: 'p99' }] }] }, 'report.runs[0].metrics[0].show'],
    ['untilMs before fromMs', { title: 't', runs: [{ label: 'r', sim, fromMs: 500, untilMs: 100 }] }, 'report.runs[0].untilMs'],
    ['a health verdict without a checker', { title: 't', runs: [{ label: 'r', sim, health: [{ check: 'x' }] }] }, 'report.runs[0].health[0].checker'],
    ['no runs at all', { title: 't', runs: [] }, 'report.runs'],
  ])('%s', (_name, input, field) => {
    expectInvalidArgument(() => htmlReport(input as never), field);
  });

  it('names the metrics a run has when asked for one it lacks', () => {
    expect(() => htmlReport({ title: 't', runs: [{ label: 'r', sim, metrics: ['nope'] }] })).toThrow(/known: pings_total, heard/);
  });

  it('refuses a lane for a node the run never had, naming the ones it had', () => {
    let thrown: unknown;
    try {
      htmlReport({ title: 't', runs: [{ label: 'r', sim, nodes: [sim.nodeIds()[0]!, 'ghost'] }] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnknownNodeError);
    expect(String((thrown as Error).message)).toContain('ghost');
    expect(String((thrown as Error).message)).toMatch(/^report\.runs\[0\]\.nodes: unknown node 'ghost'/);
  });

  it('refuses an empty path', () => {
    expectInvalidArgument(() => writeHtmlReport('', { title: 't', runs: [] }), 'path');
  });

  const field = fc.constantFrom('title', 'story', 'tables', 'runs', 'extra');
  const runField = fc.constantFrom('label', 'sim', 'story', 'nodes', 'fromMs', 'untilMs', 'metrics', 'alerts', 'detectors', 'health', 'maxMessages', 'extra');
  const badValue = fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 5 }), fc.double(), fc.boolean(), fc.object(), fc.array(fc.anything(), { maxLength: 2 }));

  fcTest.prop([field, badValue])('a bad top-level field is a typed error naming it, never a crash', (key, value) => {
    const input: Record<string, unknown> = { title: 't', runs: [{ label: 'r', sim }], [key]: value };
    let thrown: unknown;
    try {
      htmlReport(input as never);
    } catch (error) {
      thrown = error;
    }
    // An empty array is a fine list of tables (not of runs): then it renders.
    if (thrown === undefined) {
      expect([key, value]).toEqual(['tables', []]);
      return;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).field).toContain(`report.${key}`);
  });

  fcTest.prop([runField, badValue])('a bad run field is a typed error naming it, or a page', (key, value) => {
    let thrown: unknown;
    try {
      htmlReport({ title: 't', runs: [{ label: 'r', sim, [key]: value } as never] });
    } catch (error) {
      thrown = error;
    }
    // Some values are fine (an empty array of metrics, a fromMs of 3): then it renders.
    if (thrown === undefined) return;
    // Lanes for ids the run never had (an array of strings, say [' ']) are unknown nodes.
    if (thrown instanceof UnknownNodeError) {
      expect(key).toBe('nodes');
      expect(thrown.message).toMatch(/^report\.runs\[0\]\.nodes: unknown node /);
      return;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).field).toContain(`report.runs[0].${key}`);
  });
});

describe('a run with many faults', () => {
  it('draws one timeline row per fault kind and target, and lists the first 200 faults', () => {
    const sim = new Simulation({ seed: 1 });
    const ids = ['n0', 'n1', 'n2', 'n3'];
    for (const id of ids) sim.addNode(id, () => ({}));
    sim.inject(Array.from({ length: 300 }, (_, index) => ({ kind: 'crash', atMs: 10 + index * 10, durationMs: 5, target: ids[index % ids.length]! })));
    sim.run({ until: 3_100 });
    const page = htmlReport({ title: 'many', runs: [{ label: 'many crashes', sim }] });
    expect(count(page, /<g class="row fault">/g)).toBe(4);
    expect(count(page, /<g class="row truth">/g)).toBe(4);
    expect(count(page, /<rect [^>]*><title>crash n2: /g)).toBe(75);
    expect(count(page, /<tr><td>crash<\/td>/g)).toBe(200);
    expect(page).toContain('… and 100 more faults, drawn in the timeline.');
  });
});
