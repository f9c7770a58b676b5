import { InvalidArgumentError } from '../errors.js';
import { Rng, type Seed } from '../kernel/rng.js';
import { orDefault, rejectUnknownKeys, requireBoolean, requireFinite, requireNonNegative, requireObject, requirePositive, requirePositiveInteger } from '../validate.js';
import { conflictsWithAccepted } from './admission.js';
import { findBudgetViolation, validateBudget, type BudgetedFault, type FaultBudget } from './budget.js';
import { builtInFailureModels } from './built-in-models.js';
import type { FailureModel } from './failure-model.js';
import type { Fault, FaultSchedule } from './fault.js';
// ---- failure domains (issue 15) ----
import { domainOutageModel } from './models/domain-outage.js';
import { inDomain, knownDomains, readDomainMap, type DomainSelector, type NodeDomains } from '../world/failure-domains.js';
// ---- end failure domains ----
// ---- predict: degradation faults ----
import { degradationKinds, isDegradationKind, type DegradationKind } from './models/degradation/kinds.js';
// ---- end predict: degradation faults ----

/**
 * Fault kinds the nemesis can draw.
 *
 * @example
 * ```ts
 * const schedule = nemesis({ seed: 1, nodes: ['a', 'b', 'c'], horizonMs: 10_000, kinds: nemesisKinds.filter((kind) => kind !== 'crash') });
 * ```
 */
export const nemesisKinds = ['crash', 'pause', 'partition', 'isolate', 'partition-one-way', 'link', 'slow-node', 'clock-skew', 'clock-drift', 'omission'] as const;

/**
 * A kind the nemesis can draw.
 *
 * @example
 * ```ts
 * const kinds: NemesisKind[] = ['crash', 'partition'];
 * ```
 */
export type NemesisKind = (typeof nemesisKinds)[number] | 'domain-outage' | DegradationKind;

/**
 * What the nemesis draws from.
 *
 * @example
 * ```ts
 * const options: NemesisOptions = { seed: 7, nodes: ['a', 'b', 'c'], horizonMs: 10_000, kinds: ['crash', 'partition'], budget: { maxNodesDown: 1 } };
 * ```
 */
export interface NemesisOptions {
  /** Seed of the nemesis stream. */
  seed: Seed;
  /** The nodes faults may hit. */
  nodes: readonly string[];
  /** Faults start before this time and end by it, so a liveness phase can follow. */
  horizonMs: number;
  /** Start no fault before this time. Default 0. */
  startMs?: number;
  /**
   * Kinds to draw. Default: all of {@link nemesisKinds}, and `domain-outage` too when `domains`
   * is given. `domain-outage` needs `domains`. The `degradationKinds` are drawn only when named
   * here: time to failure 20–120 % of the fault's duration (so some strike and restart at the
   * end, some are repaired first), linear or exponential, crash or degrade (even odds), noise
   * 0–20 %, a leak of 64 MiB–4 GiB, write latency +10–500 ms, a peak error rate of 10–100 %,
   * service time +1–100 ms.
   */
  kinds?: readonly NemesisKind[];
  /**
   * The nodes' failure domains (node id → `{ zone, rack, power }`; `sim.nemesis` passes the
   * simulation's own). With them the nemesis can draw correlated faults: a `domain-outage` of
   * one declared domain (uniform over the single-kind domains the nodes name), with effect
   * `crash` or `partition` (even odds; `crash` when the domain holds every node). Naming a node
   * not in `nodes` is an error.
   */
  domains?: Readonly<Record<string, NodeDomains>>;
  /** Mean faults per simulated second. Default 0.5. */
  ratePerSec?: number;
  /** Mean fault duration (exponential). Default 1,000 ms. */
  meanDurationMs?: number;
  /** Drawn faults that would break this budget are skipped. */
  budget?: FaultBudget;
  /** Draw the mix of kinds and the overall rate from the seed too: some runs calm, some brutal. */
  swarm?: boolean;
  /** At most this many faults. Default 1,000. */
  maxFaults?: number;
}

const MAX_ATTEMPTS_PER_FAULT = 100;
const MAX_RATE_PER_SEC = 1_000;
const OPTION_KEYS = ['seed', 'nodes', 'horizonMs', 'startMs', 'kinds', 'ratePerSec', 'meanDurationMs', 'budget', 'swarm', 'maxFaults', 'domains'];
const modelsByKind = new Map<string, FailureModel>([...builtInFailureModels, domainOutageModel].map((model) => [model.kind, model]));

/**
 * Draws a random fault schedule from a seeded stream: Poisson arrivals, a kind per arrival,
 * targets and parameters per kind, exponential durations; faults that would break the budget or
 * overlap ambiguously with an earlier one are skipped. Same options, same schedule.
 *
 * @example
 * ```ts
 * const schedule = nemesis({ seed: 1, nodes: sim.nodeIds(), horizonMs: 20_000, budget: { keepMajorityConnected: true } });
 * sim.inject(schedule);
 * sim.livenessPhase(20_000);
 * ```
 */
