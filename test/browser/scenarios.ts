// The scenarios the browser test runs twice: bundled (against the built package) in headless
// Chromium, and here under Node. They import only the package's own names, as a user's code does.
// The simulations are those of test/trace-hash-pins.test.ts, so their hashes are pinned there too;
// the search is the property-testing walkthrough's (examples/property-testing).
import { PropertyFailedError, PropertyViolationError, Simulation } from 'faultline';
import { assertCluster, checkCluster } from 'faultline/check';
import { faults, operations, registerScenario, type Register, type RegisterOperation } from '../../examples/property-testing/register.js';

/** What the scenarios produced: plain data, so it crosses from the page to the test unchanged. */
export interface ScenarioResults {
  /** Handler-style gossip cluster, no faults. */
  handlerHash: string;
  /** The same cluster under a scheduled crash and the crash/restart verbs. */
  handlerCrashHash: string;
  /** Async-style nodes (`ctx.call`, `ctx.receive`, `ctx.sleep`) across crashes, run by `runAsync`. */
  asyncHash: string;
  /** The first line of the search's failure: the fast-check seed, path, runs and shrinks. */
  searchSummary: string;
  /** The shrunk counterexample's replay line. */
  replay: string;
  /** The shrunk case rerun on the fixed register. */
  fixedHash: string;
}

const GOSSIP_IDS = ['a', 'b', 'c'] as const;

/** Three nodes that gossip every 10 to 30 ms of local time and persist a counter. */
function gossipCluster(): Simulation {
  const sim = new Simulation({
    seed: 'pins',
    trace: false,
    network: { link: { latency: { kind: 'exponential', meanMs: 3 }, lossProbability: 0.02, duplicateProbability: 0.01 } },
  });
  for (const id of GOSSIP_IDS) {
    sim.addNode<{ from: string; at: number; heard: number }, { count: number }>(
      id,
      (ctx) => {
        let heard = 0;
        const tick = (): void => ctx.setTimer(10 + ctx.rng.int(0, 20), 'tick');
        return {
          onStart: tick,
          onRecover: tick,
          onTimer: () => {
            ctx.broadcast({ from: id, at: ctx.now(), heard });
            ctx.persist((draft) => void draft.count++);
            tick();
          },
          onMessage: () => void heard++,
        };
      },
      { durable: { count: 0 } },
    );
  }
  // Registered in the pinned runs too; an adversary's name is part of the configuration hashed.
  sim.registerAdversary('mute-to-a', (message, to) => (to === 'a' ? [] : [{ to, message }]));
  return sim;
}

function handlerRun(crash: boolean): string {
  const sim = gossipCluster();
  if (crash) {
    sim.inject([{ kind: 'crash', atMs: 400, durationMs: 150, target: 'c' }]);
    sim.scheduleAt(100, () => sim.crash('b'));
    sim.scheduleAt(250, () => sim.restart('b'));
  }
  sim.run({ until: 1_000 });
  return sim.traceHash();
}

/** A client calls a service-limited server and a peer relays what it receives, across crashes (also pinned in test/trace-hash-pins.test.ts). */
export async function asyncRun(): Promise<string> {
  const sim = new Simulation({ seed: 'pins-async', network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 6 } } } });
  sim.addNode(
    'server',
    (ctx) => ({
      async onCall(_from, request) {
        await ctx.sleep(2);
        return { echo: request };
      },
      onMessage: () => undefined,
    }),
    { service: { messagesPerSec: 400, inboxLimit: 4 } },
  );
  sim.addNode('client', (ctx) => {
    const loop = async (): Promise<void> => {
      for (let round = 0; round < 40; round++) {
        try {
          await ctx.call('server', { round }, { timeoutMs: 15 });
        } catch {
          // timed out: go on
        }
        ctx.send('peer', { round });
        await ctx.sleep(5);
      }
    };
    return { onStart: loop, onRecover: loop };
  });
  sim.addNode('peer', (ctx) => ({
    async onStart() {
      for (;;) {
        try {
          const { message } = await ctx.receive(undefined, { timeoutMs: 30 });
          ctx.send('server', message);
        } catch {
          // quiet for a while: keep listening
        }
      }
    },
  }));
  sim.inject([
    { kind: 'crash', atMs: 60, durationMs: 40, target: 'server' },
    { kind: 'crash', atMs: 150, durationMs: 20, target: 'client' },
  ]);
  await sim.runAsync({ until: 500 });
  return sim.traceHash();
}

/** The walkthrough's search of the register that reads from any replica: found, shrunk, replayed. */
async function search(): Promise<Pick<ScenarioResults, 'searchSummary' | 'replay' | 'fixedHash'>> {
  const failure = await assertCluster(registerScenario(false), { faults, workload: operations, numRuns: 300, seed: 2026 }).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(failure instanceof PropertyFailedError) || !(failure.cause instanceof PropertyViolationError)) {
    throw new Error(`expected the search to find the stale read, got ${String(failure)}`);
  }
  const replay = failure.cause.replay;
  // The replay line's argument, as a user pastes it (a seed, faults and a workload).
  const minimalCase = JSON.parse(replay.slice(replay.indexOf('{'), replay.lastIndexOf(')'))) as Parameters<typeof checkCluster<Register, RegisterOperation>>[1];
  return {
    searchSummary: failure.message.split('\n')[0]!,
    replay,
    fixedHash: checkCluster(registerScenario(true), minimalCase).traceHash,
  };
}

/** Runs every scenario; the same results in any JavaScript engine. */
export async function runScenarios(): Promise<ScenarioResults> {
  return { handlerHash: handlerRun(false), handlerCrashHash: handlerRun(true), asyncHash: await asyncRun(), ...(await search()) };
}
