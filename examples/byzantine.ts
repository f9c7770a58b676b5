/**
 * Byzantine faults: a node that lies, and what it takes to agree anyway. Nodes vote commit/abort
 * in rounds of 300 ms and decide by the majority of the votes they have (a tie aborts). Honest
 * votes are n1 commit, n2 abort, n3 commit, n4 commit, so every honest node should commit. Then
 * n4 turns byzantine, a different way in each round, the same in every version below:
 *
 * - round 2, equivocate: n4 tells n2 "abort" and everyone else "commit" (in every message it
 *   sends, and it authenticates each lie properly: its own keys are its own);
 * - round 3, forge: n4's messages claim to come from n2;
 * - round 4, corrupt: each of n4's messages has one field replaced by garbage.
 *
 * Four versions face that one adversary (f = 1 liar):
 *
 * 1. naive, 4 nodes: every message is believed. Equivocation splits the honest nodes; forged
 *    votes are credited to n2 (even n2 "hears" itself vote commit); garbage is counted as a vote.
 * 2. MACs, 4 nodes: every pair of nodes shares a secret key and every message carries a keyed
 *    hash of its content under that key (a MAC; here a small FNV-1a based function, a stand-in
 *    for HMAC). Forged and corrupted messages fail the check and are dropped, but equivocation
 *    still splits the honest nodes: each lie is a genuine message from n4.
 * 3. MACs + echo, 4 nodes (n = 3f + 1): Bracha's reliable broadcast for every vote. A node
 *    echoes the first vote it gets from each sender; on n - f matching echoes (or f + 1 readies)
 *    it sends "ready"; it accepts a sender's vote on n - f matching readies. Any two groups of
 *    n - f = 3 out of 4 share an honest node, and an honest node echoes one value only, so no two
 *    honest nodes accept different votes from n4: the honest nodes agree in every round.
 * 4. MACs + echo, 3 nodes (n1, n2, n4; n < 3f + 1): the same protocol. A node cannot wait for
 *    more than n - f = 2 echoes (the liar may never answer), and two groups of 2 out of 3 can
 *    share only the liar: n1 accepts n4's "commit", n2 accepts n4's "abort", and they disagree.
 *    Three nodes are not enough to tolerate one liar.
 *
 * (MACs authenticate a link but prove nothing to a third node; with signatures anyone can check,
 * synchronous protocols such as Dolev-Strong can do with fewer nodes. Bracha's bound is for
 * authenticated links, which is what this example models.)
 *
 * What to look for: the DISAGREE verdicts per version, and in the summary table the rounds with
 * disagreeing honest nodes, the forged votes accepted (votes credited to an honest node that it
 * did not cast) and the garbage votes counted.
 *
 * The run writes `out/byzantine.html` (open it in a browser): the summary table and, per version,
 * the byzantine faults and a space-time diagram of every message (the echo rounds are busy).
 *
 * Run: npx tsx examples/byzantine.ts [--out out]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { equivocation, Simulation, type FaultSchedule, type NodeBehaviour } from 'faultline';
import { writeHtmlReport } from 'faultline/report';

const HONEST_VOTE: Record<string, string> = { n1: 'commit', n2: 'abort', n3: 'commit', n4: 'commit' };
const LIAR = 'n4';
const F = 1;
const ROUND_MS = 300;
const DECIDE_AFTER_MS = 200; // vote, echo, ready, amplified ready: four hops of at most 30 ms each
const ROUNDS = 5;

interface Version {
  label: string;
  nodes: readonly string[];
  authenticate: boolean;
  echo: boolean;
  /** What the version does and what comes of it, for the report. */
  story: string;
}

