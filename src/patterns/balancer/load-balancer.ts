import { InvalidArgumentError } from '../../errors.js';
import { requireBoolean, requireFinite, requireFunction, requireNonNegative, requireObject, rejectUnknownKeys } from '../../validate.js';
import type { HealthChecker } from '../../observe/health/health-checker.js';
import type { DetectorWatch } from '../supervisor/detector-watch.js';
import { verdictFeed, type VerdictFeed } from '../supervisor/verdicts.js';
import { readBackend, resolveBalancerOptions, MAX_BACKENDS, type BackendOptions, type BalancingPolicy, type LoadBalancerOptions, type ResolvedBalancerOptions, type ResolvedOutlierDetection } from './balancer-options.js';
import { OutlierWindow } from './outlier-window.js';

/**
 * A change in a backend's place in the rotation: `down` / `up` by the balancer's verdict
 * source, `ejected` by outlier detection (with the reason), `readmitted` when its ejection ends,
 * `added` / `removed` by {@link LoadBalancer.addBackend} and {@link LoadBalancer.removeBackend}.
 *
 * @example
 * ```ts
 * balancer.events.filter((event: BalancerEvent) => event.kind === 'ejected');
 * ```
 */
export interface BalancerEvent {
  /** What changed. */
  kind: 'down' | 'up' | 'ejected' | 'readmitted' | 'added' | 'removed';
  /** The backend. */
  backend: string;
  /** When, in ms: for `down` and `up` the verdict's true time; otherwise the clock the caller passes (to `pick`, `finish`, `addBackend`, `removeBackend`). */
  atMs: number;
  /** For `ejected`: `error rate` or `latency`. */
  reason?: 'error rate' | 'latency';
}

/**
 * One backend as the balancer sees it.
 *
 * @example
 * ```ts
 * const { up, ejectedUntilMs, outstanding }: BackendState = balancer.backend('b1');
 * ```
 */
export interface BackendState {
  /** The backend's id. */
  id: string;
  /** Its weight. */
  weight: number;
  /** False while its verdict source says it is down. */
  up: boolean;
  /** Out of rotation until this time (outlier ejection); -Infinity when not ejected. */
  ejectedUntilMs: number;
  /** Requests picked for it and not finished. */
  outstanding: number;
  /** Requests picked for it in total. */
  picks: number;
}

interface Backend extends BackendState {
  window: OutlierWindow | undefined;
  /** Ejections in a row (reset by a clean window): the next ejection lasts this many times ejectionMs. */
  ejections: number;
  /** Smooth weighted round-robin's running score. */
  currentWeight: number;
  /** Taken out by `removeBackend`: never picked again, forgotten once its last request finishes. */
  leaving: boolean;
}

/**
 * A load balancer's state machine: which backend the next request goes to, under one of three
 * {@link BalancingPolicy | policies}, among the backends in rotation: up by its verdict source
 * (health checks or a detector) and not ejected as an outlier. Pure over time: every call takes
 * the caller's clock. A node runs it with {@link loadBalancerProxy}, or client code calls
 * `pick` and `finish` itself (client-side balancing).
 *
 * @example
 * ```ts
 * const balancer = new LoadBalancer({ backends: ['b1', 'b2', 'b3'], policy: 'least-outstanding' });
 * const backend = balancer.pick(0);        // 'b1'
 * balancer.pick(0);                         // 'b2': b1 has one in flight
 * balancer.finish(backend!, { ok: true, latencyMs: 12 }, 12);
 * ```
 */
export class LoadBalancer {
  /** Every change of a backend's place in the rotation, in order. */
  readonly events: BalancerEvent[] = [];
  /** The policy. */
  readonly policy: BalancingPolicy;
  private readonly backends: Backend[];
  private readonly options: ResolvedBalancerOptions;
  private readonly pickListeners: Array<(backend: string) => void> = [];
  private feed: VerdictFeed | undefined;
  /** Position of the last pick, for least-outstanding's rotating tie-break. */
  private lastPicked = -1;

  constructor(options: LoadBalancerOptions) {
    this.options = resolveBalancerOptions(options);
    this.policy = this.options.policy;
    const outliers = this.options.outlierDetection;
    this.backends = this.options.backends.map(({ id, weight }) => ({
      id, weight, up: true, ejectedUntilMs: -Infinity, outstanding: 0, picks: 0,
      window: outliers === undefined ? undefined : new OutlierWindow(outliers), ejections: 0, currentWeight: 0, leaving: false,
    }));
    if (this.options.verdicts !== undefined) this.follow(this.options.verdicts);
  }

  /** @internal The health checker or detector watch whose verdicts it follows, if any. */
  get verdictSource(): unknown {
    return this.options.verdicts;
  }

  /** The backend `id` as the balancer sees it now (a copy). */
  backend(id: string): BackendState {
    const { window: _window, ejections: _ejections, currentWeight: _score, leaving: _leaving, ...state } = this.named(id);
    return state;
  }

