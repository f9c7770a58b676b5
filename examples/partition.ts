/**
 * Partitions: split brain, and the quorum that prevents it. Five nodes elect a leader, and
 * whichever node believes it leads accepts a client write every 100 ms. No node ever crashes;
 * only the network is cut, three ways, and both versions face exactly the same faults:
 *
 * 1. a majority/minority partition ({n1,n2,n3} | {n4,n5}) from 1 s to 2 s;
 * 2. a one-way partition from 2.6 s to 3.6 s: n5's messages are lost, it still hears everyone;
 * 3. a bridge from 4.2 s to 5.2 s: n3 reaches both sides, the sides cannot reach each other.
 *
 * The naive version: "the highest id I have heard from in the last 300 ms (or me) leads", and a
 * leader acknowledges a write at once. Each side of the first partition elects its own leader;
 * in the one-way partition n5 still believes it leads (it hears everyone, nobody hears it); in the
 * bridge the cluster has no single answer to "who leads?".
 *
 * The quorum version (Raft's election, cut down to what this lesson needs): a candidate needs
 * votes from a majority (3 of 5) in a new term; a node votes once per term, and not at all while
 * it hears from a live leader; a message with a higher term makes an old leader step down. A
 * leader holds a lease only while a majority acknowledges its heartbeats (the lease, 250 ms, is
 * shorter than the 300 ms before anyone votes again), and it acknowledges a write only once a
 * majority holds it. The minority side cannot elect anyone and cannot acknowledge anything.
 *
 * What to look for: SPLIT BRAIN lines in the naive timeline and none in the quorum timeline; in
 * the summary table, leaders at once (max), time with two leaders and writes acknowledged by a
 * node on the minority side (it could reach fewer than 3 of 5 nodes both ways): the writes a
 * real system would lose when the partition heals. And the price of safety: while the majority
 * side elects a new leader, no one leads and writes wait ("ms with no leader"); the minority side
 * never gets a leader until the heal.
 *
 * The run writes `out/partition.html` (open it in a browser): both runs with their faults, a
 * space-time diagram, and charts of the leaders at once and the writes acknowledged on each side.
 *
 * Run: npx tsx examples/partition.ts [--out out]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { majorityMinority, Simulation, type FaultSchedule, type NodeBehaviour, type NodeHandlers } from 'faultline';
import { writeHtmlReport, type ReportTable } from 'faultline/report';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const MAJORITY = 3;
const HEARTBEAT_MS = 100;
const TIMEOUT_MS = 300; // naive: forget a node not heard from for this long; quorum: the least election timeout
const ELECTION_JITTER_MS = 200; // quorum: election timeouts are drawn from [300, 500) ms so candidates rarely collide
const LEASE_MS = 250; // quorum: shorter than TIMEOUT_MS, so a lease always expires before anyone votes again
const RUN_FOR_MS = 6_000;
const SAMPLE_MS = 10;
const WARM_UP_MS = 600;

/** What the observer reads from every node, whichever version it runs. */
interface Observable {
  /** Whom this node believes leads ('-' for no one). */
  readonly leader: string;
  /** When this node acknowledged a client write (its local clock; clocks are perfect here). */
  readonly acknowledgedAtMs: readonly number[];
}

// ---- the naive version ----------------------------------------------------------------------

type NaiveMessage = 'heartbeat';

/** Believes the highest id it has heard from within the timeout (or itself) leads; a leader acknowledges writes at once. */
const naiveElection: NodeBehaviour<NaiveMessage> = (ctx) => {
  const lastHeardMs = new Map<string, number>();
  const acknowledgedAtMs: number[] = [];
  const leader = (): string => {
    const alive = ctx.peers.filter((peer) => ctx.now() - (lastHeardMs.get(peer) ?? -Infinity) <= TIMEOUT_MS);
    return [ctx.id, ...alive].sort().at(-1)!;
  };
  const handlers: NodeHandlers<NaiveMessage> & Observable = {
    onStart() {
      ctx.setTimer(0, 'heartbeat');
    },
    onTimer() {
      ctx.broadcast('heartbeat');
      if (ctx.now() >= WARM_UP_MS && leader() === ctx.id) acknowledgedAtMs.push(ctx.now()); // no one else is asked
      ctx.setTimer(HEARTBEAT_MS, 'heartbeat');
    },
    onMessage(from) {
      lastHeardMs.set(from, ctx.now());
    },
    get leader() {
      return leader();
    },
    acknowledgedAtMs,
  };
  return handlers;
};

