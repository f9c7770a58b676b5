/**
 * Recover patterns, measured with and without (issue 15): the supervisor, failover with fencing
 * and the load balancer, each on one seed and one fault schedule. Not a timed benchmark: every
 * number comes from the simulated run, so it is the same on every machine.
 *
 *   npm run bench:patterns-ha
 */
import {
  Simulation, addLoadBalancer, addPrimaryBackup, addSupervisor, createHealthChecker, withHealthEndpoint,
  type FaultSchedule, type LeasedBehaviour, type NodeBehaviour, type StoreWrite,
} from '../src/index.js';

const SEED = 15;
const UNTIL_MS = 8_000;
const REQUEST_EVERY_MS = 10;
const CALL_TIMEOUT_MS = 100;
const link = { latency: { kind: 'uniform' as const, minMs: 1, maxMs: 5 } };

interface Row { pattern: string; variant: string; requests: number; errorRate: string; p50Ms: string; p99Ms: string; lost: number | string; recoverMs: string }
interface Outcome { sentMs: number; latencyMs: number; ok: boolean }

/** A client calling `targets()` in turn every 10 ms, recording each outcome. */
function client(sim: Simulation, outcomes: Outcome[], target: (count: number) => string): NodeBehaviour {
  return (ctx) => {
    let count = 0;
    return {
      onStart() { ctx.setTimer(REQUEST_EVERY_MS, 'request'); },
      async onTimer() {
        ctx.setTimer(REQUEST_EVERY_MS, 'request');
        const sentMs = sim.now;
        const reply = await ctx.call(target(count++), 'get', { timeoutMs: CALL_TIMEOUT_MS * 3 }).catch(() => 'timeout');
        outcomes.push({ sentMs, latencyMs: sim.now - sentMs, ok: reply === 'ok' });
      },
    };
  };
}

function percentile(values: number[], p: number): string {
  if (values.length === 0) return '—';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1);
}

/** From the first fault to the first success after which the next 20 requests all succeed. */
function recoveryMs(outcomes: Outcome[], faultAtMs: number): string {
  for (let index = 0; index < outcomes.length; index++) {
    if (outcomes[index]!.sentMs < faultAtMs) continue;
    const next = outcomes.slice(index, index + 20);
    const firstFailure = outcomes.findIndex((outcome) => outcome.sentMs >= faultAtMs && !outcome.ok);
    if (firstFailure >= 0 && index > firstFailure && next.length === 20 && next.every((outcome) => outcome.ok)) return (outcomes[index]!.sentMs - faultAtMs).toFixed(0);
  }
  return 'never';
}

function row(pattern: string, variant: string, outcomes: Outcome[], faultAtMs: number): Row {
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  const latencies = outcomes.filter((outcome) => outcome.ok).map((outcome) => outcome.latencyMs);
  return {
    pattern, variant, requests: outcomes.length, errorRate: `${((100 * failed) / outcomes.length).toFixed(1)}%`,
    p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), lost: failed, recoverMs: recoveryMs(outcomes, faultAtMs),
  };
}

/** A worker crashes at 1 s and 4 s; with a supervisor it is restarted, without it stays down. */
async function supervisor(withSupervisor: boolean): Promise<Row> {
  const sim = new Simulation({ seed: SEED, network: { link } });
  sim.addNode('w', withHealthEndpoint(() => ({ onCall: () => 'ok' })));
  if (withSupervisor) {
    const health = createHealthChecker(sim, 'sup', { checks: [{ target: 'w', kind: 'liveness', intervalMs: 100, timeoutMs: 50, unhealthyThreshold: 2 }] });
    addSupervisor(sim, 'sup', { children: ['w'], verdicts: health, backoff: { initialMs: 100 }, intensity: { maxRestarts: 3, windowMs: 10_000 } });
  }
  const outcomes: Outcome[] = [];
  sim.addNode('c', client(sim, outcomes, () => 'w'));
  const faults: FaultSchedule = [{ kind: 'crash', atMs: 1_000, target: 'w' }];
  sim.inject(faults);
  sim.schedule(4_000, () => { if (sim.isUp('w')) sim.crash('w'); });
  await sim.runAsync({ until: UNTIL_MS });
  return row('supervisor', withSupervisor ? 'with' : 'without', outcomes, 1_000);
}

