import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyticQoS, measureQoS, NfdSDetector, runDetectorHarness, Simulation, type NodeBehaviour } from '../src/index.js';

// The README's tour, run as written, so the README stays true.
function runTour(): Simulation {
  const sim = new Simulation({
    seed: 42,
    network: {
      link: {
        latency: { kind: 'normal', meanMs: 20, stdDevMs: 5 },
        lossProbability: 0.01,
        duplicateProbability: 0.001,
      },
    },
    trace: true,
  });
  const pinger: NodeBehaviour<string, { boots: number }> = (ctx) => ({
    onStart() { ctx.persist((s) => { s.boots++; }); ctx.setTimer(100, 'ping'); },
    onRecover() { ctx.log(`recovered, boot ${ctx.durable.boots + 1}`); ctx.persist((s) => { s.boots++; }); ctx.setTimer(100, 'ping'); },
    onTimer() { ctx.broadcast('ping'); ctx.setTimer(100, 'ping'); },
    onMessage(from, message) { ctx.log(`${message} from ${from} at local ${ctx.now()}`); },
  });
  sim.addNode('a', pinger, { durable: { boots: 0 } });
  sim.addNode('b', pinger, { durable: { boots: 0 }, clock: { offsetMs: 30, driftPpm: 200 } });
  sim.scheduleAt(500, () => sim.crash('b'));
  sim.scheduleAt(900, () => sim.restart('b'));
  sim.run({ until: 2_000 });
  return sim;
}

describe('the README tour', () => {
  it('runs as written: b crashes, recovers with its durable boot count, and pings resume', () => {
    const sim = runTour();
    expect(sim.node<unknown, { boots: number }>('b').durable.boots).toBe(2);
    expect(sim.logs().some((entry) => entry.node === 'b' && entry.message === 'recovered, boot 2')).toBe(true);
    expect(sim.logs().some((entry) => entry.node === 'a' && entry.timeMs > 1_000 && entry.message.startsWith('ping from b'))).toBe(true);
    expect(sim.network.stats().dropped['node-down']).toBeGreaterThan(0);
  });

  it('gives the same trace hash on a second run with the same seed', () => {
    expect(runTour().traceHash()).toBe(runTour().traceHash());
  });
});

describe("the NFD-S figures in docs-src/detectors.md", () => {
  it('are what a 2,000 s run of seed 12 measures and what the analysis predicts (as in test/detectors/qos.test.ts)', () => {
    const page = readFileSync('docs-src/detectors.md', 'utf8').replace(/\s+/g, ' ');
    const figures = /NFD-S, η (\d+) ms, δ (\d+) ms, exponential delay (\d+) ms, (\d+) % loss: P_A (0\.\d+) measured vs (0\.\d+) analytic/.exec(page);
    expect(figures, 'the NFD-S sentence in docs-src/detectors.md').not.toBeNull();
    const [intervalMs, shiftMs, meanDelayMs, lossPercent] = figures!.slice(1, 5).map(Number) as [number, number, number, number];
    expect([intervalMs, shiftMs, meanDelayMs, lossPercent]).toEqual([100, 60, 20, 5]);
    const delay = { kind: 'exponential', meanMs: meanDelayMs } as const;
    const lossProbability = lossPercent / 100;
    const durationMs = 2_000_000;
    const result = runDetectorHarness({
      seed: 12,
      monitored: ['p'],
      monitor: 'q',
      intervalMs,
      durationMs,
      sampleEveryMs: 50,
      network: { latency: delay, lossProbability },
      detectors: { 'nfd-s': () => new NfdSDetector({ intervalMs, shiftMs, startMs: 0 }) },
    });
    const measured = measureQoS(result.transitions['nfd-s']!['p']!, result.sim.truth, 'p', 1_000, durationMs, { monitor: 'q', arrivals: result.arrivals['p']!, intervalMs });
    const predicted = analyticQoS({ detector: 'nfd-s', intervalMs, shiftMs, lossProbability, delay });
    expect(measured.queryAccuracyProbability!.toFixed(5)).toBe(figures![5]);
    expect(predicted.queryAccuracyProbability.toFixed(5)).toBe(figures![6]);
  });
});

// The README is short and sends readers to docs-src/, examples/README.md and bench/README.md; a
// link that leads nowhere (a moved file, a renamed heading) is a broken README.
const DOCUMENTS = ['README.md', 'examples/README.md', 'bench/README.md', ...readdirSync('docs-src').filter((name) => name.endsWith('.md')).map((name) => `docs-src/${name}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

function anchorsIn(path: string): Set<string> {
  const text = readFileSync(path, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!)));
}

/** The relative links of a markdown file, outside code blocks, as [target, anchor]. */
function relativeLinks(path: string): Array<[string, string | undefined]> {
  const text = readFileSync(path, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((link) => !/^[a-z]+:/.test(link))
    .map((link) => {
      const [file, anchor] = link.split('#') as [string, string | undefined];
      return [file === '' ? path : normalize(join(dirname(path), file)), anchor];
    });
}

describe('the links of the README and the pages it leads to', () => {
  it.each(DOCUMENTS)('%s: every relative link names a file that exists, and a heading of it', (path) => {
    expect(existsSync(path), `${path} exists`).toBe(true);
    const broken = relativeLinks(path).filter(([target, anchor]) => {
      if (!existsSync(target)) return true;
      if (anchor === undefined || statSync(target).isDirectory()) return false;
      return !anchorsIn(target).has(anchor);
    });
    expect(broken.map(([target, anchor]) => (anchor === undefined ? target : `${target}#${anchor}`))).toEqual([]);
  });
});