// ---- the quorum version ---------------------------------------------------------------------

type QuorumMessage =
  | { type: 'pre-vote'; term: number } // "would you vote for me in this term?" changes no one's state
  | { type: 'pre-vote-granted'; term: number }
  | { type: 'request-vote'; term: number }
  | { type: 'vote'; term: number }
  | { type: 'append'; term: number; round: number } // heartbeat carrying one client write
  | { type: 'ack'; term: number; round: number; ok: boolean };

/** Majority votes to lead, one vote per term, a lease renewed by majority acks, writes acknowledged on majority acks. */
const quorumElection: NodeBehaviour<QuorumMessage> = (ctx) => {
  let term = 0;
  let role: 'follower' | 'pre-candidate' | 'candidate' | 'leader' = 'follower';
  let votedFor: string | undefined;
  let knownLeader: string | undefined;
  let lastHeardLeaderMs = -Infinity; // a leader's append, a granted vote, or (for a leader) its own heartbeat
  let electionTimeoutMs = TIMEOUT_MS;
  let electionDeadlineMs = 0;
  let candidacyStartMs = 0;
  let votes = new Set<string>(); // pre-votes while a pre-candidate, votes while a candidate
  let leaseUntilMs = 0;
  let round = 0;
  const rounds = new Map<number, { sentAtMs: number; acks: Set<string>; committed: boolean }>();
  const acknowledgedAtMs: number[] = [];

  const leads = (): boolean => role === 'leader' && ctx.now() < leaseUntilMs;
  const drawTimeout = (): number => TIMEOUT_MS + ctx.rng.uniform(0, ELECTION_JITTER_MS);
  const heardLeader = (): void => {
    lastHeardLeaderMs = ctx.now();
    electionDeadlineMs = ctx.now() + electionTimeoutMs;
  };
  const stepDown = (newTerm: number): void => {
    if (newTerm > term) [term, votedFor] = [newTerm, undefined];
    if (role === 'leader') ctx.log(`steps down in term ${term}`, { term });
    [role, knownLeader] = ['follower', undefined];
  };
  // Pre-vote (Raft thesis §9.6): a node that cannot reach a majority never raises its term, so
  // when the partition heals it cannot depose the majority's leader with a higher term.
  const startPreVote = (): void => {
    [role, knownLeader] = ['pre-candidate', undefined];
    votes = new Set([ctx.id]);
    electionTimeoutMs = drawTimeout();
    electionDeadlineMs = ctx.now() + electionTimeoutMs;
    ctx.broadcast({ type: 'pre-vote', term: term + 1 });
  };
  const startElection = (): void => {
    [term, role, votedFor, knownLeader] = [term + 1, 'candidate', ctx.id, undefined];
    votes = new Set([ctx.id]);
    candidacyStartMs = ctx.now();
    electionTimeoutMs = drawTimeout();
    electionDeadlineMs = ctx.now() + electionTimeoutMs;
    ctx.broadcast({ type: 'request-vote', term });
  };
  const heartbeat = (): void => {
    round++;
    heardLeader(); // a leader hears itself: it votes for no one while it leads
    rounds.set(round, { sentAtMs: ctx.now(), acks: new Set([ctx.id]), committed: false });
    ctx.broadcast({ type: 'append', term, round });
  };
  const onAck = (from: string, message: Extract<QuorumMessage, { type: 'ack' }>): void => {
    const sent = rounds.get(message.round);
    if (role !== 'leader' || message.term !== term || !message.ok || sent === undefined) return;
    sent.acks.add(from);
    if (sent.acks.size < MAJORITY || sent.committed) return;
    sent.committed = true;
    leaseUntilMs = Math.max(leaseUntilMs, sent.sentAtMs + LEASE_MS); // counted from the send: every acker heard us after it
    if (sent.sentAtMs >= WARM_UP_MS) acknowledgedAtMs.push(ctx.now());
  };

  const handlers: NodeHandlers<QuorumMessage> & Observable = {
    onStart() {
      electionTimeoutMs = drawTimeout();
      electionDeadlineMs = electionTimeoutMs;
      ctx.setTimer(electionTimeoutMs, 'election');
      ctx.setTimer(HEARTBEAT_MS, 'heartbeat');
    },
    onTimer(name) {
      if (name === 'heartbeat') {
        if (role === 'leader' && !leads()) stepDown(term); // the lease ran out: no majority heard us lately
        if (role === 'leader') heartbeat();
        ctx.setTimer(HEARTBEAT_MS, 'heartbeat');
        return;
      }
      if (role !== 'leader' && ctx.now() >= electionDeadlineMs) startPreVote();
      ctx.setTimer(Math.max(SAMPLE_MS, electionDeadlineMs - ctx.now()), 'election');
    },
    onMessage(from, message) {
      // A node that heard a live leader lately ignores candidates: that is what keeps the lease safe.
      const sticky = ctx.now() - lastHeardLeaderMs < TIMEOUT_MS;
      if (message.type === 'pre-vote') {
        if (!sticky && message.term > term) ctx.send(from, { type: 'pre-vote-granted', term: message.term });
        return;
      }
      if (message.type === 'pre-vote-granted') {
        if (role !== 'pre-candidate' || message.term !== term + 1) return;
        votes.add(from);
        if (votes.size >= MAJORITY) startElection();
        return;
      }
      if (message.type === 'request-vote') {
        if (sticky) return;
        if (message.term > term) stepDown(message.term);
        if (message.term < term || (votedFor !== undefined && votedFor !== from)) return;
        votedFor = from;
        heardLeader(); // counted as hearing a leader: this voter backs no one else until a lease would have run out
        ctx.send(from, { type: 'vote', term });
        return;
      }
      if (message.term > term) stepDown(message.term);
      if (message.type === 'vote') {
        if (role !== 'candidate' || message.term !== term) return;
        votes.add(from);
        if (votes.size < MAJORITY) return;
        [role, knownLeader, leaseUntilMs] = ['leader', ctx.id, candidacyStartMs + LEASE_MS];
        ctx.log(`elected in term ${term} with votes of ${[...votes].sort().join(', ')}`, { term });
        heartbeat();
      } else if (message.type === 'append') {
        const current = message.term === term;
        if (current) {
          [role, knownLeader] = ['follower', from];
          heardLeader();
        }
        ctx.send(from, { type: 'ack', term, round: message.round, ok: current });
      } else {
        onAck(from, message);
      }
    },
    get leader() {
      if (role === 'leader') return leads() ? ctx.id : '-';
      return knownLeader !== undefined && ctx.now() - lastHeardLeaderMs <= TIMEOUT_MS ? knownLeader : '-';
    },
    acknowledgedAtMs,
  };
  return handlers;
};

