import { InvalidArgumentError } from '../errors.js';
import type { FaultSchedule } from '../faults/fault.js';
import type { Seed } from '../kernel/rng.js';
import { EventLoop } from '../kernel/event-loop.js';
import { Simulation } from '../simulation.js';
import { validateLinkModel, type LinkModel } from '../world/link-model.js';
import { rejectUnknownKeys, requireFinite, requireFunction, requireObject, requirePositive, requirePositiveInteger, requireString } from '../validate.js';
import { FAILURE_DETECTOR_EXPECTED, isFailureDetector, type FailureDetector } from './failure-detector.js';

/**
 * One change of a detector's verdict about one monitored node.
 *
 * @example
 * ```ts
 * const transition: DetectorTransition = { kind: 'suspect', timeMs: 1_250, localTimeMs: 1_250 };
 * ```
 */
export interface DetectorTransition {
  /** `suspect`: an S-transition (trust → suspect); `trust`: a T-transition (suspect → trust). */
  kind: 'suspect' | 'trust';
  /** True (simulated) time of the change, in ms. */
  timeMs: number;
  /** The monitor's local clock reading at the change, in ms. */
  localTimeMs: number;
}

/**
 * One heartbeat as the monitor received it.
 *
 * @example
 * ```ts
 * const arrival: HeartbeatArrival = { sequence: 3, sentLocalMs: 300, timeMs: 301, localTimeMs: 301 };
 * ```
 */
export interface HeartbeatArrival {
  /** The heartbeat's sequence number `i` (sent at `startMs + i·η` on the sender's clock). */
  sequence: number;
  /** Send time on the sender's local clock. */
  sentLocalMs: number;
  /**
   * True send time, when known (the harness records it): the cause of a mistake is then judged
   * from when the next heartbeat was really due, whatever the sender's clock did since.
   */
  sentMs?: number;
  /** True arrival time. */
  timeMs: number;
  /** Arrival time on the monitor's local clock (what the detectors are fed). */
  localTimeMs: number;
}

/**
 * Options of {@link runDetectorHarness}.
 *
 * @example
 * ```ts
 * const options: DetectorHarnessOptions = {
 *   seed: 1, monitored: ['p'], monitor: 'q', intervalMs: 100,
 *   detectors: { 'nfd-s': () => new NfdSDetector({ intervalMs: 100, shiftMs: 50 }) },
 *   network: { latency: { kind: 'exponential', meanMs: 10 }, lossProbability: 0.01 },
 *   durationMs: 60_000, sampleEveryMs: 10,
 * };
 * ```
 */
export interface DetectorHarnessOptions {
  /** Seed of the simulation. */
  seed: Seed;
  /** Nodes that send heartbeats to the monitor. */
  monitored: string[];
  /** The node that receives heartbeats and runs the detectors. */
  monitor: string;
  /** η: every monitored node sends heartbeat `i` at local time `startMs + i·η`. */
  intervalMs: number;
  /** Detector factories, by name; one instance is built per (detector, monitored node). */
  detectors: Record<string, () => FailureDetector>;
  /** Model of every link (the network default). Default: the simulator's (constant 1 ms, no loss). */
  network?: LinkModel;
  /** Faults injected before the run. */
  faults?: FaultSchedule;
  /** How long to run, in true ms. */
  durationMs: number;
  /** Period of the monitor's sampling grid, on its local clock, in ms. */
  sampleEveryMs: number;
  /**
   * Local send time of heartbeat 0 on every monitored node, in ms, >= 0. Default 0. Give the
   * same value as NFD-S's `startMs`.
   */
  startMs?: number;
  /**
   * Bound on the events of the run (the kernel's `maxEvents`); past it the run throws
   * `LimitExceededError`. Raise it for long runs with a fine sampling grid. Default 100,000,000.
   */
  maxEvents?: number;
  /**
   * Simulated time no event may pass (the kernel's `maxTimeMs`), >= `durationMs`; only matters
   * to run `result.sim` further after the harness. Default `durationMs`.
   */
  maxTimeMs?: number;
}