const VERSIONS: readonly Version[] = [
  { label: 'naive, n = 4', nodes: ['n1', 'n2', 'n3', 'n4'], authenticate: false, echo: false,
    story: 'Every message is believed: n2 is split off by the equivocation, the forged votes are credited to n2, and garbage counts as a vote.' },
  { label: 'MACs, n = 4', nodes: ['n1', 'n2', 'n3', 'n4'], authenticate: true, echo: false,
    story: 'Forged and corrupted messages fail the keyed-hash check and are dropped; the equivocation still splits n2 off, since each lie is a genuine message from n4.' },
  { label: 'MACs + echo, n = 4', nodes: ['n1', 'n2', 'n3', 'n4'], authenticate: true, echo: true,
    story: "Bracha's echo broadcast with quorums of n - f = 3: any two share an honest node, so no two honest nodes accept different votes from n4. Agreement in every round, at about 8 times the messages." },
  { label: 'MACs + echo, n = 3', nodes: ['n1', 'n2', 'n4'], authenticate: true, echo: true,
    story: 'The same protocol on 3 nodes: quorums of n - f = 2 can share only the liar, so n1 accepts its commit and n2 its abort. 3 nodes cannot tolerate 1 liar.' },
];

// ---- message authentication -----------------------------------------------------------------

