import { InvalidArgumentError } from '../errors.js';
import { requireObject } from '../validate.js';
import { gCounter, type GCounterState } from './g-counter.js';
import { lwwRegister, type LwwRegisterState } from './lww-register.js';
import { mvRegister, type MvRegisterState } from './mv-register.js';
import { orSet, type OrSetState } from './or-set.js';
import { pnCounter, type PnCounterState } from './pn-counter.js';

/**
 * The state of any of faultline's CRDTs, told apart by its `type` tag.
 *
 * @example
 * ```ts
 * const states: CrdtState[] = [gCounter.empty(), orSet.empty(), lwwRegister.empty()];
 * ```
 */
export type CrdtState = GCounterState | PnCounterState | LwwRegisterState<unknown> | MvRegisterState<unknown> | OrSetState;

/**
 * The `type` tags of {@link CrdtState}.
 *
 * @example
 * ```ts
 * crdtTypes.includes('or-set'); // true
 * ```
 */
export const crdtTypes: readonly CrdtState['type'][] = Object.freeze(['g-counter', 'pn-counter', 'lww-register', 'mv-register', 'or-set'] as const);

type Merge = (a: never, b: never) => CrdtState;
const merges: Record<CrdtState['type'], Merge> = {
  'g-counter': gCounter.merge,
  'pn-counter': pnCounter.merge,
  'lww-register': lwwRegister.merge,
  'mv-register': mvRegister.merge,
  'or-set': orSet.merge,
};

/**
 * Merges two states of the same CRDT type, whichever it is (read from `a.type`). States of
 * different types, or of an unknown type, are refused with an InvalidArgumentError.
 *
 * @example
 * ```ts
 * mergeCrdt(gCounter.increment(gCounter.empty(), 'a'), gCounter.empty()); // a G-Counter at 1
 * mergeCrdt(gCounter.empty(), orSet.empty()); // throws: b.type must be 'g-counter'
 * ```
 */
export function mergeCrdt<S extends CrdtState>(a: S, b: S): S {
  requireObject(a, 'a');
  const type = a.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(merges, type)) {
    throw new InvalidArgumentError('a.type', type, `one of ${crdtTypes.map((known) => `'${known}'`).join(', ')}`);
  }
  return (merges[type] as (left: S, right: S) => S)(a, b);
}
