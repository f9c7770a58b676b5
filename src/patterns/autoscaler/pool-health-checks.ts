import { InvalidArgumentError } from '../../errors.js';
import { HealthChecker } from '../../observe/health/health-checker.js';
import { CHECK_KEYS, resolveCheck, type HealthCheckOptions } from '../../observe/health/health-check-options.js';
import { rejectUnknownKeys, requireObject, requireString } from '../../validate.js';

/**
 * One health check an autoscaler runs on each node it launches: a {@link HealthCheckOptions}
 * without `target` (the launched node) and `name` (derived: `${node}/${suffix}`).
 *
 * @example
 * ```ts
 * const readiness: PoolHealthCheck = { kind: 'readiness', request: 'get', intervalMs: 100, timeoutMs: 50, unhealthyThreshold: 2 };
 * const deep: PoolHealthCheck = { kind: 'readiness', suffix: 'deep', request: 'deep-get', intervalMs: 1_000, timeoutMs: 500 };
 * ```
 */
export interface PoolHealthCheck extends Omit<HealthCheckOptions, 'target' | 'name'> {
  /** The check is named `${node}/${suffix}` (node: the launched node's id). Default the kind, as a checker names its checks; distinct within `checks`. */
  suffix?: string;
}

/**
 * The `healthChecks` option of an autoscaler: the checker that probes the pool, and the checks it
 * runs on each launched node. The autoscaler adds them with {@link HealthChecker.addCheck} when
 * the node starts, before it joins the balancer (so a balancer following `checker` keeps it out
 * of rotation until its readiness check passes, and takes it out when a check fails), and
 * removes them with {@link HealthChecker.removeCheck} when it scales the node in, as it leaves
 * the balancer and begins to drain (a draining node refuses probes: kept, they would read as
 * failures). The starting pool's checks are yours to give the checker.
 *
 * @example
 * ```ts
 * const healthChecks: PoolHealthChecks = {
 *   checker: health,
 *   checks: [{ kind: 'liveness', intervalMs: 100, timeoutMs: 50 }, { kind: 'readiness', request: 'get', intervalMs: 100, timeoutMs: 50 }],
 * }; // a launched 'w3' gets 'w3/liveness' and 'w3/readiness'
 * ```
 */
export interface PoolHealthChecks {
  /** The checker that runs them: the one the balancer follows, to route by them. */
  checker: HealthChecker;
  /** The checks of each launched node (1 to 16 of them). */
  checks: PoolHealthCheck[];
}

const HEALTH_CHECKS_KEYS = ['checker', 'checks'];
/** A launched node's checks: each probes on every interval, so a handful is plenty. */
const MAX_POOL_CHECKS = 16;

/** Validates an autoscaler's `healthChecks` option; each check as the checker would, with `target` and `name` its own. */
export function readPoolHealthChecks(value: unknown, field: string): PoolHealthChecks {
  requireObject(value, field);
  rejectUnknownKeys(value, field, HEALTH_CHECKS_KEYS);
  if (!(value['checker'] instanceof HealthChecker)) throw new InvalidArgumentError(`${field}.checker`, value['checker'], 'a HealthChecker (addHealthChecker or createHealthChecker)');
  const checks = value['checks'];
  if (!Array.isArray(checks) || checks.length === 0 || checks.length > MAX_POOL_CHECKS) {
    throw new InvalidArgumentError(`${field}.checks`, checks, `a non-empty array of at most ${MAX_POOL_CHECKS} checks`);
  }
  const suffixes = new Set<string>();
  const read = checks.map((check: unknown, index): PoolHealthCheck => {
    const checkField = `${field}.checks[${index}]`;
    const template = readTemplate(check, checkField);
    const suffix = template.suffix ?? template.kind;
    if (suffixes.has(suffix)) throw new InvalidArgumentError(`${checkField}.suffix`, suffix, 'a suffix no other check of the list has (two checks of one kind need suffixes)');
    suffixes.add(suffix);
    return template;
  });
  return { checker: value['checker'], checks: read };
}

/** The checks of launched node `node`: each template with its target and derived name. */
export function poolChecksOf(node: string, checks: readonly PoolHealthCheck[]): HealthCheckOptions[] {
  return checks.map(({ suffix, ...check }) => ({ ...check, target: node, name: `${node}/${suffix ?? check.kind}` }));
}

function readTemplate(check: unknown, field: string): PoolHealthCheck {
  requireObject(check, field);
  for (const key of ['target', 'name']) {
    if (key in check) throw new InvalidArgumentError(`${field}.${key}`, check[key], 'absent: the autoscaler sets it for each launched node (target: the node; name: `${node}/${suffix}`)');
  }
  rejectUnknownKeys(check, field, [...CHECK_KEYS.filter((key) => key !== 'target' && key !== 'name'), 'suffix']);
  const { suffix, ...rest } = check;
  if (suffix !== undefined) requireString(suffix, `${field}.suffix`);
  // A stand-in target: the check is checked whole, as the checker will check it at each launch.
  resolveCheck({ ...rest, target: 'launched-node' }, field);
  return { ...(rest as Omit<PoolHealthCheck, 'suffix'>), ...(suffix === undefined ? {} : { suffix }) };
}
