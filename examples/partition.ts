/**
 * Partitions: split brain. Five nodes run a naive leader election — "the highest id I have heard
 * from recently (or me) is the leader" — with heartbeats every 100 ms and a 300 ms timeout. No
 * node ever crashes; only the network is cut, three ways:
 *
 * 1. a majority/minority partition ({n1,n2,n3} | {n4,n5}): each side elects its own leader;
 * 2. a one-way partition (n5's messages are lost, it still hears everyone): n5 still believes it
 *    leads, the others elect n4 — two leaders although n5 "sees" the whole cluster;
 * 3. a bridge (n3 reaches both sides, the sides cannot reach each other): n1 and n2 follow n3,
 *    which itself follows n5 — the cluster has no single answer to "who leads?".
 *
 * What to look for: lines marked SPLIT BRAIN (two nodes each believe they are the leader). A
 * quorum rule (lead only with a majority's acknowledgement) is what rules this out.
 *
 * Run: npx tsx examples/partition.ts
 */
import { majorityMinority, Simulation, type NodeBehaviour, type NodeHandlers } from 'faultline';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const HEARTBEAT_MS = 100;
const TIMEOUT_MS = 300;
const RUN_FOR_MS = 6_000;

type Handlers = NodeHandlers<'heartbeat'> & { readonly leader: string };

/** Believes the highest id it has heard from within the timeout (or itself) leads. */
const naiveElection: NodeBehaviour<'heartbeat'> = (ctx) => {
  const lastHeardMs = new Map<string, number>();
  const leader = (): string => {
    const alive = ctx.peers.filter((peer) => ctx.now() - (lastHeardMs.get(peer) ?? -Infinity) <= TIMEOUT_MS);
    return [ctx.id, ...alive].sort().at(-1)!;
  };
  const handlers: Handlers = {
    onStart() {
      ctx.setTimer(0, 'heartbeat');
    },
    onTimer() {
      ctx.broadcast('heartbeat');
      ctx.setTimer(HEARTBEAT_MS, 'heartbeat');
    },
    onMessage(from) {
      lastHeardMs.set(from, ctx.now());
    },
    get leader() {
      return leader();
    },
  };
  return handlers;
};

const sim = new Simulation({
  seed: 'partition',
  trace: true,
  network: { link: { latency: { kind: 'normal', meanMs: 10, stdDevMs: 3 } } },
});
for (const id of NODES) sim.addNode(id, naiveElection);

// Every shape of partition is a fault record; sim.heal() (or a durationMs) ends it.
sim.inject([
  { kind: 'partition', atMs: 1_000, durationMs: 1_000, params: { groups: majorityMinority(NODES) } },
  { kind: 'partition-one-way', atMs: 2_600, durationMs: 1_000, params: { from: ['n5'], to: ['n1', 'n2', 'n3', 'n4'] } },
  { kind: 'bridge', atMs: 4_200, params: { sides: [['n1', 'n2'], ['n4', 'n5']], bridge: 'n3' } },
]);
sim.scheduleAt(5_200, () => sim.heal()); // the bridge had no duration: heal it by hand

// An observer outside the system samples every node's belief every 10 ms. Beliefs flicker for a
// few ms while heartbeats race each other, so only states that last 50 ms or more are printed.
const SAMPLE_MS = 10;
const WARM_UP_MS = 300;
const segments: Array<{ fromMs: number; toMs: number; beliefs: string[] }> = [];
function observe(): void {
  const beliefs = NODES.map((id) => sim.node<Handlers>(id).handlers.leader);
  const last = segments.at(-1);
  if (last !== undefined && last.beliefs.join() === beliefs.join()) last.toMs = sim.now + SAMPLE_MS;
  else segments.push({ fromMs: sim.now, toMs: sim.now + SAMPLE_MS, beliefs });
  if (sim.now + SAMPLE_MS < RUN_FOR_MS) sim.schedule(SAMPLE_MS, observe);
}
sim.scheduleAt(WARM_UP_MS, observe);
sim.run({ until: RUN_FOR_MS });

const story = sim.faultLog.map(({ timeMs, phase, fault }) => ({
  timeMs,
  text: `-- ${phase === 'apply' ? 'fault' : 'healed'}: ${fault.kind} ${JSON.stringify(fault.params)}`,
}));
let splitBrainMs = 0;
for (const { fromMs, toMs, beliefs } of segments) {
  const leaders = NODES.filter((id, index) => beliefs[index] === id);
  if (leaders.length > 1) splitBrainMs += toMs - fromMs;
  if (toMs - fromMs < 50) continue;
  const verdict = leaders.length > 1 ? '   <- SPLIT BRAIN' : new Set(beliefs).size > 1 ? '   <- no agreement on who leads' : '';
  story.push({ timeMs: fromMs, text: `${beliefs.map((belief) => belief.padEnd(4)).join('')}  ${leaders.join(', ').padEnd(10)} ${`${toMs - fromMs} ms`.padStart(8)}${verdict}` });
}
story.sort((a, b) => a.timeMs - b.timeMs);

console.log('Split brain: 5 nodes, "highest id heard from in the last 300 ms leads", heartbeats every 100 ms.');
console.log('Faults: majority/minority partition at 1000 ms, one-way partition (n5 mute) at 2600 ms, bridge via n3 at 4200 ms.');
console.log('Look for: SPLIT BRAIN lines, where two nodes each believe they lead. Nothing ever crashes.\n');
console.log('What happened (who each node believes leads; printed when beliefs change and then hold for 50 ms or more):');
console.log(`     time  ${NODES.map((id) => id.padEnd(4)).join('')}  leaders    held for`);
for (const { timeMs, text } of story) console.log(`${timeMs.toFixed(0).padStart(6)} ms  ${text}`);

const stats = sim.network.stats();
console.log('\nFigures:');
console.log(`  time with two or more self-proclaimed leaders: ~${splitBrainMs} ms of ${RUN_FOR_MS} ms`);
console.log(`  truth: n1 -> n5 cut during ${JSON.stringify(sim.truth.cutIntervals('n1', 'n5', sim.now))}, ` +
  `n5 -> n1 cut during ${JSON.stringify(sim.truth.cutIntervals('n5', 'n1', sim.now))}`);
console.log(`  messages: ${stats.sent} sent, ${stats.dropped['link-blocked']} dropped at a cut, nodes down at any time: ` +
  `${NODES.filter((id) => sim.truth.downIntervals(id, sim.now).length > 0).length}`);
console.log(`\ntrace hash ${sim.traceHash()}`);