/**
 * Every option key {@link runDetectorHarness} reads; any other is a typo and an error.
 *
 * @example
 * ```ts
 * HARNESS_OPTION_KEYS.includes('faults'); // true
 * ```
 */
export const HARNESS_OPTION_KEYS: readonly string[] = [
  'seed', 'monitored', 'monitor', 'intervalMs', 'detectors', 'network', 'faults', 'durationMs', 'sampleEveryMs', 'startMs', 'maxEvents', 'maxTimeMs',
];

/**
 * What {@link runDetectorHarness} observed.
 *
 * @example
 * ```ts
 * const result = runDetectorHarness(options);
 * result.transitions['nfd-s']!['p']; // [{ kind: 'suspect', timeMs: …, localTimeMs: … }, …]
 * ```
 */
export interface DetectorHarnessResult {
  /** Per detector name, per monitored node: its verdict changes, in time order. */
  transitions: Record<string, Record<string, DetectorTransition[]>>;
  /** Per monitored node: every heartbeat the monitor received, in arrival order. */
  arrivals: Record<string, HeartbeatArrival[]>;
  /** Per monitored node: how many heartbeats it sent. */
  sent: Record<string, number>;
  /** How many times each detector instance was sampled (grid plus around heartbeats). */
  samples: number;
  /** The simulation after the run (`sim.truth` is the ground truth to score against). */
  sim: Simulation;
  /** `sim.traceHash()` after the run. */
  traceHash: string;
}

/** A heartbeat as sent on the wire. */
interface HeartbeatMessage {
  type: 'fd-heartbeat';
  sequence: number;
  sentLocalMs: number;
  /** True send time: not for the detectors (they see local clocks), for scoring their mistakes. */
  sentMs: number;
}

/** Precision of the search for the exact time of a verdict change, in ms. */
const TRANSITION_PRECISION_MS = 1e-6;

/** Per (detector, node): the instance and what the harness last saw of it. */
interface Watched {
  detector: FailureDetector;
  trusted: boolean;
  lastLocalMs: number;
  /** True time of that last sample: no change can be placed before it. */
  lastTrueMs: number;
  transitions: DetectorTransition[];
}

/**
 * Runs failure detectors against heartbeats in a simulated network and records, on true time,
 * when each one started and stopped suspecting each monitored node — the raw material of
 * {@link measureQoS}.
 *
 * - Each monitored node sends heartbeat `i` (a message carrying `i`) to the monitor at local time
 *   `startMs + i·η`. After a pause or a restart it resumes with the next index due on its clock,
 *   so heartbeats it could not send are missing by number (as NFD-S expects).
 * - The monitor feeds every detector instance watching the sender the same arrival time, its
 *   local `ctx.now()`, with the sequence number (`heartbeat(now, sequence)`; detectors that take
 *   one argument ignore it).
 * - Verdicts (`isAvailable`) are sampled on a grid every `sampleEveryMs` of the monitor's clock
 *   and right before and after each heartbeat. A change seen between two samples is located by
 *   bisection of `isAvailable` between them (valid because between heartbeats a detector's
 *   verdict can only go from trust to suspect), or exactly at `freshnessPointMs` when the
 *   detector exposes one (NFD-S, NFD-E). So every suspicion is recorded, however short, and its
 *   start is exact to 1e-6 ms whatever the grid. A suspicion that starts and ends at the same
 *   instant (a heartbeat arriving exactly at the deadline) is not recorded.
 * - Local times are converted to true time by the monitor's current offset (exact without drift).
 *
 * For NFD-S, clocks must be synchronised: give no node a clock offset or drift, and pass the
 * same `startMs` to the detector and to the harness.
 *
 * @example
 * ```ts
 * const result = runDetectorHarness({
 *   seed: 7, monitored: ['p'], monitor: 'q', intervalMs: 100, durationMs: 60_000, sampleEveryMs: 10,
 *   detectors: { 'nfd-s': () => new NfdSDetector({ intervalMs: 100, shiftMs: 60 }) },
 *   network: { latency: { kind: 'exponential', meanMs: 20 }, lossProbability: 0.05 },
 * });
 * const qos = measureQoS(result.transitions['nfd-s']!['p']!, result.sim.truth, 'p', 0, 60_000);
 * ```
 */
