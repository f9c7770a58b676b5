import { InvalidArgumentError } from '../../errors.js';
import { rejectUnknownKeys, requireFunction, requireObject, requireOneOf, requirePositive, requirePositiveInteger, requireString } from '../../validate.js';

/**
 * What a probe asks. `liveness`: does the process run? The target's health endpoint answers it
 * without the node's own handlers (after the probe's wait in the node's inbox, behind any
 * backlog, as every message), so any reply in time counts. `readiness`: can it serve?
 * The probe is the user's `request`, answered by the target's own `onCall` handler (the one
 * `ctx.call` reaches), and judged by `isHealthy` on the reply and its latency: a slow, lossy or
 * overloaded target fails it while a liveness ping still passes.
 *
 * @example
 * ```ts
 * const kind: HealthCheckKind = 'readiness';
 * ```
 */
export type HealthCheckKind = 'liveness' | 'readiness';

/**
 * A target's health as a check sees it.
 *
 * @example
 * ```ts
 * const status: HealthStatus = checker.status('api/readiness');
 * ```
 */
export type HealthStatus = 'healthy' | 'unhealthy';

/**
 * One health check: a checker probes `target` every `intervalMs` (on the checker's clock) and
 * flips the status after `healthyThreshold` consecutive successes or `unhealthyThreshold`
 * consecutive failures, as Kubernetes probes and Envoy's active health checks do.
 *
 * @example
 * ```ts
 * const check: HealthCheckOptions = {
 *   target: 'api', kind: 'readiness', request: { type: 'get' },
 *   isHealthy: (reply, latencyMs) => reply === 'ok' && latencyMs < 20,
 *   intervalMs: 100, timeoutMs: 50, unhealthyThreshold: 2,
 * };
 * ```
 */
export interface HealthCheckOptions {
  /** The node probed; it must be built with `withHealthEndpoint`. */
  target: string;
  /** `liveness` or `readiness` (see {@link HealthCheckKind}). */
  kind: HealthCheckKind;
  /** Name of the check, unique within its checker. Default `${target}/${kind}`. */
  name?: string;
  /** Period between probes, on the checker's clock, in ms (> 0). */
  intervalMs: number;
  /** A probe with no reply after this long fails; > 0 and < `intervalMs`, so at most one probe is in flight. */
  timeoutMs: number;
  /** Consecutive successes that make an unhealthy target healthy (integer >= 1). Default 1. */
  healthyThreshold?: number;
  /** Consecutive failures that make a healthy target unhealthy (integer >= 1). Default 3 (as Kubernetes). */
  unhealthyThreshold?: number;
  /** Status before the first flip. Default `healthy` for liveness, `unhealthy` for readiness (as Kubernetes). */
  initialStatus?: HealthStatus;
  /** Readiness only: the request handed to the target's `onCall`. Default `undefined`. */
  request?: unknown;
  /** Readiness only: judges a reply that came back in time. Default: every reply is healthy. */
  isHealthy?: (reply: unknown, latencyMs: number) => boolean;
}

/**
 * A check as its checker runs it: {@link HealthCheckOptions} with every default filled in.
 *
 * @example
 * ```ts
 * const resolved: ResolvedHealthCheck = health.checkOptions('api/readiness');
 * resolved.unhealthyThreshold; // 3 unless given
 * ```
 */
export type ResolvedHealthCheck = Required<Omit<HealthCheckOptions, 'request'>> & {
  /** Readiness: the request handed to the target's `onCall` (`undefined` when none was given). */
  request: unknown;
};

/**
 * Options of `addHealthChecker`.
 *
 * @example
 * ```ts
 * const options: HealthCheckerOptions = { checks: [{ target: 'api', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] };
 * ```
 */
export interface HealthCheckerOptions {
  /** The checks this checker runs (at least one). */
  checks: HealthCheckOptions[];
}

/** Every key a check may have. */
export const CHECK_KEYS = ['target', 'kind', 'name', 'intervalMs', 'timeoutMs', 'healthyThreshold', 'unhealthyThreshold', 'initialStatus', 'request', 'isHealthy'];
const READINESS_ONLY_KEYS = ['request', 'isHealthy'];
/** Bounds the checks of one checker, removed ones included (each keeps its records): each one arms timers on every interval. */
export const MAX_CHECKS = 10_000;
const MAX_THRESHOLD = 1_000_000;

/** Validates and fills in a checker's options, rejecting anything a run would silently misread. */
export function resolveHealthChecks(options: unknown): ResolvedHealthCheck[] {
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', ['checks']);
  const checks = options['checks'];
  if (!Array.isArray(checks) || checks.length === 0 || checks.length > MAX_CHECKS) {
    throw new InvalidArgumentError('options.checks', checks, `a non-empty array of at most ${MAX_CHECKS} checks`);
  }
  const resolved = checks.map((check: unknown, index) => resolveCheck(check, `options.checks[${index}]`));
  const seen = new Set<string>();
  resolved.forEach((check, index) => {
    if (seen.has(check.name)) throw new InvalidArgumentError(`options.checks[${index}].name`, check.name, 'a name no other check of this checker has');
    seen.add(check.name);
  });
  return resolved;
}

/** Validates and fills in one check, naming its fields under `field` (`options.checks[2]`, `check`). */
export function resolveCheck(check: unknown, field: string): ResolvedHealthCheck {
  requireObject(check, field);
  rejectUnknownKeys(check, field, CHECK_KEYS);
  requireString(check['target'], `${field}.target`);
  requireOneOf(check['kind'], `${field}.kind`, ['liveness', 'readiness'] as const);
  const kind = check['kind'];
  if (kind === 'liveness') {
    for (const key of READINESS_ONLY_KEYS) {
      if (key in check) throw new InvalidArgumentError(`${field}.${key}`, check[key], 'absent: a liveness probe sends no request and judges no reply');
    }
  }
  if (check['name'] !== undefined) requireString(check['name'], `${field}.name`);
  requirePositive(check['intervalMs'], `${field}.intervalMs`);
  requirePositive(check['timeoutMs'], `${field}.timeoutMs`);
  if (check['timeoutMs'] >= check['intervalMs']) {
    throw new InvalidArgumentError(`${field}.timeoutMs`, check['timeoutMs'], `a timeout shorter than intervalMs (${check['intervalMs']}ms)`);
  }
  const threshold = (key: string, fallback: number): number => {
    const value = check[key] ?? fallback;
    requirePositiveInteger(value, `${field}.${key}`, MAX_THRESHOLD);
    return value;
  };
  const initialStatus = check['initialStatus'] ?? (kind === 'liveness' ? 'healthy' : 'unhealthy');
  requireOneOf(initialStatus, `${field}.initialStatus`, ['healthy', 'unhealthy'] as const);
  const isHealthy = check['isHealthy'] ?? (() => true);
  requireFunction(isHealthy, `${field}.isHealthy`);
  return {
    target: check['target'],
    kind,
    name: (check['name'] as string | undefined) ?? `${check['target']}/${kind}`,
    intervalMs: check['intervalMs'],
    timeoutMs: check['timeoutMs'],
    healthyThreshold: threshold('healthyThreshold', 1),
    unhealthyThreshold: threshold('unhealthyThreshold', 3),
    initialStatus,
    request: check['request'],
    isHealthy: isHealthy as ResolvedHealthCheck['isHealthy'],
  };
}
