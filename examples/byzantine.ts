/**
 * Byzantine faults: a node that lies. Four nodes vote commit/abort in rounds of 200 ms: each
 * broadcasts its vote, then decides by the majority of the votes it has (a tie aborts). Honest
 * votes are n1 commit, n2 abort, n3 commit, n4 commit, so every honest node commits. Then n4 turns
 * byzantine, a different way in each round:
 *
 * - round 2, equivocate: n4 tells n1 and n3 "commit" but n2 "abort" — n2 sees a tie and aborts
 *   while n1 and n3 commit: the honest nodes disagree;
 * - round 3, forge: n4's messages claim to come from n2 — the others now think n2 voted commit;
 * - round 4, corrupt: each of n4's messages has one field replaced by garbage.
 *
 * What to look for: the DISAGREE verdicts, and in round 3 a vote attributed to the wrong node
 * (even n2 "hears" itself vote commit). A naive majority vote tolerates crashes, not lies: with f
 * liars you need 3f + 1 nodes, signed messages (against forging) and an agreement protocol that
 * cross-checks what each node was told.
 *
 * Run: npx tsx examples/byzantine.ts
 */
import { Simulation, type NodeBehaviour } from 'faultline';

const NODES = ['n1', 'n2', 'n3', 'n4'];
const HONEST_VOTE: Record<string, string> = { n1: 'commit', n2: 'abort', n3: 'commit', n4: 'commit' };
const ROUND_MS = 200;
const DECIDE_AFTER_MS = 100;
const ROUNDS = 5;

type Vote = { type: 'vote'; round: number; vote: string };

/** Naive voting: trusts every message, keeps the last vote heard "from" each sender. */
const voter: NodeBehaviour<Vote> = (ctx) => {
  const votes = new Map<number, Map<string, unknown>>();
  const votesOf = (round: number): Map<string, unknown> => votes.get(round) ?? votes.set(round, new Map()).get(round)!;
  return {
    onStart() {
      ctx.setTimer(ROUND_MS, 'round', 1);
    },
    onTimer(name, data) {
      const round = data as number;
      if (name === 'round') {
        votesOf(round).set(ctx.id, HONEST_VOTE[ctx.id]);
        ctx.broadcast({ type: 'vote', round, vote: HONEST_VOTE[ctx.id]! });
        ctx.setTimer(DECIDE_AFTER_MS, 'decide', round);
        if (round < ROUNDS) ctx.setTimer(ROUND_MS, 'round', round + 1);
        return;
      }
      const seen = NODES.map((id) => votesOf(round).get(id));
      const commits = seen.filter((vote) => vote === 'commit').length;
      const others = seen.filter((vote) => vote !== undefined).length - commits;
      const decision = commits > others ? 'commit' : 'abort'; // anything but 'commit' counts against
      ctx.log(`round ${round}: decides ${decision}`, { round, decision, seen });
    },
    onMessage(from, message) {
      // No signature, no sanity check: whatever arrives "from" a node is that node's vote.
      if (message.type === 'vote') votesOf(message.round).set(from, message.vote);
    },
  };
};

const sim = new Simulation({
  seed: 'byzantine',
  trace: true,
  network: { link: { latency: { kind: 'uniform', minMs: 5, maxMs: 30 } } },
});
for (const id of NODES) sim.addNode(id, voter);

// Each fault covers one round's broadcast (round r broadcasts at r * 200 ms). A 20 ms gap keeps
// them from touching: when one fault ends at the instant the next starts, the injector applies
// the new one before reverting the old, and the revert then switches the new one off too.
const during = (round: number) => ({ atMs: round * ROUND_MS - 50, durationMs: ROUND_MS - 20 });
sim.inject([
  { kind: 'byzantine', ...during(2), target: 'n4', params: { behaviour: 'equivocate', field: 'vote', values: ['commit', 'abort'] } },
  { kind: 'byzantine', ...during(3), target: 'n4', params: { behaviour: 'forge', as: 'n2' } },
  { kind: 'byzantine', ...during(4), target: 'n4', params: { behaviour: 'corrupt', probability: 1 } },
]);
sim.run({ until: (ROUNDS + 1) * ROUND_MS });

console.log('Byzantine faults: 4 nodes vote commit/abort each round and decide by majority (a tie aborts).');
console.log('Honest votes: n1 commit, n2 abort, n3 commit, n4 commit. n4 equivocates in round 2, forges as n2 in round 3, corrupts in round 4.');
console.log('Look for: DISAGREE; and in round 3 every node, n2 included, "hears" n2 vote commit.\n');

console.log('What n4 put on the wire (from the trace: addressee, claimed sender, message):');
const lying = (timeMs: number) => sim.truth.isByzantine('n4', timeMs);
for (const record of sim.trace!.records()) {
  if (record.type !== 'send' || record.node !== 'n4' || !lying(record.timeMs)) continue;
  const claimed = record.from === 'n4' ? '' : `  (claims to be ${record.from}!)`;
  console.log(`${record.timeMs.toFixed(0).padStart(6)} ms  n4 -> ${record.to}: ${JSON.stringify(record.message)}${claimed}`);
}

console.log('\nWhat each honest node saw (votes of n1 n2 n3 n4: C commit, A abort, ? garbage, - missing) and decided:');
const short = (vote: unknown) => (vote === undefined ? '-' : vote === 'commit' ? 'C' : vote === 'abort' ? 'A' : '?');
const honest = NODES.filter((id) => id !== 'n4');
console.log(`  round  n4 was        ${honest.map((id) => `${id} saw`.padEnd(22)).join('')}verdict`);
for (let round = 1; round <= ROUNDS; round++) {
  const entries = honest.map((id) => sim.logs().find((entry) => entry.node === id && entry.fields?.['round'] === round)!.fields!);
  const cells = entries.map((fields) => `${(fields['seen'] as unknown[]).map(short).join(' ')} -> ${fields['decision']}`.padEnd(22));
  const agree = new Set(entries.map((fields) => fields['decision'])).size === 1;
  const behaviour = sim.faultLog.find((entry) => entry.phase === 'apply' && entry.fault.atMs === during(round).atMs)?.fault.params?.['behaviour'] ?? 'honest';
  console.log(`  ${String(round).padStart(5)}  ${String(behaviour).padEnd(12)}  ${cells.join('')}${agree ? 'agree' : 'DISAGREE'}`);
}

const stats = sim.network.stats();
console.log(`\nFigures: ${stats.sent} messages sent, all delivered (${stats.delivered}); the network was perfect — only n4 lied.`);
console.log(`Truth: n4 byzantine during rounds ${[1, 2, 3, 4, 5].filter((round) => lying(round * ROUND_MS)).join(', ')}.`);
console.log(`\ntrace hash ${sim.traceHash()}`);