// ---- one run: the same faults and network for both ----------------------------------------

const FAULTS: FaultSchedule = [
  { kind: 'partition', atMs: 1_000, durationMs: 1_000, params: { groups: majorityMinority(NODES) } },
  { kind: 'partition-one-way', atMs: 2_600, durationMs: 1_000, params: { from: ['n5'], to: ['n1', 'n2', 'n3', 'n4'] } },
  { kind: 'bridge', atMs: 4_200, params: { sides: [['n1', 'n2'], ['n4', 'n5']], bridge: 'n3' } },
];
const BRIDGE_HEALED_MS = 5_200; // the bridge has no duration: sim.heal() ends it
const PHASES = [
  { name: 'no fault', fromMs: WARM_UP_MS, toMs: 1_000 },
  { name: 'majority/minority', fromMs: 1_000, toMs: 2_000 },
  { name: 'no fault', fromMs: 2_000, toMs: 2_600 },
  { name: 'one-way (n5 mute)', fromMs: 2_600, toMs: 3_600 },
  { name: 'no fault', fromMs: 3_600, toMs: 4_200 },
  { name: 'bridge via n3', fromMs: 4_200, toMs: BRIDGE_HEALED_MS },
  { name: 'no fault', fromMs: BRIDGE_HEALED_MS, toMs: RUN_FOR_MS },
];

