/**
 * Randomised fault injection: a nemesis, then a liveness phase. Five nodes keep a replicated
 * counter (a grow-only CRDT: each node counts its own increments durably, and gossips its whole
 * vector to one random peer every 50 ms; merging takes the maximum per node). A workload adds to
 * the counter until 4 s. `sim.nemesis` draws a random fault schedule for those 4 s from the seed
 * — swarm mode also draws which kinds of fault are on — within a budget of at most two nodes down
 * at once. From 4 s the liveness phase ends every fault (crashed nodes restart, partitions heal).
 *
 * What to look for: the schedule (plain JSON: save it, replay it, shrink it), the faults applied
 * and reverted, the lanes (who was up, paused or down when; the legend under them names the
 * symbols drawn), the summary table, and the check at the end: did every node converge on the
 * true total within 1 s of the liveness phase? A different seed draws a different schedule.
 *
 * The run writes `out/nemesis.html` (open it in a browser): the drawn faults over time, every
 * gossip message, and a chart of how far the nodes' totals lag the true total.
 *
 * Run: npx tsx examples/nemesis.ts [--seed 7] [--out out]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatLanes, Simulation, type NodeBehaviour, type NodeHandlers } from 'faultline';
import { writeHtmlReport } from 'faultline/report';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const HORIZON_MS = 4_000;
const CONVERGE_WITHIN_MS = 1_000;
const GOSSIP_EVERY_MS = 50;

type Counts = Record<string, number>;
type Handlers = NodeHandlers<Counts> & { readonly view: Counts };

/** The workload lives outside the system; it stops at the horizon, so totals can settle. */
interface Workload {
  on: boolean;
}

function counterNode(workload: Workload): NodeBehaviour<Counts, { mine: number }> {
  return (ctx) => {
    const view: Counts = { [ctx.id]: ctx.durable.mine }; // others' counts are volatile: relearned by gossip
    const start = (): void => {
      ctx.setTimer(ctx.rng.uniform(0, 100), 'increment');
      ctx.setTimer(GOSSIP_EVERY_MS, 'gossip');
    };
    const handlers: Handlers = {
      onStart: start,
      onRecover() {
        ctx.log(`restarted: own count ${ctx.durable.mine} survived, the other counts must be relearned`);
        start();
      },
      onTimer(name) {
        if (name === 'increment') {
          if (!workload.on) return;
          ctx.persist((state) => {
            state.mine++;
          });
          view[ctx.id] = ctx.durable.mine;
          ctx.setTimer(ctx.rng.uniform(50, 150), 'increment');
        } else {
          ctx.send(ctx.rng.pick(ctx.peers), { ...view });
          ctx.setTimer(GOSSIP_EVERY_MS, 'gossip');
        }
      },
      onMessage(_from, counts) {
        for (const [id, count] of Object.entries(counts)) view[id] = Math.max(view[id] ?? 0, count);
      },
      get view() {
        return view;
      },
    };
    return handlers;
  };
}

function argument(argv: readonly string[], name: string, fallback: string): string {
  const position = argv.indexOf(name);
  return position >= 0 ? (argv[position + 1] ?? fallback) : fallback;
}

