/**
 * Process pauses: a leader frozen by a stop-the-world GC pause. Two workers compete for a 500 ms
 * lease from a lock service; the holder renews it every 100 ms and writes to a storage node. A
 * worker believes it leads from a grant until a local timer says the lease (minus a 100 ms safety
 * margin) is up. At 1 s, leader w1 freezes for 1.2 s (a `pause` fault): it is up, but runs nothing.
 *
 * The lease expires at the lock service and w2 takes over with a higher token. When w1 thaws,
 * everything that waited runs at once, in order: first its write timer — due 1.2 s ago, fired
 * while w1 still "knows" it leads — and only then its lease-expiry timer; then the burst of
 * messages that arrived while it was frozen. So a deposed leader writes after its successor.
 *
 * What to look for: the late timer, the stale write the storage accepts, and the overlap in the
 * lanes. The fix is a fencing token: storage rejects writes whose token is older than one seen.
 *
 * Run: npx tsx examples/pause.ts
 */
import { Simulation, type NodeBehaviour, type NodeHandlers } from 'faultline';

const LEASE_MS = 500;
const SAFETY_MARGIN_MS = 100;
const TICK_MS = 100;
const RUN_FOR_MS = 3_000;
const WORKERS = ['w1', 'w2'];

type Message =
  | { type: 'acquire' }
  | { type: 'granted'; token: number }
  | { type: 'denied' }
  | { type: 'write'; token: number; seq: number }
  | { type: 'i-lead'; token: number };

/** Grants a lease to one worker at a time; each new holder gets a higher fencing token. */
const lockService: NodeBehaviour<Message> = (ctx) => {
  let holder = '';
  let expiresAtMs = -Infinity;
  let token = 0;
  const handlers: NodeHandlers<Message> & { readonly holder: string } = {
    onMessage(from, message) {
      if (message.type !== 'acquire') return;
      if (from !== holder && ctx.now() < expiresAtMs) return ctx.send(from, { type: 'denied' });
      if (from !== holder) {
        token++;
        holder = from;
      }
      expiresAtMs = ctx.now() + LEASE_MS;
      ctx.send(from, { type: 'granted', token });
    },
    get holder() {
      return ctx.now() < expiresAtMs ? holder : '';
    },
  };
  return handlers;
};

/** The naive worker: checks a flag, not the clock, before it acts. */
const worker: NodeBehaviour<Message> = (ctx) => {
  let leads = false;
  let token = 0;
  let seq = 0;
  let heardToken = 0;
  let lastTickMs = ctx.now();
  const handlers: NodeHandlers<Message> & { readonly leads: boolean } = {
    onStart() {
      ctx.setTimer(ctx.id === 'w1' ? 0 : TICK_MS / 2, 'tick');
    },
    onTimer(name) {
      if (name === 'lease-expired') {
        leads = false;
        return ctx.log('lease timer fired: stops acting as leader');
      }
      const lateMs = ctx.now() - lastTickMs - TICK_MS;
      if (lateMs > 50) ctx.log(`tick fired ${lateMs.toFixed(0)} ms late (it cannot tell why)`);
      lastTickMs = ctx.now();
      if (leads) {
        ctx.send('store', { type: 'write', token, seq: ++seq });
        ctx.send(ctx.id === 'w1' ? 'w2' : 'w1', { type: 'i-lead', token });
      }
      ctx.send('lock', { type: 'acquire' }); // renew, or try to take over
      ctx.setTimer(TICK_MS, 'tick');
    },
    onMessage(from, message) {
      if (message.type === 'i-lead' && message.token > token && message.token > heardToken) {
        heardToken = message.token;
        ctx.log(`hears that ${from} leads with token ${message.token}`);
      }
      if (message.type === 'granted') {
        if (!leads) ctx.log(`granted the lease with token ${message.token}: now leads`);
        leads = true;
        token = message.token;
        ctx.setTimer(LEASE_MS - SAFETY_MARGIN_MS, 'lease-expired');
      }
    },
    get leads() {
      return leads;
    },
  };
  return handlers;
};