const BACKENDS = ['b1', 'b2', 'b3'];
/** b2 crashes from 1 s to 3 s; b3's links lose 15% of messages from 0.5 s (a gray failure). */
const BALANCER_FAULTS: FaultSchedule = [
  { kind: 'crash', atMs: 1_000, durationMs: 2_000, target: 'b2' },
  { kind: 'slow-node', atMs: 500, target: 'b3', params: { model: { lossProbability: 0.15 } } },
];

async function balancer(variant: 'without' | 'health checks' | 'health + ejection'): Promise<Row> {
  const sim = new Simulation({ seed: SEED, network: { link } });
  for (const id of BACKENDS) sim.addNode(id, withHealthEndpoint(() => ({ onCall: () => 'ok' })));
  const outcomes: Outcome[] = [];
  if (variant === 'without') {
    // The client spreads its requests itself, round-robin, knowing nothing of the backends' health.
    sim.addNode('lb', () => ({}));
    sim.addNode('c', client(sim, outcomes, (count) => BACKENDS[count % BACKENDS.length]!));
  } else {
    const health = createHealthChecker(sim, 'lb', { checks: BACKENDS.map((target) => ({ target, kind: 'liveness' as const, intervalMs: 100, timeoutMs: 50, unhealthyThreshold: 2 })) });
    addLoadBalancer(sim, 'lb', {
      backends: BACKENDS, policy: 'least-outstanding', verdicts: health, timeoutMs: CALL_TIMEOUT_MS,
      ...(variant === 'health + ejection' ? { outlierDetection: { windowSize: 20, minRequests: 10, maxErrorRate: 0.2, ejectionMs: 3_000 } } : {}),
    });
    sim.addNode('c', client(sim, outcomes, () => 'lb'));
  }
  sim.inject(BALANCER_FAULTS);
  await sim.runAsync({ until: UNTIL_MS });
  return row('load balancer', variant, outcomes, 500);
}

/** r1 leads; a 2 s pause hits it between its lease check and its write. */
async function failover(fencing: boolean): Promise<Row> {
  const sim = new Simulation({ seed: SEED, network: { link: { latency: { kind: 'constant', ms: 2 } } } });
  const writer: LeasedBehaviour = (ctx, lease) => ({
    onStart() { ctx.setTimer(100, 'work'); },
    onTimer(name, data) {
      if (name === 'flush') return void lease.write('owner', ctx.id, data as number);
      if (lease.isPrimary()) ctx.setTimer(20, 'flush', lease.epoch());
      ctx.setTimer(100, 'work');
    },
  });
  const { store } = addPrimaryBackup(sim, { replicas: ['r1', 'r2', 'r3'], behaviour: writer, authority: 'lock', store: 'store', leaseMs: 500, renewIntervalMs: 100, safetyMarginMs: 20, fencing });
  sim.inject([{ kind: 'pause', atMs: 1_010, durationMs: 2_000, target: 'r1' }]);
  sim.run({ until: UNTIL_MS });
  const accepted = store.writes.filter((write) => write.accepted);
  let highest = 0;
  const corrupting = accepted.filter((write: StoreWrite) => { const late = write.epoch < highest; highest = Math.max(highest, write.epoch); return late; });
  const successor = accepted.find((write) => write.timeMs > 1_010 && write.from !== 'r1');
  return {
    pattern: 'failover', variant: fencing ? 'fenced' : 'unfenced', requests: store.writes.length,
    errorRate: `${corrupting.length} stale write(s) applied`, p50Ms: '—', p99Ms: '—',
    lost: `${store.writes.length - accepted.length} refused`, recoverMs: successor === undefined ? 'never' : (successor.timeMs - 1_010).toFixed(0),
  };
}

const rows: Row[] = [
  await supervisor(false), await supervisor(true),
  await balancer('without'), await balancer('health checks'), await balancer('health + ejection'),
  await failover(false), await failover(true),
];
const columns: Array<[keyof Row, string]> = [['pattern', 'pattern'], ['variant', 'variant'], ['requests', 'requests'], ['errorRate', 'errors'], ['p50Ms', 'p50 ms'], ['p99Ms', 'p99 ms'], ['lost', 'lost'], ['recoverMs', 'recover ms']];
console.log(`seed ${SEED}, ${UNTIL_MS} ms simulated per run\n`);
console.log(`| ${columns.map(([, title]) => title).join(' | ')} |`);
console.log(`| ${columns.map(() => '---').join(' | ')} |`);
for (const entry of rows) console.log(`| ${columns.map(([key]) => String(entry[key])).join(' | ')} |`);