/** A keyed hash, a stand-in for HMAC: 32-bit FNV-1a over key | payload | key, as 8 hex digits. */
function keyedHash(key: string, payload: string): string {
  let hash = 0x811c9dc5;
  for (const char of `${key}|${payload}|${key}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

// The key two nodes share, dealt before the run. Any code here could call this; the example's
// rule (the assumption a MAC rests on) is that a node uses only the keys of its own links.
const linkKey = (a: string, b: string): string => keyedHash('dealer secret', [a, b].sort().join('+'));

/** A vote (its sender is whoever sent it), or an echo or ready about `sender`'s vote; `mac` when authenticated. */
type Message = { type: 'vote' | 'echo' | 'ready'; round: number; sender?: string; vote: string; mac?: string };

const macOf = (message: Message, from: string, to: string): string =>
  keyedHash(linkKey(from, to), JSON.stringify([message.type, message.round, message.sender ?? null, message.vote]));

/** A message whose fields are what an honest sender writes and whose MAC checks out on this link. */
function authentic(message: unknown, from: string, to: string): message is Message {
  if (typeof message !== 'object' || message === null) return false;
  const candidate = message as Message;
  return ['vote', 'echo', 'ready'].includes(candidate.type) && candidate.mac === macOf(candidate, from, to);
}

// ---- the adversary --------------------------------------------------------------------------

/** n4's equivocation: n2 is told "abort", everyone else "commit", in every message with a vote; each lie MACed with n4's own key. */
const tellN2Abort = equivocation((message, peer, _index, { node }) => {
  if (typeof message !== 'object' || message === null || !('vote' in message)) return message;
  const lie = { ...(message as Message), vote: peer === 'n2' ? 'abort' : 'commit' };
  return lie.mac === undefined ? lie : { ...lie, mac: macOf(lie, node, peer) };
});

// Each fault covers one round (round r starts at r * 300 ms); a 20 ms gap keeps them apart.
const during = (round: number) => ({ atMs: round * ROUND_MS - 50, durationMs: ROUND_MS - 20 });
const FAULTS: FaultSchedule = [
  { kind: 'byzantine', ...during(2), target: LIAR, params: { behaviour: 'equivocate', derive: 'tell-n2-abort' } },
  { kind: 'byzantine', ...during(3), target: LIAR, params: { behaviour: 'forge', as: 'n2' } },
  { kind: 'byzantine', ...during(4), target: LIAR, params: { behaviour: 'corrupt', probability: 1 } },
];
const BEHAVIOUR_IN_ROUND = ['honest', 'equivocate', 'forge', 'corrupt', 'honest'];

// ---- the voter ------------------------------------------------------------------------------

/** Tallies per round: whose vote is what, as this node counts it. */
type Tally = Map<string, unknown>;

/** Decides by majority of the tally; a tie (or garbage) aborts. */
function decide(nodes: readonly string[], tally: Tally): 'commit' | 'abort' {
  const seen = nodes.map((id) => tally.get(id)).filter((vote) => vote !== undefined);
  const commits = seen.filter((vote) => vote === 'commit').length;
  return commits > seen.length - commits ? 'commit' : 'abort';
}

/** Sends an echo or a ready about `sender`'s vote to every peer. */
type Relay = (type: 'echo' | 'ready', round: number, sender: string, vote: string) => void;

/**
 * Bracha's reliable broadcast of every node's vote, one instance per (round, sender), as seen by
 * one node. It counts its own echoes and readies as if received.
 */
function brachaBroadcast(self: string, nodes: readonly string[], relay: Relay, deliver: (round: number, sender: string, vote: string) => void) {
  const quorum = nodes.length - F; // one cannot wait for more: f nodes may never answer
  const heardFrom = new Map<string, Set<string>>(); // `${kind}|${round}|${sender}|${vote}` -> who said so
  const done = new Set<string>(); // `${step}|${round}|${sender}`: each step at most once per instance
  const count = (kind: string, round: number, sender: string, vote: string, from: string): number => {
    const key = `${kind}|${round}|${sender}|${vote}`;
    return (heardFrom.get(key) ?? heardFrom.set(key, new Set()).get(key)!).add(from).size;
  };
  const firstTime = (step: string, round: number, sender: string): boolean => {
    const key = `${step}|${round}|${sender}`;
    if (done.has(key)) return false;
    done.add(key);
    return true;
  };
  const receive = (from: string, type: Message['type'], round: number, sender: string, vote: string): void => {
    const relayAndCount = (step: 'echo' | 'ready') => {
      relay(step, round, sender, vote);
      receive(self, step, round, sender, vote);
    };
    if (type === 'vote') {
      if (from === sender && firstTime('echo', round, sender)) relayAndCount('echo'); // echo only the first vote a sender sends
    } else if (type === 'echo') {
      if (count('echo', round, sender, vote, from) >= quorum && firstTime('ready', round, sender)) relayAndCount('ready');
    } else {
      const readies = count('ready', round, sender, vote, from);
      if (readies >= F + 1 && firstTime('ready', round, sender)) relayAndCount('ready'); // f + 1 readies include an honest one
      if (readies >= quorum && firstTime('deliver', round, sender)) deliver(round, sender, vote);
    }
  };
  return receive;
}

function voter(version: Version): NodeBehaviour<Message> {
  return (ctx) => {
    const tallies = new Map<number, Tally>();
    const tallyOf = (round: number): Tally => tallies.get(round) ?? tallies.set(round, new Map()).get(round)!;
    const send = (message: Message): void => {
      for (const peer of ctx.peers) ctx.send(peer, version.authenticate ? { ...message, mac: macOf(message, ctx.id, peer) } : message);
    };
    const relay: Relay = (type, round, sender, vote) => send({ type, round, sender, vote });
    const bracha = version.echo ? brachaBroadcast(ctx.id, version.nodes, relay, (round, sender, vote) => tallyOf(round).set(sender, vote)) : undefined;
    return {
      onStart() {
        ctx.setTimer(ROUND_MS, 'round', 1);
      },
      onTimer(name, data) {
        const round = data as number;
        if (name === 'round') {
          const vote = HONEST_VOTE[ctx.id]!;
          send({ type: 'vote', round, vote });
          if (bracha === undefined) tallyOf(round).set(ctx.id, vote);
          else bracha(ctx.id, 'vote', round, ctx.id, vote);
          ctx.setTimer(DECIDE_AFTER_MS, 'decide', round);
          if (round < ROUNDS) ctx.setTimer(ROUND_MS, 'round', round + 1);
          return;
        }
        const tally = tallyOf(round);
        ctx.log(`round ${round}: decides ${decide(version.nodes, tally)}`, { round, decision: decide(version.nodes, tally), seen: version.nodes.map((id) => tally.get(id)) });
      },
      onMessage(from, message) {
        if (version.authenticate && !authentic(message, from, ctx.id)) return; // forged or corrupted: dropped
        if (bracha !== undefined) bracha(from, message.type, message.round, message.type === 'vote' ? from : message.sender!, message.vote);
        // Without echo: whatever arrives "from" a node is that node's vote, garbage included.
        else if (message.type === 'vote') tallyOf(message.round).set(from, message.vote);
      },
    };
  };
}

// ---- one run per version --------------------------------------------------------------------

interface Run {
  version: Version;
  sim: Simulation;
  /** Per round, per honest node: what it counted (in node order) and decided. */
  rounds: Array<Array<{ node: string; seen: unknown[]; decision: string }>>;
}

function run(version: Version): Run {
  const sim = new Simulation({
    seed: 'byzantine',
    trace: true,
    network: { link: { latency: { kind: 'uniform', minMs: 5, maxMs: 30 } } },
  });
  for (const id of version.nodes) sim.addNode(id, voter(version));
  sim.registerAdversary('tell-n2-abort', tellN2Abort);
  sim.inject(FAULTS);
  sim.run({ until: (ROUNDS + 1) * ROUND_MS });
  const honest = version.nodes.filter((id) => id !== LIAR);
  const rounds = Array.from({ length: ROUNDS }, (_, index) =>
    honest.map((node) => {
      const fields = sim.logs().find((entry) => entry.node === node && entry.fields?.['round'] === index + 1)!.fields!;
      return { node, seen: fields['seen'] as unknown[], decision: fields['decision'] as string };
    }),
  );
  return { version, sim, rounds };
}

const short = (vote: unknown) => (vote === undefined ? '-' : vote === 'commit' ? 'C' : vote === 'abort' ? 'A' : '?');
const agrees = (round: Run['rounds'][number]) => new Set(round.map(({ decision }) => decision)).size === 1;

/** Votes credited to an honest node that it did not cast. */
function forgedAccepted(result: Run): number {
  return result.rounds.flat().reduce((sum, { seen }) =>
    sum + seen.filter((vote, index) => result.version.nodes[index] !== LIAR && vote !== undefined && vote !== HONEST_VOTE[result.version.nodes[index]!]).length, 0);
}

const garbageAccepted = (result: Run) => result.rounds.flat().reduce((sum, { seen }) => sum + seen.filter((vote) => vote !== undefined && vote !== 'commit' && vote !== 'abort').length, 0);

function roundsTable(result: Run): string[] {
  const honest = result.rounds[0]!.map(({ node }) => node);
  const lines = [`  round  ${LIAR} was        ${honest.map((id) => `${id} counted`.padEnd(24)).join('')}verdict`];
  result.rounds.forEach((round, index) => {
    const cells = round.map(({ seen, decision }) => `${seen.map(short).join(' ')} -> ${decision}`.padEnd(24));
    lines.push(`  ${String(index + 1).padStart(5)}  ${BEHAVIOUR_IN_ROUND[index]!.padEnd(12)}  ${cells.join('')}${agrees(round) ? 'agree' : 'DISAGREE'}`);
  });
  return lines;
}

const SUMMARY_COLUMNS = ['version', 'nodes', 'n - f', 'rounds where honest nodes disagree', 'forged votes accepted', 'garbage votes counted', 'messages'];

/** One row per version: the table printed and put in the report. */
function summaryRows(runs: readonly Run[]): Array<Array<string | number>> {
  return runs.map((result) => {
    const { label, nodes, echo } = result.version;
    const disagree = result.rounds.flatMap((round, index) => (agrees(round) ? [] : [index + 1]));
    const rounds = `${disagree.length}${disagree.length > 0 ? ` (${disagree.join(', ')})` : ''}`;
    return [label, nodes.length, echo ? nodes.length - F : '-', rounds, forgedAccepted(result), garbageAccepted(result), result.sim.network.stats().sent];
  });
}

function summaryTable(runs: readonly Run[]): string[] {
  const widths = [19, 5, 5, 35, 21, 21, 8];
  const format = (cells: ReadonlyArray<string | number>) => `  ${cells.map((cell, index) => (index === 0 ? String(cell).padEnd(widths[index]!) : String(cell).padStart(widths[index]!))).join('  ')}`;
  return [format(SUMMARY_COLUMNS), ...summaryRows(runs).map(format)];
}

/** The HTML report: the summary table, then each version's faults and messages. */
function writeReport(path: string, runs: readonly Run[]): string {
  return writeHtmlReport(path, {
    title: 'Byzantine faults: a node that lies, and what it takes to agree anyway',
    story: 'Nodes vote commit or abort each round and decide by majority (a tie aborts). Honest votes: n1 commit, n2 abort, n3 commit, n4 commit. ' +
      'n4 lies: it equivocates in round 2 (n2 is told abort, everyone else commit), forges messages as n2 in round 3, and corrupts its messages in round 4.\n\n' +
      'Naive voting believes everything. MACs (a keyed hash per link) reject forged and corrupted messages but not equivocation. ' +
      'MACs with Bracha\'s echo broadcast agree in every round with n = 3f + 1 = 4 nodes, and not with 3: two quorums of n - f = 2 out of 3 can share only the liar.',
    tables: [{ caption: 'four versions against one liar (f = 1)', columns: SUMMARY_COLUMNS, rows: summaryRows(runs) }],
    runs: runs.map((result) => ({ label: result.version.label, story: result.version.story, sim: result.sim })),
  });
}

/** What the liar put on the wire in a run (from the trace: addressee, claimed sender, message). */
function wire(result: Run): string[] {
  const lying = (timeMs: number) => result.sim.truth.isByzantine(LIAR, timeMs);
  return result.sim.trace!.records().flatMap((record) => {
    if (record.type !== 'send' || record.node !== LIAR || !lying(record.timeMs)) return [];
    const claimed = record.from === LIAR ? '' : `  (claims to be ${record.from}!)`;
    return [`${record.timeMs.toFixed(0).padStart(6)} ms  ${LIAR} -> ${record.to}: ${JSON.stringify(record.message)}${claimed}`];
  });
}

/** Runs every version against the same adversary, writes the report, and returns what the example prints. */
export function main(argv: readonly string[] = []): string {
  const position = argv.indexOf('--out');
  const outDir = position >= 0 ? (argv[position + 1] ?? 'out') : 'out';
  const runs = VERSIONS.map(run);
  const report = writeReport(join(outDir, 'byzantine.html'), runs);
  const fixed = runs[2]!;
  const out = [
    'Byzantine faults: nodes vote commit/abort each round and decide by majority (a tie aborts); n4 lies, f = 1.',
    'Honest votes: n1 commit, n2 abort, n3 commit, n4 commit. n4 equivocates in round 2, forges as n2 in round 3, corrupts in round 4.',
    'Four versions against that one adversary: naive, MACs, MACs + echo with 4 nodes (3f + 1), MACs + echo with 3 nodes.',
    'Look for: DISAGREE; forged votes credited to n2; and that only 3f + 1 nodes with echo agree in every round.\n',
    'What n4 put on the wire in the naive version (addressee, claimed sender, message):',
    ...wire(runs[0]!),
  ];
  for (const result of runs) {
    out.push(`\n${result.version.label}: what each honest node counted (votes of ${result.version.nodes.join(' ')}: C commit, A abort, ? garbage, - none) and decided:`);
    out.push(...roundsTable(result));
  }
  out.push('\nSummary ("forged votes accepted": votes credited to an honest node that it did not cast):');
  out.push(...summaryTable(runs));
  out.push(`\nTruth: ${LIAR} byzantine during rounds ${[1, 2, 3, 4, 5].filter((round) => fixed.sim.truth.isByzantine(LIAR, round * ROUND_MS)).join(', ')}; ` +
    `the network lost nothing (${fixed.sim.network.stats().delivered} of ${fixed.sim.network.stats().sent} delivered in the echo run).`);
  out.push(`trace hashes: ${runs.map((result) => `${result.version.label} ${result.sim.traceHash()}`).join(', ')}`);
  out.push(`report: ${report} (open it in a browser)`);
  out.push(`\ntrace hash ${fixed.sim.traceHash()}`);
  return out.join('\n');
}

// Run from the command line (not when a test imports main).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(main(process.argv.slice(2)));
}