export function runDetectorHarness(options: DetectorHarnessOptions): DetectorHarnessResult {
  const { seed, monitored, monitor, intervalMs, durationMs, sampleEveryMs, startMs, names, factories } = readHarnessOptions(options);
  const sim = new Simulation({
    seed,
    maxTimeMs: options.maxTimeMs ?? durationMs,
    ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
    ...(options.network === undefined ? {} : { network: { link: options.network } }),
  });
  const transitions: Record<string, Record<string, DetectorTransition[]>> = {};
  const watchedByNode = new Map<string, Watched[]>();
  const arrivals: Record<string, HeartbeatArrival[]> = {};
  const sent: Record<string, number> = {};
  const built = new Set<FailureDetector>();
  for (const name of names) transitions[name] = {};
  for (const node of monitored) {
    const list: Watched[] = [];
    for (const name of names) {
      const detector = buildDetector(factories[name]!, name, built);
      const watched: Watched = { detector, trusted: true, lastLocalMs: -Infinity, lastTrueMs: -Infinity, transitions: [] };
      transitions[name]![node] = watched.transitions;
      list.push(watched);
    }
    watchedByNode.set(node, list);
    arrivals[node] = [];
    sent[node] = 0;
  }
  let samples = 0;

  /** Samples one instance at local time `localMs` (true time `trueMs`), recording a change. */
  const sample = (watched: Watched, localMs: number, trueMs: number): void => {
    samples++;
    const available = watched.detector.isAvailable(localMs);
    if (available !== watched.trusted) {
      const atLocal = locateChange(watched, localMs, available);
      watched.transitions.push({ kind: available ? 'trust' : 'suspect', timeMs: trueTimeWhenMonitorRead(atLocal, watched.lastTrueMs, trueMs), localTimeMs: atLocal });
      watched.trusted = available;
    }
    watched.lastLocalMs = localMs;
    watched.lastTrueMs = trueMs;
  };

  /**
   * The first true time in [afterMs, beforeMs] at which the monitor's clock read `localMs` or
   * more: where a verdict located on the local clock happened. Local elapsed time is not true
   * elapsed time when the clock jumped or drifts, and a reading the clock jumped over happened
   * at the jump.
   */
  const trueTimeWhenMonitorRead = (localMs: number, afterMs: number, beforeMs: number): number => {
    const readingAt = (trueMs: number): number => trueMs + sim.truth.clockOffset(monitor, trueMs);
    // The usual case, a clock that neither jumped nor drifts: the same elapsed time on both.
    const elapsedGuessMs = beforeMs - (readingAt(beforeMs) - localMs);
    if (elapsedGuessMs >= afterMs && Math.abs(readingAt(elapsedGuessMs) - localMs) <= TRANSITION_PRECISION_MS) return elapsedGuessMs;
    let low = Math.max(afterMs, 0);
    let high = beforeMs;
    if (readingAt(low) >= localMs) return low;
    while (high - low > TRANSITION_PRECISION_MS) {
      const middle = (low + high) / 2;
      if (readingAt(middle) >= localMs) high = middle;
      else low = middle;
    }
    return high;
  };

  // The monitor: detectors live outside its volatile state, so they survive its restarts.
  sim.addNode<HeartbeatMessage>(monitor, (ctx) => {
    const sampleAll = (): void => {
      const localMs = ctx.now();
      const trueMs = sim.now;
      for (const list of watchedByNode.values()) for (const watched of list) sample(watched, localMs, trueMs);
    };
    const armGrid = (): void => ctx.setTimer(sampleEveryMs, 'fd-sample');
    return {
      onStart: () => {
        sampleAll();
        armGrid();
      },
      onRecover: () => {
        sampleAll();
        armGrid();
      },
      onTimer: () => {
        sampleAll();
        armGrid();
      },
      onMessage: (from, message) => {
        const list = watchedByNode.get(from);
        if (list === undefined || typeof message !== 'object' || message === null || message.type !== 'fd-heartbeat') return;
        const localMs = ctx.now();
        const trueMs = sim.now;
        arrivals[from]!.push({ sequence: message.sequence, sentLocalMs: message.sentLocalMs, sentMs: message.sentMs, timeMs: trueMs, localTimeMs: localMs });
        for (const watched of list) {
          sample(watched, localMs, trueMs);
          (watched.detector as { heartbeat(nowMs: number, sequence?: number): void }).heartbeat(localMs, message.sequence);
          samples++;
          const available = watched.detector.isAvailable(localMs);
          if (available !== watched.trusted) {
            const last = watched.transitions[watched.transitions.length - 1];
            if (available && last !== undefined && last.kind === 'suspect' && last.localTimeMs === localMs) watched.transitions.pop();
            else watched.transitions.push({ kind: available ? 'trust' : 'suspect', timeMs: trueMs, localTimeMs: localMs });
            watched.trusted = available;
          }
        }
      },
    };
  });

  for (const node of monitored) {
    sim.addNode<HeartbeatMessage>(node, (ctx) => {
      let next = 0;
      /** Arms the timer for heartbeat `next`, skipping indices whose send time has passed. */
      const armNext = (): void => {
        const nowMs = ctx.now();
        const due = startMs + next * intervalMs;
        if (due < nowMs) {
          next = Math.max(next, Math.ceil((nowMs - startMs) / intervalMs));
        }
        ctx.setTimer(Math.max(0, startMs + next * intervalMs - nowMs), 'fd-heartbeat');
      };
      return {
        onStart: armNext,
        onRecover: armNext,
        onTimer: () => {
          const sentLocalMs = ctx.now();
          ctx.send(monitor, { type: 'fd-heartbeat', sequence: next, sentLocalMs, sentMs: sim.now });
          sent[node]!++;
          next++;
          armNext();
        },
      };
    });
  }

  if (options.faults !== undefined) injectFaults(sim, options.faults);
  sim.run({ until: durationMs });
  // A last sample at the end, so a suspicion still running is recorded.
  const endLocal = sim.localTime(monitor);
  for (const list of watchedByNode.values()) for (const watched of list) if (endLocal >= watched.lastLocalMs) sample(watched, endLocal, sim.now);
  return { transitions, arrivals, sent, samples, sim, traceHash: sim.traceHash() };
}