interface Segment {
  fromMs: number;
  toMs: number;
  beliefs: string[];
}

interface Run {
  label: string;
  sim: Simulation;
  segments: Segment[];
  /** Per write: when (true time) and whether its node could reach a majority both ways then. */
  writes: Array<{ node: string; atMs: number; onMinoritySide: boolean }>;
}

function run<M>(label: string, behaviour: NodeBehaviour<M>): Run {
  const sim = new Simulation({
    seed: 'partition',
    trace: true,
    network: { link: { latency: { kind: 'normal', meanMs: 10, stdDevMs: 3 } } },
  });
  for (const id of NODES) sim.addNode(id, behaviour);
  sim.inject(FAULTS);
  sim.scheduleAt(BRIDGE_HEALED_MS, () => sim.heal());
  const reachable = (id: string, atMs: number) => 1 + NODES.filter((peer) => peer !== id && !sim.truth.isCut(id, peer, atMs) && !sim.truth.isCut(peer, id, atMs)).length;

  // An observer outside the system samples every node's belief every 10 ms, and charts the
  // leaders at once and the writes acknowledged on each side for the report.
  sim.metrics.configure({ intervalMs: 20 });
  const leadersGauge = sim.metrics.gauge('leaders', { help: 'nodes that believe they lead' });
  const writesCounter = sim.metrics.counter('writes_acknowledged_total', { help: 'client writes acknowledged, by the side of the node that acknowledged them', labelNames: ['side'] });
  const segments: Segment[] = [];
  const counted = new Map<string, number>();
  for (const side of ['majority', 'minority']) writesCounter.inc(0, { side }); // both lines drawn, even at zero
  const observe = (): void => {
    const beliefs = NODES.map((id) => sim.node<Observable>(id).handlers.leader);
    leadersGauge.set(leadersIn(beliefs).length);
    for (const id of NODES) {
      const acknowledged = sim.node<Observable>(id).handlers.acknowledgedAtMs;
      for (const atMs of acknowledged.slice(counted.get(id) ?? 0)) writesCounter.inc(1, { side: reachable(id, atMs) < MAJORITY ? 'minority' : 'majority' });
      counted.set(id, acknowledged.length);
    }
    const last = segments.at(-1);
    if (last !== undefined && last.beliefs.join() === beliefs.join()) last.toMs = sim.now + SAMPLE_MS;
    else segments.push({ fromMs: sim.now, toMs: sim.now + SAMPLE_MS, beliefs });
    if (sim.now + SAMPLE_MS < RUN_FOR_MS) sim.schedule(SAMPLE_MS, observe);
  };
  sim.scheduleAt(WARM_UP_MS, observe);
  sim.run({ until: RUN_FOR_MS });

  const writes = NODES.flatMap((node) =>
    sim.node<Observable>(node).handlers.acknowledgedAtMs.map((atMs) => ({ node, atMs, onMinoritySide: reachable(node, atMs) < MAJORITY })),
  );
  return { label, sim, segments, writes };
}

const leadersIn = (beliefs: readonly string[]) => NODES.filter((id, index) => beliefs[index] === id);