export function nemesis(options: NemesisOptions): FaultSchedule {
  const settings = readOptions(options);
  const rng = new Rng(settings.seed, 'nemesis');
  const { weights, ratePerSec } = settings.swarm ? swarmMix(rng, settings.kinds, settings.ratePerSec) : { weights: settings.kinds.map(() => 1), ratePerSec: settings.ratePerSec };
  const accepted: BudgetedFault[] = [];
  const domains = settings.domains;
  const nodeList = { nodeIds: () => [...settings.nodes], domainsOf: (id: string) => domains?.get(id) };
  const outages = domains === undefined ? [] : knownDomains(settings.nodes, (id) => domains.get(id));
  let timeMs = settings.startMs;
  // Rejected draws (conflicts, budget) cost time too: bound the attempts, not only the faults.
  for (let attempt = 0; attempt < settings.maxFaults * MAX_ATTEMPTS_PER_FAULT && accepted.length < settings.maxFaults && ratePerSec > 0; attempt++) {
    timeMs += rng.exponential(1000 / ratePerSec);
    if (timeMs >= settings.horizonMs - 1) break;
    const kind = settings.kinds[weightedIndex(rng, weights)]!;
    const durationMs = Math.max(1, Math.min(Math.round(rng.exponential(settings.meanDurationMs)), Math.floor(settings.horizonMs - timeMs)));
    const what = kind === 'domain-outage' ? drawOutage(rng, outages, settings.nodes, nodeList.domainsOf) : isDegradationKind(kind) ? drawDegradation(kind, rng, settings.nodes, durationMs) : drawTargets(kind, rng, settings.nodes);
    const fault: Fault = { kind, atMs: Math.round(timeMs * 1000) / 1000, durationMs, ...what };
    const candidate = { fault, model: modelsByKind.get(kind)! };
    if (conflictsWithAccepted(candidate, accepted, nodeList)) continue;
    if (settings.budget !== undefined && findBudgetViolation([...accepted, candidate], nodeList, settings.budget) !== undefined) continue;
    accepted.push(candidate);
  }
  return accepted.map(({ fault }) => fault);
}

type NemesisSettings = Required<Omit<NemesisOptions, 'budget' | 'domains'>> & { budget: FaultBudget | undefined; domains: Map<string, Readonly<NodeDomains>> | undefined };

function readOptions(options: NemesisOptions): NemesisSettings {
  const raw: unknown = options;
  requireObject(raw, 'nemesis(options)');
  rejectUnknownKeys(raw, 'nemesis(options)', OPTION_KEYS);
  if (!Array.isArray(options.nodes) || options.nodes.length === 0 || !options.nodes.every((id) => typeof id === 'string')) {
    throw new InvalidArgumentError('nodes', options.nodes, 'a non-empty array of node ids');
  }
  requirePositive(options.horizonMs, 'horizonMs');
  const startMs = orDefault(options.startMs, 0);
  requireNonNegative(startMs, 'startMs');
  const domains = options.domains === undefined ? undefined : readDomainMap(options.domains, options.nodes, 'domains');
  const usual: readonly NemesisKind[] = domains === undefined ? nemesisKinds : [...nemesisKinds, 'domain-outage'];
  // Degradations only when asked for: the default mix, and every schedule drawn from it, stays as it was.
  const allowed: readonly NemesisKind[] = [...usual, ...degradationKinds];
  const kinds = orDefault<readonly NemesisKind[]>(options.kinds, usual);
  if (!Array.isArray(kinds) || kinds.length === 0) throw new InvalidArgumentError('kinds', kinds, `a non-empty array of ${allowed.join(', ')}`);
  kinds.forEach((kind, index) => {
    if (!(allowed as readonly string[]).includes(kind)) throw new InvalidArgumentError(`kinds[${index}]`, kind, `one of ${allowed.join(', ')}${domains === undefined ? " ('domain-outage' needs domains)" : ''}`);
  });
  const networkKinds = kinds.filter((kind) => kind !== 'crash' && kind !== 'pause' && kind !== 'clock-skew' && kind !== 'clock-drift' && kind !== 'omission' && kind !== 'domain-outage' && !isDegradationKind(kind));
  if (networkKinds.length > 0 && options.nodes.length < 2) throw new InvalidArgumentError('kinds', kinds, `only single-node kinds with one node (${networkKinds.join(', ')} need two)`);
  const ratePerSec = orDefault(options.ratePerSec, 0.5);
  requireNonNegative(ratePerSec, 'ratePerSec');
  if (ratePerSec > MAX_RATE_PER_SEC) throw new InvalidArgumentError('ratePerSec', ratePerSec, `a rate in [0, ${MAX_RATE_PER_SEC}] faults per second`);
  const meanDurationMs = orDefault(options.meanDurationMs, 1_000);
  requirePositive(meanDurationMs, 'meanDurationMs');
  const maxFaults = orDefault(options.maxFaults, 1_000);
  requirePositiveInteger(maxFaults, 'maxFaults', 1_000_000);
  if (options.swarm !== undefined) requireBoolean(options.swarm, 'swarm');
  requireFinite(options.horizonMs, 'horizonMs');
  return {
    seed: options.seed,
    nodes: options.nodes,
    horizonMs: options.horizonMs,
    startMs,
    kinds,
    ratePerSec,
    meanDurationMs,
    budget: options.budget === undefined ? undefined : validateBudget(options.budget, 'budget'),
    swarm: orDefault(options.swarm, false),
    maxFaults,
    domains,
  };
}