/** The options after checking, with defaults filled in. */
interface HarnessConfig {
  seed: Seed;
  monitored: string[];
  monitor: string;
  intervalMs: number;
  durationMs: number;
  sampleEveryMs: number;
  startMs: number;
  names: string[];
  factories: Record<string, () => unknown>;
}

/**
 * Checks every option before anything is built. An optional option given as `null` is an error,
 * not "absent": only `undefined` means absent.
 */
function readHarnessOptions(options: DetectorHarnessOptions): HarnessConfig {
  requireObject(options, 'options');
  rejectUnknownKeys(options, '', HARNESS_OPTION_KEYS);
  const { seed, monitored, monitor, intervalMs, detectors, durationMs, sampleEveryMs } = options;
  requireString(monitor, 'monitor');
  if (!Array.isArray(monitored) || monitored.length === 0) throw new InvalidArgumentError('monitored', monitored, 'a non-empty array of node ids');
  for (const [index, id] of monitored.entries()) {
    requireString(id, `monitored[${index}]`);
    if (id === monitor) throw new InvalidArgumentError(`monitored[${index}]`, id, 'a node other than the monitor');
  }
  if (new Set(monitored).size !== monitored.length) throw new InvalidArgumentError('monitored', monitored, 'distinct node ids');
  requirePositive(intervalMs, 'intervalMs');
  requirePositive(durationMs, 'durationMs');
  if (durationMs > EventLoop.maxSimulatedTimeMs) throw new InvalidArgumentError('durationMs', durationMs, `a duration in (0, ${EventLoop.maxSimulatedTimeMs}] ms (EventLoop.maxSimulatedTimeMs)`);
  requirePositive(sampleEveryMs, 'sampleEveryMs');
  const startMs = options.startMs === undefined ? 0 : options.startMs;
  if (typeof startMs !== 'number' || !(startMs >= 0 && startMs < Infinity)) throw new InvalidArgumentError('startMs', startMs, 'a finite time >= 0 in ms');
  if (options.network !== undefined) validateLinkModel(options.network, 'network');
  if (options.faults !== undefined && !Array.isArray(options.faults)) throw new InvalidArgumentError('faults', options.faults, 'an array of faults');
  if (options.maxEvents !== undefined) requirePositiveInteger(options.maxEvents, 'maxEvents');
  if (options.maxTimeMs !== undefined) {
    requireFinite(options.maxTimeMs, 'maxTimeMs', `a finite time >= durationMs (${durationMs}ms)`);
    if (options.maxTimeMs < durationMs) throw new InvalidArgumentError('maxTimeMs', options.maxTimeMs, `a finite time >= durationMs (${durationMs}ms)`);
  }
  requireObject(detectors, 'detectors');
  const names = Object.keys(detectors);
  if (names.length === 0) throw new InvalidArgumentError('detectors', detectors, 'at least one detector factory');
  for (const name of names) requireFunction(detectors[name], `detectors.${name}`);
  return { seed, monitored, monitor, intervalMs, durationMs, sampleEveryMs, startMs, names, factories: detectors };
}

