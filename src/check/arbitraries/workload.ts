import fc from 'fast-check';
import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireNonNegative, requireObject, requirePositive, requirePositiveInteger } from '../../validate.js';
import type { WorkloadOperation } from '../scenario.js';

/**
 * What {@link workload} generates.
 *
 * @example
 * ```ts
 * const options: WorkloadOptions<Op> = { clients: ['c1', 'c2'], operation: fc.oneof(read, write), maxOperations: 20, horizonMs: 8_000 };
 * ```
 */
export interface WorkloadOptions<Operation> {
  /** The clients that issue operations. */
  clients: readonly string[];
  /** One operation (plain data). */
  operation: fc.Arbitrary<Operation>;
  /** At most this many operations. Default 20. */
  maxOperations?: number;
  /** At least this many. Default 1. */
  minOperations?: number;
  /** Operations are issued in [startMs, horizonMs). */
  horizonMs: number;
  /** Earliest issue time. Default 0. */
  startMs?: number;
}

const OPTION_KEYS = ['clients', 'operation', 'maxOperations', 'minOperations', 'horizonMs', 'startMs'];

/**
 * An arbitrary of client workloads: operations with issue times and clients, sorted by time.
 * Shrinking deletes operations, moves them earlier and simplifies each one.
 *
 * @example
 * ```ts
 * const ops = workload({ clients: ['c1', 'c2'], operation: fc.oneof(fc.constant({ type: 'read' }), fc.nat(9).map((value) => ({ type: 'write', value }))), horizonMs: 5_000 });
 * fc.assert(fc.property(clusterSeed(), faults, ops, (seed, schedule, operations) => {
 *   checkCluster(scenario, { seed, faults: schedule, workload: operations });
 * }));
 * ```
 */
export function workload<Operation>(options: WorkloadOptions<Operation>): fc.Arbitrary<Array<WorkloadOperation<Operation>>> {
  const raw: unknown = options;
  requireObject(raw, 'workload(options)');
  rejectUnknownKeys(raw, 'workload(options)', OPTION_KEYS);
  const clients = options.clients;
  if (!Array.isArray(clients) || clients.length === 0 || !clients.every((id) => typeof id === 'string')) throw new InvalidArgumentError('clients', clients, 'a non-empty array of node ids');
  // Duck-typed rather than instanceof: a second copy of fast-check in node_modules is common.
  const operation = options.operation as unknown as { generate?: unknown; shrink?: unknown } | undefined;
  if (typeof operation?.generate !== 'function' || typeof operation.shrink !== 'function') {
    throw new InvalidArgumentError('operation', options.operation, 'a fast-check arbitrary');
  }
  const maxOperations = orDefault(options.maxOperations, 20);
  requirePositiveInteger(maxOperations, 'maxOperations', 100_000);
  const minOperations = orDefault(options.minOperations, 1);
  requireNonNegative(minOperations, 'minOperations');
  if (!Number.isInteger(minOperations) || minOperations > maxOperations) throw new InvalidArgumentError('minOperations', minOperations, `an integer in [0, maxOperations (${maxOperations})]`);
  const startMs = orDefault(options.startMs, 0);
  requireNonNegative(startMs, 'startMs');
  requirePositive(options.horizonMs, 'horizonMs');
  if (!Number.isFinite(options.horizonMs) || options.horizonMs <= startMs + 1) throw new InvalidArgumentError('horizonMs', options.horizonMs, `a finite time > startMs + 1 (${startMs + 1} ms)`);
  const item = fc.record({
    atMs: fc.integer({ min: Math.ceil(startMs), max: Math.ceil(options.horizonMs) - 1 }),
    client: fc.constantFrom(...clients),
    operation: options.operation,
  });
  return fc.array(item, { minLength: minOperations, maxLength: maxOperations }).map((items) => [...items].sort((first, second) => first.atMs - second.atMs));
}