/** Runs the example with `--seed <seed>` (default 'nemesis'), writes the report to `--out <dir>` (default out), and returns what it prints. */
export function main(argv: readonly string[]): string {
  const seed = argument(argv, '--seed', 'nemesis');
  const outDir = argument(argv, '--out', 'out');
  const workload: Workload = { on: true };
  const sim = new Simulation({
    seed,
    trace: true,
    network: { link: { latency: { kind: 'exponential', meanMs: 5, offsetMs: 1 } } },
  });
  for (const id of NODES) sim.addNode(id, counterNode(workload), { durable: { mine: 0 } });

  const schedule = sim.nemesis({ horizonMs: HORIZON_MS, ratePerSec: 2, meanDurationMs: 800, swarm: true, budget: { maxNodesDown: 2 } });
  sim.inject(schedule, { budget: { maxNodesDown: 2 } });
  sim.livenessPhase(HORIZON_MS);
  sim.scheduleAt(HORIZON_MS, () => (workload.on = false));

  // The check: from the liveness phase on, when do all nodes first agree on the true total?
  const trueTotal = () => NODES.reduce((sum, id) => sum + sim.node<unknown, { mine: number }>(id).durable.mine, 0);
  const totalSeenBy = (id: string) => Object.values(sim.node<Handlers>(id).handlers.view ?? {}).reduce((sum, count) => sum + count, 0);
  let convergedAtMs: number | undefined;
  function check(): void {
    if (NODES.every((id) => sim.isUp(id) && totalSeenBy(id) === trueTotal())) convergedAtMs = sim.now;
    else if (sim.now < HORIZON_MS + CONVERGE_WITHIN_MS) sim.schedule(10, check);
  }
  sim.scheduleAt(HORIZON_MS, check);

  // For the report: how far the furthest-behind live node's total lags the true total.
  sim.metrics.configure({ intervalMs: 50 });
  const lag = sim.metrics.gauge('total_lag', { help: 'true total minus the smallest total a live node sees' });
  sim.metrics.addCollector(() => lag.set(trueTotal() - Math.min(...NODES.filter((id) => sim.isUp(id)).map(totalSeenBy))));
  sim.run({ until: HORIZON_MS + CONVERGE_WITHIN_MS });

  const out: string[] = [];
  out.push(`Nemesis: 5 nodes gossip a replicated counter; random faults for ${HORIZON_MS} ms (seed '${seed}', swarm mode, at most 2 nodes down),`);
  out.push(`then a liveness phase. Look for: the random schedule, what it did, and whether all nodes converged within ${CONVERGE_WITHIN_MS} ms.\n`);

  out.push(`The schedule the nemesis drew (${schedule.length} faults, plain JSON):`);
  for (const fault of schedule) out.push(`  ${JSON.stringify(fault)}`);

  out.push('\nWhat happened:');
  const story = [
    ...sim.faultLog.map(({ timeMs, phase, fault }) => ({
      timeMs,
      text: `-- ${phase === 'apply' ? 'fault' : 'ends'}: ${[fault.kind, fault.target, fault.params && JSON.stringify(fault.params)].filter(Boolean).join(' ')}`,
    })),
    ...sim.logs().map(({ timeMs, node, message }) => ({ timeMs, text: `${node}  ${message}` })),
    { timeMs: HORIZON_MS, text: '== liveness phase: every fault ends, the workload stops' },
  ].sort((a, b) => a.timeMs - b.timeMs);
  for (const { timeMs, text } of story) out.push(`${timeMs.toFixed(1).padStart(8)} ms  ${text}`);

  // The legend comes from formatLanes itself (legend: true), so it names exactly what is drawn.
  out.push('\nWho was up, paused or down (network faults do not show in the lanes):');
  out.push(formatLanes(sim.trace!.records(), { nodes: NODES, untilMs: sim.now, columns: 50, legend: true }));

  const total = (intervals: Array<[number, number]>) => intervals.reduce((sum, [from, to]) => sum + to - from, 0);
  const faultsOf = (id: string) => schedule.filter((fault) => fault.target === id || JSON.stringify(fault.params ?? {}).includes(`"${id}"`)).length;
  out.push('\nSummary (truth, per node):');
  out.push('  node  faults touching it  down ms  paused ms  total it sees');
  for (const id of NODES) {
    const cells = [faultsOf(id), total(sim.truth.downIntervals(id, sim.now)).toFixed(0), total(sim.truth.pausedIntervals(id, sim.now)).toFixed(0), totalSeenBy(id)];
    out.push(`  ${id.padEnd(4)}  ${String(cells[0]).padStart(18)}  ${String(cells[1]).padStart(7)}  ${String(cells[2]).padStart(9)}  ${String(cells[3]).padStart(13)}`);
  }

  out.push(`\nCheck: true total ${trueTotal()}; each node's total: ${NODES.map((id) => `${id}=${totalSeenBy(id)}`).join(' ')}`);
  out.push(convergedAtMs === undefined
    ? `NOT CONVERGED within ${CONVERGE_WITHIN_MS} ms of the liveness phase`
    : `converged ${convergedAtMs - HORIZON_MS} ms after the liveness phase began (bound ${CONVERGE_WITHIN_MS} ms)`);
  const stats = sim.network.stats();
  const dropped = Object.entries(stats.dropped).filter(([, count]) => count > 0).map(([reason, count]) => `${count} ${reason}`);
  out.push(`Figures: ${stats.sent} gossip messages, ${stats.delivered} delivered; dropped: ${dropped.length === 0 ? 'none' : dropped.join(', ')}`);
  const report = writeHtmlReport(join(outDir, 'nemesis.html'), {
    title: `Nemesis: a random fault schedule (seed '${seed}'), then a liveness phase`,
    story: `Five nodes gossip a replicated counter (a grow-only CRDT). sim.nemesis drew ${schedule.length} faults for the first ${HORIZON_MS} ms ` +
      `(swarm mode, at most 2 nodes down at once); from ${HORIZON_MS} ms every fault ends and the workload stops. ` +
      (convergedAtMs === undefined ? `The nodes did not converge within ${CONVERGE_WITHIN_MS} ms.` : `All nodes agreed on the true total ${convergedAtMs - HORIZON_MS} ms later.`),
    runs: [{ label: `seed '${seed}'`, sim, metrics: [{ name: 'total_lag', title: 'how far the furthest-behind live node lags the true total' }] }],
  });
  out.push(`Report: ${report} (open it in a browser)`);
  out.push(`\ntrace hash ${sim.traceHash()}`);
  return out.join('\n');
}

// Run from the command line (not when a test imports main).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(main(process.argv.slice(2)));
}