function verdict(beliefs: readonly string[]): string {
  const leaders = leadersIn(beliefs);
  if (leaders.length > 1) return '   <- SPLIT BRAIN';
  if (leaders.length === 0) return '   <- no leader: writes wait';
  const named = new Set(beliefs.filter((belief) => belief !== '-'));
  if (named.size > 1) return '   <- no agreement on who leads';
  return beliefs.includes('-') ? '   <- one leader; nodes cut off from it know of none' : '';
}

/** The belief timeline, printed when beliefs change and then hold for 50 ms or more. */
function timeline(result: Run): string[] {
  const story = result.sim.faultLog.map(({ timeMs, phase, fault }) => ({
    timeMs,
    text: `-- ${phase === 'apply' ? 'fault' : 'healed'}: ${fault.kind} ${JSON.stringify(fault.params)}`,
  }));
  for (const { timeMs, node, message } of result.sim.logs()) story.push({ timeMs, text: `   ${node} ${message}` });
  for (const { fromMs, toMs, beliefs } of result.segments) {
    if (toMs - fromMs < 50) continue;
    const leaders = leadersIn(beliefs);
    story.push({ timeMs: fromMs, text: `${beliefs.map((belief) => belief.padEnd(4)).join('')}  ${(leaders.join(', ') || '-').padEnd(10)} ${`${toMs - fromMs} ms`.padStart(8)}${verdict(beliefs)}` });
  }
  story.sort((a, b) => a.timeMs - b.timeMs);
  return [
    `     time  ${NODES.map((id) => id.padEnd(4)).join('')}  leaders    held for`,
    ...story.map(({ timeMs, text }) => `${timeMs.toFixed(0).padStart(6)} ms  ${text}`),
  ];
}

/** The table's figures for one run over [fromMs, toMs). */
function figures(result: Run, fromMs: number, toMs: number) {
  let maxLeaders = 0;
  let splitBrainMs = 0;
  let leaderlessMs = 0;
  for (const segment of result.segments) {
    const overlapMs = Math.min(segment.toMs, toMs) - Math.max(segment.fromMs, fromMs);
    if (overlapMs <= 0) continue;
    const leaders = leadersIn(segment.beliefs).length;
    maxLeaders = Math.max(maxLeaders, leaders);
    if (leaders > 1) splitBrainMs += overlapMs;
    if (leaders === 0) leaderlessMs += overlapMs;
  }
  const writes = result.writes.filter((write) => write.atMs >= fromMs && write.atMs < toMs);
  return { maxLeaders, splitBrainMs, leaderlessMs, writes: writes.length, minorityWrites: writes.filter((write) => write.onMinoritySide).length };
}

const SUMMARY_COLUMNS = ['phase', 'version', 'leaders at once (max)', 'ms with 2+ leaders', 'ms with no leader', 'writes acked', 'on a minority side'];

/** One row per faulty phase and version, then the whole run: the table printed and put in the report. */
function summaryRows(runs: readonly Run[]): Array<[string, string, number, number, number, number, number]> {
  const row = (phase: string, result: Run, fromMs: number, toMs: number) => {
    const { maxLeaders, splitBrainMs, leaderlessMs, writes, minorityWrites } = figures(result, fromMs, toMs);
    return [phase, result.label, maxLeaders, splitBrainMs, leaderlessMs, writes, minorityWrites] as [string, string, number, number, number, number, number];
  };
  const windows = [...PHASES.filter((phase) => phase.name !== 'no fault'), { name: 'whole run', fromMs: WARM_UP_MS, toMs: RUN_FOR_MS }];
  return windows.flatMap(({ name, fromMs, toMs }) => runs.map((result) => row(`${name} ${fromMs}-${toMs}`, result, fromMs, toMs)));
}

function summaryTable(runs: readonly Run[]): string[] {
  const widths = [27, 7, 21, 18, 17, 12, 18];
  const format = (cells: ReadonlyArray<string | number>) => `  ${cells.map((cell, index) => (index < 2 ? String(cell).padEnd(widths[index]!) : String(cell).padStart(widths[index]!))).join('  ')}`;
  return [format(SUMMARY_COLUMNS), ...summaryRows(runs).map(format)];
}