/** Storage without fencing: it accepts every write, but notes which ones a fencing check would refuse. */
const storage: NodeBehaviour<Message> = (ctx) => {
  let highestToken = 0;
  let lastWriter = '';
  return {
    onMessage(from, message) {
      if (message.type !== 'write') return;
      if (message.token < highestToken) {
        ctx.log(`accepts ${from}'s write #${message.seq} with token ${message.token} after token ${highestToken}: STALE LEADER WROTE (fencing would refuse it)`);
      } else if (from !== lastWriter) {
        ctx.log(`writes now come from ${from} (token ${message.token})`);
      }
      highestToken = Math.max(highestToken, message.token);
      lastWriter = from;
    },
  };
};

const sim = new Simulation({
  seed: 'pause',
  trace: true,
  network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 } } },
});
sim.addNode('lock', lockService);
sim.addNode('store', storage);
for (const id of WORKERS) sim.addNode(id, worker);
sim.inject([{ kind: 'pause', atMs: 1_000, durationMs: 1_200, target: 'w1' }]);

// Sample who believes what every 50 ms, for the lanes below.
const COLUMN_MS = 50;
const lanes = { w1Leads: '', w1Paused: '', w2Leads: '', lockHolder: '' };
for (let atMs = COLUMN_MS / 2; atMs < RUN_FOR_MS; atMs += COLUMN_MS) {
  sim.scheduleAt(atMs, () => {
    lanes.w1Leads += sim.node<{ leads: boolean }>('w1').handlers.leads ? 'L' : '·';
    lanes.w1Paused += sim.truth.isPaused('w1') ? '░' : ' ';
    lanes.w2Leads += sim.node<{ leads: boolean }>('w2').handlers.leads ? 'L' : '·';
    lanes.lockHolder += { w1: '1', w2: '2' }[sim.node<{ holder: string }>('lock').handlers.holder] ?? '-';
  });
}
sim.run({ until: RUN_FOR_MS });

console.log('Process pause: w1 holds a 500 ms lease and writes to storage; at 1000 ms it freezes for 1200 ms (a GC pause).');
console.log('Look for: the late timer, STALE LEADER WROTE, and both workers believing they lead at once in the lanes.\n');

console.log('What happened:');
for (const record of sim.trace!.records()) {
  const at = `${record.timeMs.toFixed(1).padStart(8)} ms  ${(record.node ?? '').padEnd(5)}`;
  if (record.type === 'log') console.log(`${at} ${(record.detail as { message: string }).message}`);
  if (record.type === 'pause') console.log(`${at} ❚❚ frozen: no handler runs; timers and messages wait (it is still up)`);
  if (record.type === 'resume') console.log(`${at} ▶ thawed: ${(record.detail as { released: number }).released} waiting events run now, in order`);
}

console.log(`\nLanes (one column per ${COLUMN_MS} ms; L believes it leads, ░ frozen; lock: who holds the lease by the lock's clock):`);
console.log(`  w1 leads?   ${lanes.w1Leads}`);
console.log(`  w1 frozen   ${lanes.w1Paused}`);
console.log(`  w2 leads?   ${lanes.w2Leads}`);
console.log(`  lock holder ${lanes.lockHolder}`);
console.log(`              0${`${RUN_FOR_MS} ms`.padStart(lanes.w1Leads.length - 1)}`);

const both = [...lanes.w1Leads].filter((cell, index) => cell === 'L' && lanes.w2Leads[index] === 'L').length;
console.log(`\nFigures: both workers believed they led for ~${both * COLUMN_MS} ms; truth: w1 paused ${JSON.stringify(sim.truth.pausedIntervals('w1', sim.now))}, ` +
  `down ${JSON.stringify(sim.truth.downIntervals('w1', sim.now))} (a paused node is up).`);
console.log(`\ntrace hash ${sim.traceHash()}`);