  // ---- recover: autoscaler (issue 15) ----
  /**
   * Adds a backend at run time (an autoscaler's new node, once it serves): it joins the rotation
   * now, up unless the verdict source watches it and believes it down. A backend the source does
   * not watch stays up until a check of it is added to the source (a health checker's
   * {@link HealthChecker.addCheck}) and fails, or it becomes a detector watch's target
   * ({@link DetectorWatch.addTarget}) and is suspected, or until it is removed. Add its checks first and
   * it honours them from the start: a readiness check starts unhealthy, so the backend joins the
   * rotation only once it passes, as a Kubernetes pod's readiness gates its endpoints. Its id
   * must not be a backend's already (one still finishing requests after `removeBackend`
   * included).
   *
   * @example
   * ```ts
   * balancer.addBackend('w4', sim.now);
   * balancer.addBackend({ id: 'big', weight: 2 }, sim.now);
   * health.addCheck({ target: 'w5', kind: 'readiness', intervalMs: 100, timeoutMs: 50 });
   * balancer.addBackend('w5', sim.now); // down until its readiness check passes
   * ```
   */
  addBackend(backend: string | BackendOptions, nowMs: number): void {
    requireFinite(nowMs, 'nowMs');
    if (this.backends.length >= MAX_BACKENDS) throw new InvalidArgumentError('backend', backend, `a backend beyond the ${MAX_BACKENDS} a balancer holds (remove one first)`);
    const { id, weight } = readBackend(backend, 'backend');
    if (this.backends.some((other) => other.id === id)) throw new InvalidArgumentError('backend.id', id, 'an id no other backend has (a removed backend still finishing requests included)');
    const outliers = this.options.outlierDetection;
    const feed = this.feed;
    this.backends.push({
      id, weight, up: feed === undefined || !feed.targets.includes(id) || !feed.isDown(id), ejectedUntilMs: -Infinity, outstanding: 0, picks: 0,
      window: outliers === undefined ? undefined : new OutlierWindow(outliers), ejections: 0, currentWeight: 0, leaving: false,
    });
    this.events.push({ kind: 'added', backend: id, atMs: nowMs });
  }

  /**
   * Takes a backend out for good (an autoscaler's node about to drain): it is never picked again;
   * requests already in flight to it still `finish`, and it is forgotten after the last one.
   *
   * @example
   * ```ts
   * balancer.removeBackend('w4', sim.now);
   * sim.removeNode('w4', { graceful: true, drainMs: 1_000 });
   * ```
   */
  removeBackend(id: string, nowMs: number): void {
    requireFinite(nowMs, 'nowMs');
    const entry = this.named(id);
    if (entry.leaving) throw new InvalidArgumentError('backend', id, 'a backend not already removed');
    entry.leaving = true;
    this.events.push({ kind: 'removed', backend: id, atMs: nowMs });
    this.forgetIfDone(entry);
  }
  // ---- end recover: autoscaler ----

  /** Ids of the backends in rotation at `nowMs`, in list order. */
  inRotation(nowMs: number): string[] {
    this.readmit(nowMs);
    return this.backends.filter((backend) => this.available(backend, nowMs)).map((backend) => backend.id);
  }

  /**
   * Chooses the backend for one request at `nowMs` and counts it as in flight, or returns
   * undefined when none is in rotation. Call {@link LoadBalancer.finish} when it completes.
   */
  pick(nowMs: number): string | undefined {
    requireFinite(nowMs, 'nowMs');
    this.readmit(nowMs);
    const candidates = this.backends.filter((backend) => this.available(backend, nowMs));
    if (candidates.length === 0) return undefined;
    const chosen = this.choose(candidates);
    chosen.outstanding++;
    chosen.picks++;
    this.lastPicked = this.backends.indexOf(chosen);
    for (const listener of [...this.pickListeners]) listener(chosen.id);
    return chosen.id;
  }

  /**
   * Records how a request picked for `backend` ended: `ok` false for an error or a timeout, and
   * its latency. With outlier detection on, this may eject the backend.
   */
  finish(backend: string, outcome: { ok: boolean; latencyMs: number }, nowMs: number): void {
    const entry = this.named(backend);
    requireObject(outcome, 'outcome');
    rejectUnknownKeys(outcome, 'outcome', ['ok', 'latencyMs']);
    requireBoolean(outcome.ok, 'outcome.ok');
    requireNonNegative(outcome.latencyMs, 'outcome.latencyMs');
    requireFinite(nowMs, 'nowMs');
    if (entry.outstanding === 0) throw new InvalidArgumentError('backend', backend, 'a backend with a request in flight (finish once per pick)');
    entry.outstanding--;
    if (this.forgetIfDone(entry)) return;
    this.readmit(nowMs);
    if (entry.window === undefined || entry.ejectedUntilMs > nowMs) return;
    entry.window.add(outcome.ok, outcome.latencyMs);
    const reason = entry.window.verdict();
    if (reason === undefined) {
      if (entry.window.fullAndClean) entry.ejections = 0;
      return;
    }
    this.eject(entry, reason, nowMs);
  }

  /** Takes `backend` out of rotation (`up` false) or puts it back, as a verdict source does. */
  setUp(backend: string, up: boolean, nowMs: number): void {
    const entry = this.named(backend);
    requireBoolean(up, 'up');
    if (entry.up === up) return;
    entry.up = up;
    this.events.push({ kind: up ? 'up' : 'down', backend, atMs: nowMs });
  }

