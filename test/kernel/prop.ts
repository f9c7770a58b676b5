import { it } from 'vitest';
import fc from 'fast-check';

export { fc };

/**
 * `prop(arbitraries, params)(name, predicate)`: a property test, shaped like @fast-check/vitest's
 * `test.prop` but built on `fc.assert`. Importing @fast-check/vitest costs about 3 s per test
 * file (it pulls in vitest's runner internals), which is most of this folder's run time, so the
 * kernel tests use this instead. Failures report the counterexample and the seed to replay.
 */
export function prop<Ts extends [unknown, ...unknown[]]>(
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  params: fc.Parameters<Ts>,
): (name: string, predicate: (...args: Ts) => boolean | void) => void {
  return (name, predicate) => {
    it(name, () => {
      const property = (fc.property as (...args: unknown[]) => fc.IPropertyWithHooks<Ts>)(...arbitraries, predicate);
      fc.assert(property, params);
    });
  };
}