/**
 * Calls a detector factory and checks what it returned: a detector, and a fresh one (an instance
 * shared between monitored nodes would mix their heartbeats). `built` holds every instance so far.
 */
function buildDetector(factory: () => unknown, name: string, built: Set<FailureDetector>): FailureDetector {
  const detector = factory();
  const field = `detectors.${name}()`;
  if (!isFailureDetector(detector)) throw new InvalidArgumentError(field, detector, FAILURE_DETECTOR_EXPECTED);
  if (built.has(detector)) throw new InvalidArgumentError(field, detector, `${FAILURE_DETECTOR_EXPECTED}, a new one on every call (one instance watches one node)`);
  built.add(detector);
  return detector;
}

/** Injects the schedule, naming the harness option (`faults[…]`) rather than the kernel's `schedule[…]` in errors. */
function injectFaults(sim: Simulation, faults: FaultSchedule): void {
  try {
    sim.inject(faults);
  } catch (error) {
    if (error instanceof InvalidArgumentError && error.field.startsWith('schedule')) {
      throw new InvalidArgumentError(`faults${error.field.slice('schedule'.length)}`, error.value, error.expected);
    }
    throw error;
  }
}

/**
 * The earliest local time in `(watched.lastLocalMs, localMs]` at which the detector's verdict is
 * already `available`: the detector's exact `freshnessPointMs` if it has one there, otherwise
 * found by bisection (the verdict changes at most once between heartbeats).
 */
function locateChange(watched: Watched, localMs: number, available: boolean): number {
  let low = watched.lastLocalMs;
  if (!Number.isFinite(low)) return localMs;
  const hint = (watched.detector as { freshnessPointMs?: unknown }).freshnessPointMs;
  if (!available && typeof hint === 'number' && hint > low && hint <= localMs && !watched.detector.isAvailable(hint)) return hint;
  let high = localMs;
  for (let step = 0; step < 200 && high - low > TRANSITION_PRECISION_MS; step++) {
    const middle = low + (high - low) / 2;
    if (middle <= low || middle >= high) break;
    if (watched.detector.isAvailable(middle) === available) high = middle;
    else low = middle;
  }
  return high;
}
