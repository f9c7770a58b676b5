import { rejectUnknownKeys, requireBoolean, requireObject } from '../../validate.js';

/**
 * Which features of a generated case {@link faultSchedule} draws afresh for each case (swarm
 * testing: Groce et al., "Swarm Testing", ISSTA 2012). Diverse cases find bugs a uniform mix
 * hides: a case aimed at one node can pile every fault on it, and a calm case lets a protocol
 * show a bug that more faults would mask.
 *
 * The defaults are the ones that found the planted bugs of `npm run bench:search` fastest
 * (bench/README.md, "Search power"): nodes on, kinds and count off.
 *
 * @example
 * ```ts
 * faultSchedule({ nodes: ['n1', 'n2', 'n3'], horizonMs: 5_000, swarm: { kinds: true, count: true } });
 * ```
 */
export interface SwarmOptions {
  /**
   * Half the cases aim their faults at a random subset of the nodes (each kept with even odds, at
   * least one; now and then all of them). A kind keeps its own nodes where the subset leaves it
   * too few (a link needs two) or none of its `targets`, and so does a custom kind, whose
   * arbitrary may assume its whole list. Default true.
   */
  nodes?: boolean;
  /** Each case enables a random subset of the kinds (each with even odds, at least one). Default false. */
  kinds?: boolean;
  /**
   * Each case draws how many faults it has, uniform over [minFaults, maxFaults]; without it every
   * case draws maxFaults (fewer only when conflicts and the budget drop some). Default false.
   */
  count?: boolean;
}

/** The swarm dimensions, resolved. Internal. */
export type SwarmDimensions = Readonly<Required<SwarmOptions>>;

const SWARM_KEYS = ['nodes', 'kinds', 'count'];
const DEFAULT_SWARM: SwarmDimensions = { nodes: true, kinds: false, count: false };

/** `swarm: true` turns every dimension on, `false` every one off; an object sets each. Internal. */
export function readSwarm(value: unknown): SwarmDimensions {
  if (value === undefined) return DEFAULT_SWARM;
  if (typeof value === 'boolean') return { nodes: value, kinds: value, count: value };
  requireObject(value, 'swarm');
  rejectUnknownKeys(value, 'swarm', SWARM_KEYS);
  const dimension = (key: keyof SwarmOptions): boolean => {
    const flag = value[key];
    if (flag === undefined) return DEFAULT_SWARM[key];
    requireBoolean(flag, `swarm.${key}`);
    return flag;
  };
  return { nodes: dimension('nodes'), kinds: dimension('kinds'), count: dimension('count') };
}
