// Determinism: the same seed and the same inputs give the same run, event for event, in every
// style of node code and under every kind of fault; different seeds give different runs.
import { describe, expect, it } from 'vitest';
import {
  CallTimeoutError,
  ReceiveTimeoutError,
  Simulation,
  type LogEntry,
  type NetworkConfig,
  type SimulationOptions,
  type TraceRecord,
} from '../src/index.js';

const SEEDS = Array.from({ length: 25 }, (_, index) => index * 7919 + 1);

interface Outcome {
  hash: string;
  records: TraceRecord[];
  logs: LogEntry[];
  eventsProcessed: number;
  duplicated: number;
}

interface Scenario {
  name: string;
  run: (seed: number, trace?: boolean) => Outcome | Promise<Outcome>;
}

function outcome(sim: Simulation): Outcome {
  return {
    hash: sim.traceHash(),
    records: sim.trace?.records() ?? [],
    logs: sim.logs(),
    eventsProcessed: sim.eventsProcessed,
    duplicated: sim.network.stats().duplicated,
  };
}

const faultyNetwork: NetworkConfig = {
  link: {
    latency: { kind: 'normal', meanMs: 5, stdDevMs: 3 },
    lossProbability: 0.05,
    duplicateProbability: 0.05,
    reorderProbability: 0.1,
    reorderDelay: { kind: 'exponential', meanMs: 10 },
  },
};

/** Random crashes, restarts, clock jumps, drift changes and cuts, drawn from the simulation's own 'chaos' stream. */
function scheduleChaos(sim: Simulation, ids: readonly string[], horizonMs: number): void {
  const chaos = sim.rng('chaos');
  for (let k = 0; k < 8; k++) {
    sim.schedule(chaos.uniform(0, horizonMs), () => {
      const id = chaos.pick(ids);
      if (!sim.isUp(id)) return;
      sim.crash(id);
      sim.schedule(chaos.uniform(20, 200), () => sim.restart(id));
    });
    sim.schedule(chaos.uniform(0, horizonMs), () => sim.jumpClock(chaos.pick(ids), chaos.uniform(-50, 50)));
    sim.schedule(chaos.uniform(0, horizonMs), () => sim.setClockDrift(chaos.pick(ids), chaos.uniform(-5000, 5000)));
    sim.schedule(chaos.uniform(0, horizonMs), () => {
      const [from, to] = chaos.shuffle([...ids]);
      sim.network.block(from!, to!);
      sim.schedule(chaos.uniform(10, 100), () => sim.network.unblock(from!, to!));
    });
  }
}

function clockFor(sim: Simulation): { offsetMs: number; driftPpm: number } {
  const setup = sim.rng('setup');
  return { offsetMs: setup.uniform(-50, 50), driftPpm: setup.uniform(-2000, 2000) };
}

/** Handler-style gossip of a maximum, with durable state, timers and logs. */
function gossip(seed: number, trace = true): Outcome {
  const sim = new Simulation({ seed, trace, network: faultyNetwork });
  const ids = ['n0', 'n1', 'n2', 'n3', 'n4'];
  for (const id of ids) {
    sim.addNode<{ value: number }, { max: number }>(
      id,
      (ctx) => {
        let seen = 0;
        const arm = (): void => ctx.setTimer(ctx.rng.exponential(10), 'gossip', ctx.rng.int(0, 3));
        return {
          onStart: arm,
          onRecover() {
            ctx.log('recovered', { max: ctx.durable.max });
            arm();
          },
          onTimer(_name, bump) {
            ctx.send(ctx.rng.pick(ctx.peers), { value: ctx.durable.max + (bump as number) });
            arm();
          },
          onMessage(from, message) {
            seen++;
            if (message.value > ctx.durable.max) {
              ctx.persist((durable) => {
                durable.max = message.value;
              });
            }
            if (seen % 7 === 0) ctx.log('seen', { seen, from, localMs: ctx.now() });
          },
        };
      },
      { durable: { max: 0 }, clock: clockFor(sim) },
    );
  }
  scheduleChaos(sim, ids, 1500);
  sim.run({ until: 2000 });
  return outcome(sim);
}

/** Async-style request/response with sleeps, calls, receives with timeouts and broadcasts. */
async function rpc(seed: number, trace = true): Promise<Outcome> {
  const sim = new Simulation({ seed, trace, network: faultyNetwork });
  const ids = ['r0', 'r1', 'r2', 'r3'];
  for (const id of ids) {
    sim.addNode<{ kind: string; n?: number }, { ok: number }>(
      id,
      (ctx) => {
        const loop = async (): Promise<void> => {
          for (;;) {
            await ctx.sleep(ctx.rng.exponential(20));
            const to = ctx.rng.pick(ctx.peers);
            try {
              const reply = await ctx.call<number>(to, { kind: 'req', n: ctx.rng.int(0, 100) }, { timeoutMs: 30 });
              ctx.persist((durable) => {
                durable.ok += reply > 100 ? 1 : 0;
              });
            } catch (error) {
              if (!(error instanceof CallTimeoutError)) throw error;
              ctx.log('call timed out', { to });
            }
            if (ctx.rng.bernoulli(0.3)) {
              try {
                const { from } = await ctx.receive((message) => message.kind === 'note', { timeoutMs: 15 });
                ctx.log('note', { from });
              } catch (error) {
                if (!(error instanceof ReceiveTimeoutError)) throw error;
              }
            }
            ctx.broadcast({ kind: 'note' });
          }
        };
        return {
          onStart: loop,
          onRecover: loop,
          async onCall(_from, request) {
            await ctx.sleep(ctx.rng.uniform(0, 10));
            return (request.n ?? 0) * 2;
          },
        };
      },
      { durable: { ok: 0 }, clock: clockFor(sim), mailboxLimit: 20 },
    );
  }
  scheduleChaos(sim, ids, 1200);
  await sim.runAsync({ until: 1500 });
  return outcome(sim);
}