/** The HTML report: the summary table, then each run with its faults, messages and charts. */
function writeReport(path: string, runs: readonly Run[]): string {
  const table: ReportTable = { caption: 'naive election against quorum, same faults (sampled every 10 ms from 600 ms)', columns: SUMMARY_COLUMNS, rows: summaryRows(runs) };
  const metrics = [
    { name: 'leaders', title: 'nodes that believe they lead' },
    { name: 'writes_acknowledged_total', show: 'value' as const, title: 'writes acknowledged so far, by side' },
  ];
  return writeHtmlReport(path, {
    title: 'Partitions: split brain, and the quorum that prevents it',
    story: 'Five nodes elect a leader; whoever believes it leads acknowledges a client write every 100 ms. Only the network fails: ' +
      'a majority/minority partition (1-2 s), a one-way partition that mutes n5 (2.6-3.6 s), and a bridge through n3 (4.2-5.2 s).\n\n' +
      'The naive election ("the highest id heard from lately leads") gives two leaders and acknowledges writes on the minority side. ' +
      'The quorum (majority votes in a new term, pre-vote, a lease kept by majority acks, writes acknowledged by a majority) never has two leaders; ' +
      'the price is time with no leader while the majority elects one.',
    tables: [table],
    runs: [
      { label: 'naive: the highest id heard from lately leads', sim: runs[0]!.sim, metrics },
      { label: 'quorum: majority votes, terms, leases', sim: runs[1]!.sim, metrics },
    ],
  });
}

/** Runs the naive and the quorum election under the same faults, writes the report, and returns what the example prints. */
export function main(argv: readonly string[] = []): string {
  const position = argv.indexOf('--out');
  const outDir = position >= 0 ? (argv[position + 1] ?? 'out') : 'out';
  const naive = run('naive', naiveElection);
  const quorum = run('quorum', quorumElection);
  const report = writeReport(join(outDir, 'partition.html'), [naive, quorum]);
  const stats = quorum.sim.network.stats();
  return [
    'Split brain, and the quorum that prevents it: 5 nodes elect a leader; a leader accepts a client write every 100 ms.',
    'Faults (the same for both): majority/minority partition 1000-2000 ms, one-way partition (n5 mute) 2600-3600 ms, bridge via n3 4200-5200 ms.',
    'Look for: SPLIT BRAIN lines in the naive run and none with the quorum; writes acknowledged on a minority side. Nothing ever crashes.\n',
    'Naive: "the highest id heard from in the last 300 ms leads" (who each node believes leads; - is no one):',
    ...timeline(naive),
    '\nQuorum: a majority of votes in a new term to lead, a lease kept by majority acks, writes acknowledged by a majority:',
    ...timeline(quorum),
    '\nSummary (sampled every 10 ms from 600 ms; a write is "on a minority side" if its node reached fewer than 3 of 5 nodes both ways):',
    ...summaryTable([naive, quorum]),
    '\nFigures:',
    `  truth: n1 -> n5 cut during ${JSON.stringify(quorum.sim.truth.cutIntervals('n1', 'n5', quorum.sim.now))}, ` +
      `n5 -> n1 cut during ${JSON.stringify(quorum.sim.truth.cutIntervals('n5', 'n1', quorum.sim.now))}`,
    `  quorum run: ${stats.sent} messages sent, ${stats.dropped['link-blocked']} dropped at a cut, ` +
      `${quorum.sim.logs().filter((entry) => entry.message.startsWith('elected')).length} elections won; nodes down at any time: ` +
      `${NODES.filter((id) => quorum.sim.truth.downIntervals(id, quorum.sim.now).length > 0).length}`,
    `  trace hashes: naive ${naive.sim.traceHash()}, quorum ${quorum.sim.traceHash()}`,
    `  report: ${report} (open it in a browser)`,
    `\ntrace hash ${quorum.sim.traceHash()}`,
  ].join('\n');
}

// Run from the command line (not when a test imports main).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(main(process.argv.slice(2)));
}