  /** Forgets every request in flight: for a balancer process that restarted and lost them. */
  resetOutstanding(): void {
    for (const backend of [...this.backends]) {
      backend.outstanding = 0;
      this.forgetIfDone(backend);
    }
  }

  /** Calls `listener` with each backend picked. Returns a function that unsubscribes it. */
  onPick(listener: (backend: string) => void): () => void {
    requireFunction(listener, 'listener');
    this.pickListeners.push(listener);
    return () => {
      const position = this.pickListeners.indexOf(listener);
      if (position >= 0) this.pickListeners.splice(position, 1);
    };
  }

  private follow(source: unknown): void {
    const feed = verdictFeed(source, 'options.verdicts', ['liveness', 'readiness']);
    this.feed = feed;
    this.backends.forEach((backend, index) => {
      if (!feed.targets.includes(backend.id)) throw new InvalidArgumentError(`options.backends[${index}]`, backend.id, `a node the verdict source watches (${feed.targets.join(', ')})`);
      backend.up = !feed.isDown(backend.id);
    });
    feed.subscribe((target, down, timeMs) => {
      // A leaving backend is out of rotation for good: its checks may be removed, or it may fail them while it drains.
      if (this.backends.some((backend) => backend.id === target && !backend.leaving)) this.setUp(target, !down, timeMs);
    });
  }

  private choose(candidates: Backend[]): Backend {
    if (candidates.length === 1) return candidates[0]!;
    if (this.policy === 'round-robin') return smoothWeightedRoundRobin(candidates);
    const load = (backend: Backend): number => backend.outstanding / backend.weight;
    if (this.policy === 'power-of-two-choices') {
      const rng = this.options.rng!;
      const first = rng.int(0, candidates.length - 1);
      let second = rng.int(0, candidates.length - 2);
      if (second >= first) second++;
      return load(candidates[second]!) < load(candidates[first]!) ? candidates[second]! : candidates[first]!;
    }
    const least = Math.min(...candidates.map(load));
    const tied = candidates.filter((backend) => load(backend) === least);
    return tied.find((backend) => this.backends.indexOf(backend) > this.lastPicked) ?? tied[0]!;
  }

  private available(backend: Backend, nowMs: number): boolean {
    return backend.up && !backend.leaving && backend.ejectedUntilMs <= nowMs;
  }

  /** Drops a removed backend once nothing is in flight to it; true if it was dropped. */
  private forgetIfDone(backend: Backend): boolean {
    if (!backend.leaving || backend.outstanding > 0) return false;
    const position = this.backends.indexOf(backend);
    this.backends.splice(position, 1);
    if (this.lastPicked >= position) this.lastPicked--;
    return true;
  }

  /**
   * Ejects an outlier unless that would eject more than `maxEjectedFraction` of the backends. As
   * in Envoy, whose bound counts the hosts in the cluster: a backend leaving after
   * `removeBackend` is out of it (it is never picked again), so it counts neither among the
   * backends nor among the ejected, and is not ejected itself.
   */
  private eject(backend: Backend, reason: 'error rate' | 'latency', nowMs: number): void {
    if (backend.leaving) return;
    const outliers = this.options.outlierDetection as ResolvedOutlierDetection;
    const members = this.backends.filter((other) => !other.leaving);
    const ejectedNow = members.filter((other) => other.ejectedUntilMs > nowMs).length;
    if (ejectedNow + 1 > Math.floor(outliers.maxEjectedFraction * members.length)) return;
    backend.ejections++;
    backend.ejectedUntilMs = nowMs + Math.min(outliers.maxEjectionMs, outliers.ejectionMs * backend.ejections);
    backend.window!.clear();
    this.events.push({ kind: 'ejected', backend: backend.id, atMs: nowMs, reason });
  }

  /** Notes ejections that have ended by `nowMs` (they end on their own; this only records them). */
  private readmit(nowMs: number): void {
    for (const backend of this.backends) {
      if (backend.ejectedUntilMs === -Infinity || backend.ejectedUntilMs > nowMs) continue;
      this.events.push({ kind: 'readmitted', backend: backend.id, atMs: backend.ejectedUntilMs });
      backend.ejectedUntilMs = -Infinity;
    }
  }

  private named(id: string): Backend {
    const backend = this.backends.find((candidate) => candidate.id === id);
    if (backend === undefined) throw new InvalidArgumentError('backend', id, `one of the balancer's backends (${this.backends.map((b) => b.id).join(', ')})`);
    return backend;
  }
}

/** nginx's smooth weighted round-robin: even spreading, exact shares; ties go to the first listed. */
function smoothWeightedRoundRobin(candidates: Backend[]): Backend {
  let total = 0;
  let best = candidates[0]!;
  for (const backend of candidates) {
    backend.currentWeight += backend.weight;
    total += backend.weight;
    if (backend.currentWeight > best.currentWeight) best = backend;
  }
  best.currentWeight -= total;
  return best;
}
