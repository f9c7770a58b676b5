import { InvalidArgumentError } from '../../errors.js';
import type { Simulation } from '../../simulation.js';
import { orDefault, rejectUnknownKeys, requireBoolean, requireNonNegative, requireObject, requirePositive, requireString } from '../../validate.js';
import { addFencedStore, type FencedStore } from './fenced-store.js';
import { addLeaseAuthority, type LeaseAuthority } from './lease-authority.js';
import { withLease, type LeasedBehaviour } from './lease-holder.js';

/**
 * Options of {@link addPrimaryBackup}.
 *
 * @example
 * ```ts
 * const options: PrimaryBackupOptions = {
 *   replicas: ['r1', 'r2'], behaviour: replica, authority: 'lock', store: 'store',
 *   leaseMs: 500, renewIntervalMs: 100, safetyMarginMs: 50,
 * };
 * ```
 */
export interface PrimaryBackupOptions {
  /** Ids of the replicas to add (at least two: a primary and a backup). */
  replicas: string[];
  /** Every replica's code, given its lease. */
  behaviour: LeasedBehaviour;
  /** Id of the lease authority node to add. */
  authority: string;
  /** Id of the fenced store node to add. */
  store: string;
  /** The lease's length, in ms (> 0). */
  leaseMs: number;
  /** How often replicas ask for the lease, in ms: > 0 and shorter than `leaseMs - safetyMarginMs`, so a live primary renews in time. */
  renewIntervalMs: number;
  /** Taken off the lease by holders, in ms: >= 0 and below `leaseMs`. Default 0. */
  safetyMarginMs?: number;
  /** Whether the store refuses stale epochs. Default true; false builds the broken system. */
  fencing?: boolean;
}

/**
 * The nodes {@link addPrimaryBackup} built.
 *
 * @example
 * ```ts
 * const { authority, store } = addPrimaryBackup(sim, options);
 * ```
 */
export interface PrimaryBackup {
  /** The lease authority (its `grants`). */
  authority: LeaseAuthority;
  /** The fenced store (its `writes`). */
  store: FencedStore;
}

const KEYS = ['replicas', 'behaviour', 'authority', 'store', 'leaseMs', 'renewIntervalMs', 'safetyMarginMs', 'fencing'];
const MAX_REPLICAS = 1_000;

/**
 * Adds a primary-backup group: a lease authority, a fenced store and replicas running
 * `behaviour` under {@link withLease}, with the lease timings checked against each other.
 *
 * @example
 * ```ts
 * const { store } = addPrimaryBackup(sim, {
 *   replicas: ['r1', 'r2'], authority: 'lock', store: 'store', leaseMs: 500, renewIntervalMs: 100,
 *   behaviour: (ctx, lease) => ({ onMessage(from, value) { if (lease.isPrimary()) lease.write('x', value); } }),
 * });
 * ```
 */
export function addPrimaryBackup(sim: Simulation, options: PrimaryBackupOptions): PrimaryBackup {
  const raw: unknown = options;
  requireObject(raw, 'options');
  rejectUnknownKeys(raw, 'options', KEYS);
  const replicas = raw['replicas'];
  if (!Array.isArray(replicas) || replicas.length < 2 || replicas.length > MAX_REPLICAS) {
    throw new InvalidArgumentError('options.replicas', replicas, `an array of 2 to ${MAX_REPLICAS} node ids (a primary and at least one backup)`);
  }
  replicas.forEach((id: unknown, index) => requireString(id, `options.replicas[${index}]`));
  requireString(raw['authority'], 'options.authority');
  requireString(raw['store'], 'options.store');
  requirePositive(raw['leaseMs'], 'options.leaseMs');
  const safetyMarginMs = orDefault(raw['safetyMarginMs'], 0);
  requireNonNegative(safetyMarginMs, 'options.safetyMarginMs');
  if (safetyMarginMs >= raw['leaseMs']) throw new InvalidArgumentError('options.safetyMarginMs', safetyMarginMs, `below leaseMs (${raw['leaseMs']})`);
  requirePositive(raw['renewIntervalMs'], 'options.renewIntervalMs');
  if (raw['renewIntervalMs'] >= raw['leaseMs'] - safetyMarginMs) {
    throw new InvalidArgumentError('options.renewIntervalMs', raw['renewIntervalMs'], `shorter than leaseMs - safetyMarginMs (${raw['leaseMs'] - safetyMarginMs}), or a live primary loses its lease`);
  }
  const fencing = orDefault(raw['fencing'], true);
  requireBoolean(fencing, 'options.fencing');
  const behaviour = raw['behaviour'] as LeasedBehaviour;
  const holder = { authority: raw['authority'], store: raw['store'], renewIntervalMs: raw['renewIntervalMs'], safetyMarginMs };
  // Build every replica's behaviour before adding any node: a bad option adds nothing.
  const replicaBehaviours = replicas.map((id: string) => [id, withLease(behaviour, holder)] as const);
  const authority = addLeaseAuthority(sim, raw['authority'], { leaseMs: raw['leaseMs'] });
  const store = addFencedStore(sim, raw['store'], { fencing });
  for (const [id, replica] of replicaBehaviours) sim.addNode(id, replica);
  return { authority, store };
}
