/**
 * Randomised fault injection: a nemesis, then a liveness phase. Five nodes keep a replicated
 * counter (a grow-only CRDT: each node counts its own increments durably, and gossips its whole
 * vector to one random peer every 50 ms; merging takes the maximum per node). A workload adds to
 * the counter until 4 s. `sim.nemesis` draws a random fault schedule for those 4 s from the seed
 * — swarm mode also draws which kinds of fault are on — within a budget of at most two nodes down
 * at once. From 4 s the liveness phase ends every fault (crashed nodes restart, partitions heal).
 *
 * What to look for: the schedule (plain JSON: save it, replay it, shrink it), the faults applied
 * and reverted, and the check at the end: did every node converge on the true total within 1 s
 * of the liveness phase? A different seed draws a different schedule.
 *
 * Run: npx tsx examples/nemesis.ts            (or: npx tsx examples/nemesis.ts --seed 7)
 */
import { formatLanes, Simulation, type NodeBehaviour, type NodeHandlers } from 'faultline';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const HORIZON_MS = 4_000;
const CONVERGE_WITHIN_MS = 1_000;
const GOSSIP_EVERY_MS = 50;

type Counts = Record<string, number>;
type Handlers = NodeHandlers<Counts> & { readonly view: Counts };

let workloadOn = true; // the workload (outside the system) stops at the horizon, so totals can settle

const counterNode: NodeBehaviour<Counts, { mine: number }> = (ctx) => {
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
        if (!workloadOn) return;
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

const position = process.argv.indexOf('--seed');
const seed = position >= 0 ? (process.argv[position + 1] ?? 'nemesis') : 'nemesis';
const sim = new Simulation({
  seed,
  trace: true,
  network: { link: { latency: { kind: 'exponential', meanMs: 5, offsetMs: 1 } } },
});
for (const id of NODES) sim.addNode(id, counterNode, { durable: { mine: 0 } });

const schedule = sim.nemesis({ horizonMs: HORIZON_MS, ratePerSec: 2, meanDurationMs: 800, swarm: true, budget: { maxNodesDown: 2 } });
sim.inject(schedule, { budget: { maxNodesDown: 2 } });
sim.livenessPhase(HORIZON_MS);
sim.scheduleAt(HORIZON_MS, () => (workloadOn = false));

// The check: from the liveness phase on, when do all nodes first agree on the true total?
const trueTotal = () => NODES.reduce((sum, id) => sum + sim.node<unknown, { mine: number }>(id).durable.mine, 0);
const totalSeenBy = (id: string) => Object.values(sim.node<Handlers>(id).handlers.view ?? {}).reduce((sum, count) => sum + count, 0);
let convergedAtMs: number | undefined;
function check(): void {
  if (NODES.every((id) => sim.isUp(id) && totalSeenBy(id) === trueTotal())) convergedAtMs = sim.now;
  else if (sim.now < HORIZON_MS + CONVERGE_WITHIN_MS) sim.schedule(10, check);
}
sim.scheduleAt(HORIZON_MS, check);
sim.run({ until: HORIZON_MS + CONVERGE_WITHIN_MS });

console.log(`Nemesis: 5 nodes gossip a replicated counter; random faults for ${HORIZON_MS} ms (seed '${seed}', swarm mode, at most 2 nodes down),`);
console.log(`then a liveness phase. Look for: the random schedule, what it did, and whether all nodes converged within ${CONVERGE_WITHIN_MS} ms.\n`);

console.log(`The schedule the nemesis drew (${schedule.length} faults, plain JSON):`);
for (const fault of schedule) console.log(`  ${JSON.stringify(fault)}`);

console.log('\nWhat happened:');
const story = [
  ...sim.faultLog.map(({ timeMs, phase, fault }) => ({
    timeMs,
    text: `-- ${phase === 'apply' ? 'fault' : 'ends'}: ${[fault.kind, fault.target, fault.params && JSON.stringify(fault.params)].filter(Boolean).join(' ')}`,
  })),
  ...sim.logs().map(({ timeMs, node, message }) => ({ timeMs, text: `${node}  ${message}` })),
  { timeMs: HORIZON_MS, text: '== liveness phase: every fault ends, the workload stops' },
].sort((a, b) => a.timeMs - b.timeMs);
for (const { timeMs, text } of story) console.log(`${timeMs.toFixed(1).padStart(8)} ms  ${text}`);

console.log('\nWho was up (█ up, ✖ crash, · down, ↻ restart; pauses and network faults do not show here):');
console.log(formatLanes(sim.trace!.records(), { nodes: NODES, untilMs: sim.now, columns: 50 }));

console.log(`\nCheck: true total ${trueTotal()}; each node's total: ${NODES.map((id) => `${id}=${totalSeenBy(id)}`).join(' ')}`);
console.log(convergedAtMs === undefined
  ? `NOT CONVERGED within ${CONVERGE_WITHIN_MS} ms of the liveness phase`
  : `converged ${convergedAtMs - HORIZON_MS} ms after the liveness phase began (bound ${CONVERGE_WITHIN_MS} ms)`);
const stats = sim.network.stats();
console.log(`Figures: ${stats.sent} gossip messages, ${stats.delivered} delivered; dropped: ` +
  Object.entries(stats.dropped).filter(([, count]) => count > 0).map(([reason, count]) => `${count} ${reason}`).join(', '));
console.log(`\ntrace hash ${sim.traceHash()}`);