/** A domain-outage of one declared domain; a partition only of a domain that leaves some node outside. */
function drawOutage(rng: Rng, outages: readonly DomainSelector[], nodes: readonly string[], domainsOf: (id: string) => Readonly<NodeDomains> | undefined): Pick<Fault, 'params'> {
  const domain = rng.pick(outages);
  const partial = nodes.some((id) => !inDomain(domainsOf(id), domain));
  const effect = rng.random() < 0.5 || !partial ? 'crash' : 'partition';
  return { params: { domain: { ...domain }, effect } };
}

/** Swarm testing: each run draws which kinds are on, their weights and the overall rate. */
function swarmMix(rng: Rng, kinds: readonly NemesisKind[], ratePerSec: number): { weights: number[]; ratePerSec: number } {
  const weights: number[] = kinds.map(() => (rng.random() < 0.5 ? rng.exponential(1) : 0));
  if (!weights.some((weight) => weight > 0)) weights[rng.int(0, kinds.length - 1)] = 1;
  return { weights, ratePerSec: ratePerSec * rng.exponential(1) };
}

function weightedIndex(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let point = rng.random() * total;
  for (let index = 0; index < weights.length; index++) {
    point -= weights[index]!;
    if (point < 0) return index;
  }
  return weights.length - 1;
}

/** A degradation's target and params, in the ranges `NemesisOptions.kinds` documents. */
function drawDegradation(kind: DegradationKind, rng: Rng, nodes: readonly string[], durationMs: number): Pick<Fault, 'target' | 'params'> {
  const target = rng.pick(nodes);
  const timeToFailureMs = Math.max(1, Math.round(durationMs * rng.uniform(0.2, 1.2)));
  const common = { timeToFailureMs, shape: rng.random() < 0.5 ? 'linear' : 'exponential', outcome: rng.random() < 0.5 ? 'crash' : 'degrade', noise: Math.round(rng.uniform(0, 0.2) * 100) / 100 };
  const errorRate = (): number => Math.round(rng.uniform(0.1, 1) * 100) / 100;
  switch (kind) {
    case 'memory-leak':
      return { target, params: { ...common, leakBytes: rng.int(64, 4_096) * 2 ** 20 } };
    case 'disk-wearout':
      return { target, params: { ...common, extraWriteLatencyMs: rng.int(10, 500), peakErrorProbability: errorRate() } };
    case 'latency-creep':
      return { target, params: { ...common, extraServiceMs: rng.int(1, 100) } };
    case 'error-ramp':
      return { target, params: { ...common, peakErrorProbability: errorRate() } };
  }
}

function drawTargets(kind: Exclude<NemesisKind, 'domain-outage' | DegradationKind>, rng: Rng, nodes: readonly string[]): Pick<Fault, 'target' | 'params'> {
  const round = (value: number): number => Math.round(value * 100) / 100;
  switch (kind) {
    case 'crash':
    case 'pause':
    case 'isolate':
      return { target: rng.pick(nodes) };
    case 'partition': {
      const shuffled = rng.shuffle([...nodes]);
      const cut = rng.int(1, shuffled.length - 1);
      return { params: { groups: [shuffled.slice(0, cut), shuffled.slice(cut)] } };
    }
    case 'partition-one-way': {
      const [from, to] = rng.shuffle([...nodes]);
      return { params: { from: [from!], to: [to!] } };
    }
    case 'link': {
      const [from, to] = rng.shuffle([...nodes]);
      const model = rng.random() < 0.5 ? { lossProbability: round(rng.uniform(0.1, 0.9)) } : { latencyFactor: rng.int(2, 20) };
      return { params: { links: [[from!, to!]], bothWays: rng.random() < 0.5, model } };
    }
    case 'slow-node':
      return { target: rng.pick(nodes), params: { model: { latencyFactor: rng.int(2, 20) } } };
    case 'clock-skew':
      return { target: rng.pick(nodes), params: { deltaMs: Math.round(rng.uniform(-2_000, 2_000)) } };
    case 'clock-drift':
      return { target: rng.pick(nodes), params: { driftPpm: Math.round(rng.uniform(-5_000, 5_000)) } };
    case 'omission':
      return { target: rng.pick(nodes), params: { sendProbability: round(rng.uniform(0.1, 0.9)) } };
  }
}
