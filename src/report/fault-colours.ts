import { PALETTE } from './svg-primitives.js';

// Internal: one colour per fault kind, the same in every picture and every run, so a reader who
// learnt that purple is a crash in one diagram reads every other one the same way. Blue, red and
// green are left to messages, drops and alerts, and to verdicts.

const FAMILY_COLOURS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^crash$/, '#9467bd'],
  [/^(partition|partition-one-way|isolate|bridge)$/, '#ff7f0e'],
  [/^pause$/, '#8c564b'],
  [/^(link|omission)$/, '#e377c2'],
  [/^byzantine$/, '#17becf'],
  [/^(slow-node|capacity|traffic-spike|latency-creep|error-ramp|memory-leak)$/, '#bcbd22'],
  [/^(clock-skew|clock-drift|clock-jump)$/, '#7f7f7f'],
  [/^disk-/, '#a0522d'],
  [/^domain-outage$/, '#6a3d9a'],
];

/** Other kinds (a user's own failure models) take a palette colour by a hash of their name. */
const SPARE = PALETTE.filter((colour) => !['#1f77b4', '#d62728', '#2ca02c'].includes(colour));

export function faultColour(kind: string): string {
  for (const [pattern, colour] of FAMILY_COLOURS) if (pattern.test(kind)) return colour;
  let hash = 0x811c9dc5;
  for (let index = 0; index < kind.length; index++) hash = Math.imul(hash ^ kind.charCodeAt(index), 0x01000193) >>> 0;
  return SPARE[hash % SPARE.length]!;
}