/** Random tie-break over many equal-time events, with regions, FIFO links and bandwidth limits. */
function ties(seed: number, trace = true): Outcome {
  const options: SimulationOptions = {
    seed,
    trace,
    tieBreak: 'random',
    network: {
      link: { latency: { kind: 'constant', ms: 2 } },
      intraRegion: { latency: { kind: 'constant', ms: 1 }, fifo: true },
      interRegion: { latency: { kind: 'constant', ms: 10 }, bandwidthBytesPerMs: 20, queueLimitBytes: 200 },
    },
  };
  const sim = new Simulation(options);
  const ids = ['t0', 't1', 't2', 't3', 't4', 't5'];
  ids.forEach((id, index) => {
    sim.addNode<{ round: number }>(
      id,
      (ctx) => {
        let round = 0;
        return {
          onStart: () => ctx.setTimer(5, 'round'),
          onTimer() {
            round++;
            ctx.broadcast({ round });
            if (round < 40) ctx.setTimer(5, 'round');
          },
          onMessage(from, message) {
            if (message.round % 10 === 0) ctx.log('round', { from, round: message.round });
          },
        };
      },
      { region: index < 3 ? 'east' : 'west' },
    );
  });
  scheduleChaos(sim, ids, 150);
  sim.run({ until: 400 });
  return outcome(sim);
}

const scenarios: Scenario[] = [
  { name: 'handler-style gossip under loss, duplication, reordering, drift, crashes and cuts', run: gossip },
  { name: 'async request/response under the same faults', run: rpc },
  { name: 'random tie-break with regions, FIFO links and bandwidth limits', run: ties },
];

describe('determinism', () => {
  describe.each(scenarios)('$name', ({ run }) => {
    it('gives the same trace hash and the same trace records for the same seed, over 25 seeds', async () => {
      for (const seed of SEEDS) {
        const first = await run(seed);
        const second = await run(seed);
        expect(second.hash, `seed ${seed}`).toBe(first.hash);
        expect(second.eventsProcessed, `seed ${seed}`).toBe(first.eventsProcessed);
        expect(second.records.length, `seed ${seed}`).toBe(first.records.length);
        expect(second.records, `seed ${seed}`).toEqual(first.records);
        expect(second.logs, `seed ${seed}`).toEqual(first.logs);
      }
    });

    it('gives a different trace hash for each of 25 seeds', async () => {
      const hashes = new Set<string>();
      for (const seed of SEEDS) hashes.add((await run(seed)).hash);
      expect(hashes.size).toBe(SEEDS.length);
    });

    it('gives the same hash with the trace recorder off', async () => {
      for (const seed of SEEDS.slice(0, 5)) {
        expect((await run(seed, false)).hash, `seed ${seed}`).toBe((await run(seed, true)).hash);
      }
    });

    it('is not trivial: a run processes many events and records the faults it injects', async () => {
      const types = new Set<string>();
      const reasons = new Set<string>();
      let events = 0;
      for (const seed of SEEDS.slice(0, 5)) {
        const { records, eventsProcessed } = await run(seed);
        events += eventsProcessed;
        for (const record of records) {
          types.add(record.type);
          if (record.reason !== undefined) reasons.add(record.reason);
        }
      }
      expect(events).toBeGreaterThan(1000);
      for (const type of ['send', 'deliver', 'drop', 'crash', 'restart', 'clock']) expect(types).toContain(type);
      expect(reasons).toContain('link-blocked');
    });
  });

  it('the faulty scenarios really lose, duplicate, reorder and drop at crashed nodes', async () => {
    const reasons = new Set<string>();
    let duplicated = 0;
    let overtakes = 0;
    for (const seed of SEEDS.slice(0, 5)) {
      for (const result of [gossip(seed), await rpc(seed)]) {
        duplicated += result.duplicated;
        const sentOrder = new Map<number, number>();
        result.records.forEach((record, index) => {
          if (record.type === 'send') sentOrder.set(record.messageId!, index);
          if (record.reason !== undefined) reasons.add(record.reason);
        });
        // Count deliveries on one link that arrive in a different order than they were sent.
        const lastSentIndex = new Map<string, number>();
        for (const record of result.records) {
          if (record.type !== 'deliver') continue;
          const key = `${record.from}->${record.to}`;
          const sentIndex = sentOrder.get(record.messageId!) ?? -1;
          if (sentIndex < (lastSentIndex.get(key) ?? -1)) overtakes++;
          lastSentIndex.set(key, Math.max(sentIndex, lastSentIndex.get(key) ?? -1));
        }
      }
    }
    expect(duplicated).toBeGreaterThan(0);
    expect(overtakes).toBeGreaterThan(0);
    for (const reason of ['loss', 'node-down', 'link-blocked']) expect(reasons).toContain(reason);
  });

  it('a different node order is a different run, but the same order is the same run', () => {
    const build = (order: string[]): string => {
      const sim = new Simulation({ seed: 3, network: faultyNetwork });
      for (const id of order) {
        sim.addNode(id, (ctx) => ({
          onStart: () => ctx.setTimer(ctx.rng.uniform(1, 5), 't'),
          onTimer: () => ctx.broadcast(ctx.id),
        }));
      }
      sim.run();
      return sim.traceHash();
    };
    expect(build(['a', 'b', 'c'])).toBe(build(['a', 'b', 'c']));
    expect(build(['c', 'b', 'a'])).not.toBe(build(['a', 'b', 'c']));
  });
});
