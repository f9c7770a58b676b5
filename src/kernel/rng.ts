import { InvalidArgumentError } from '../errors.js';

/**
 * A simulation seed: any string or finite number. Equal seeds give equal runs.
 *
 * @example
 * ```ts
 * const seed: Seed = 'nightly-2026-12-06';
 * new Simulation({ seed });
 * ```
 */
export type Seed = string | number;

/** Doubles in one Alea state: `s0`, `s1`, `s2` and the carry `c`, in that order. */
export const ALEA_STATE_SIZE = 4;

/** Mash's starting value and the three seeds it gives for `' '`: Alea's seeding always begins so. */
const MASH_START = 0xefc8249d;
const SPACE_SEEDS = mashSpaces();

/**
 * Writes the Alea state of stream `(seed, name)` into `states` at `offset`. The state is the one
 * seedrandom's `alea(JSON.stringify([seed, name]))` starts from, so a stream stepped by
 * {@link nextUniform} gives exactly the numbers seedrandom's generator would; it is computed here
 * without seedrandom's closures and objects, as a property test seeds streams for every case
 * (seeding through seedrandom was 15 % of a short run, measured).
 */
export function seedAleaState(states: Float64Array, offset: number, seed: Seed, name: string): void {
  states[offset + 3] = 1;
  if (seed !== rememberedSeed) {
    mashInto(states, offset, streamText(seed, name));
    return;
  }
  let remembered = rememberedStates.get(name);
  if (remembered === undefined) {
    remembered = new Float64Array(3);
    mashInto(remembered, 0, streamText(seed, name));
    if (rememberedStates.size >= MAX_REMEMBERED_STATES) rememberedStates.clear();
    rememberedStates.set(name, remembered);
  }
  states[offset] = remembered[0]!;
  states[offset + 1] = remembered[1]!;
  states[offset + 2] = remembered[2]!;
}

/** Writes Alea's three seeds for the stream text `text` (Mash run three times over it) at `offset`. */
function mashInto(states: Float64Array, offset: number, text: string): void {
  let n = SPACE_SEEDS.n;
  n = mash(n, text);
  states[offset] = afterMash(SPACE_SEEDS.s0, n);
  n = mash(n, text);
  states[offset + 1] = afterMash(SPACE_SEEDS.s1, n);
  n = mash(n, text);
  states[offset + 2] = afterMash(SPACE_SEEDS.s2, n);
}

/**
 * Told the seed of each simulation as it is built. Once a simulation has the seed of the one
 * built before it, the streams of that seed are remembered (their first three doubles, by stream
 * name, at most MAX_REMEMBERED_STATES) until a simulation with another seed comes. A shrinking
 * property test runs a thousand cases or more on one seed, each seeding the same links' streams
 * again, and Mash over their names was 7 % of that time (the README's register sweep, measured).
 * Cases that each have their own seed (a search's generation) remember nothing: remembering
 * there cost 7 % of a short passing case (measured). A self-checked case builds two simulations
 * on its seed, so it remembers its streams for its second run. The states are a pure function of
 * (seed, name), so remembering them changes no stream.
 *
 * @example
 * ```ts
 * simulationSeeded(loop.seed); // in the kernel's constructor
 * ```
 */
export function simulationSeeded(seed: Seed): void {
  if (seed !== lastSimulationSeed) {
    lastSimulationSeed = seed;
    if (rememberedSeed === undefined) return;
    rememberedSeed = undefined;
    rememberedStates.clear();
  } else if (rememberedSeed !== seed) rememberedSeed = seed;
}

const rememberedStates = new Map<string, Float64Array>();
const MAX_REMEMBERED_STATES = 4_096;
/** The seed whose streams are remembered, if any. */
let rememberedSeed: Seed | undefined;
let lastSimulationSeed: Seed | undefined;

/** Stream names whose JSON tail {@link streamText} has written, at most MAX_NAME_TAILS of them. */
const nameTails = new Map<string, string>();
const MAX_NAME_TAILS = 4_096;
let lastSeed: Seed | undefined;
let lastSeedJson = '';

/**
 * `JSON.stringify([seed, name])`, the text a stream is seeded from; JSON of the pair keeps (seed
 * 'a/b', name 'c') apart from (seed 'a', name 'b/c'). Written from remembered pieces: a property
 * test seeds each link's stream in every case, and the two JSON calls cost about as much as the
 * three Mash passes over the result (measured). The pieces are pure functions of their inputs, so
 * remembering them changes no stream.
 */
function streamText(seed: Seed, name: string): string {
  if (seed !== lastSeed) {
    lastSeedJson = JSON.stringify(seed);
    lastSeed = seed;
  }
  let tail = nameTails.get(name);
  if (tail === undefined) {
    if (nameTails.size >= MAX_NAME_TAILS) nameTails.clear();
    tail = `,${JSON.stringify(name)}]`;
    nameTails.set(name, tail);
  }
  return `[${lastSeedJson}${tail}`;
}

/**
 * Baagøe's Mash over `text`, from its running value `n`; returns the new running value. The
 * arithmetic is seedrandom's, step for step, so every double comes out the same, except that
 * `Math.floor(h)` stands for seedrandom's `h >>> 0`: h stays in [0, 2^28) here, where the two are
 * equal, and the floor keeps the loop in floating point (measured 1.5x faster).
 */
function mash(start: number, text: string): number {
  let n = start;
  for (let index = 0; index < text.length; index++) {
    n += text.charCodeAt(index);
    let h = 0.02519603282416938 * n;
    n = Math.floor(h);
    h -= n;
    h *= n;
    n = Math.floor(h);
    h -= n;
    n += h * 0x100000000; // 2^32
  }
  return n;
}

/** One seed of Alea: the space's seed less the mashed text's, kept in [0, 1). */
function afterMash(spaceSeed: number, n: number): number {
  const seed = spaceSeed - (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  return seed < 0 ? seed + 1 : seed;
}

function mashSpaces(): { n: number; s0: number; s1: number; s2: number } {
  let n = mash(MASH_START, ' ');
  const s0 = (n >>> 0) * 2.3283064365386963e-10;
  n = mash(n, ' ');
  const s1 = (n >>> 0) * 2.3283064365386963e-10;
  n = mash(n, ' ');
  const s2 = (n >>> 0) * 2.3283064365386963e-10;
  return { n, s0, s1, s2 };
}

/**
 * One Alea step of the state at `offset`: a uniform number in [0, 1), the same one seedrandom's
 * `next` returns. States live in Float64Arrays rather than in seedrandom's closure because its
 * object keeps each double in a separate heap box: a draw then touches several scattered cache
 * lines, which dominated message delivery once a mesh had thousands of per-link streams.
 */
export function nextUniform(states: Float64Array, offset: number): number {
  const t = 2091639 * states[offset]! + states[offset + 3]! * 2.3283064365386963e-10; // 2^-32
  const carry = t | 0;
  states[offset] = states[offset + 1]!;
  states[offset + 1] = states[offset + 2]!;
  states[offset + 3] = carry;
  return (states[offset + 2] = t - carry);
}

/** A standard normal draw (Box–Muller; two uniform draws) from the state at `offset`. */
export function nextStandardNormal(states: Float64Array, offset: number): number {
  const u1 = 1 - nextUniform(states, offset);
  const u2 = nextUniform(states, offset);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A seeded, named stream of random numbers (seedrandom's Alea generator).
 *
 * Streams are derived from `(seed, name)`, so each component draws from its own stream and
 * adding a node or a stream never shifts the numbers any other stream gives. Get one with
 * `sim.rng(name)`; node code uses `ctx.rng`.
 *
 * @example
 * ```ts
 * const rng = sim.rng('workload');
 * const key = rng.pick(['x', 'y', 'z']);
 * const thinkTimeMs = rng.exponential(20);
 * ```
 */
export class Rng {
  /** The stream's name. */
  readonly name: string;
  private readonly seed: Seed;
  /** Seeded at the first draw: most streams of a short run (a node's `ctx.rng`) are never drawn from. */
  private seededState: Float64Array | undefined = undefined;

  constructor(seed: Seed, name: string) {
    if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed)))) {
      throw new InvalidArgumentError('seed', seed, 'a string or a finite number');
    }
    if (typeof name !== 'string') throw new InvalidArgumentError('name', name, 'a string');
    this.name = name;
    this.seed = seed;
  }

  /** @internal The stream's Alea state (see {@link nextUniform}), for samplers that draw from it directly. */
  get state(): Float64Array {
    return this.seededState ?? this.seedState();
  }

  /** A uniform number in [0, 1). */
  random(): number {
    return nextUniform(this.state, 0);
  }

  /** A uniform number in [min, max). */
  uniform(min: number, max: number): number {
    if (!(max >= min) || !Number.isFinite(min) || !Number.isFinite(max)) {
      throw new InvalidArgumentError('uniform(min, max)', [min, max], 'finite numbers with min <= max');
    }
    return min + (max - min) * this.next();
  }

  /** A uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new InvalidArgumentError('int(min, max)', [min, max], 'safe integers with min <= max');
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError('bernoulli(p)', p, 'a probability in [0, 1]');
    return this.next() < p;
  }

  /** An exponentially distributed number with the given mean. */
  exponential(mean: number): number {
    if (!(mean > 0) || !Number.isFinite(mean)) throw new InvalidArgumentError('exponential(mean)', mean, 'a finite number > 0');
    return -mean * Math.log(1 - this.next());
  }

  /** A normally distributed number (Box–Muller; two uniform draws per call). */
  normal(mean: number, stdDev: number): number {
    if (!Number.isFinite(mean) || !(stdDev >= 0) || !Number.isFinite(stdDev)) {
      throw new InvalidArgumentError('normal(mean, stdDev)', [mean, stdDev], 'a finite mean and a finite stdDev >= 0');
    }
    return mean + stdDev * this.standardNormal();
  }

  /** A log-normal number: `exp(mu + sigma * Z)`. Its median is `exp(mu)`. */
  logNormal(mu: number, sigma: number): number {
    if (!Number.isFinite(mu) || !(sigma >= 0) || !Number.isFinite(sigma)) {
      throw new InvalidArgumentError('logNormal(mu, sigma)', [mu, sigma], 'a finite mu and a finite sigma >= 0');
    }
    return Math.exp(mu + sigma * this.standardNormal());
  }

  /** A Pareto (type I) number with minimum `scale` and tail index `shape`. */
  pareto(scale: number, shape: number): number {
    if (!(scale > 0) || !(shape > 0) || !Number.isFinite(scale) || !Number.isFinite(shape)) {
      throw new InvalidArgumentError('pareto(scale, shape)', [scale, shape], 'finite numbers > 0');
    }
    return scale / Math.pow(1 - this.next(), 1 / shape);
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (!Array.isArray(items) || items.length === 0) throw new InvalidArgumentError('pick(items)', items, 'a non-empty array');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    if (!Array.isArray(items)) throw new InvalidArgumentError('shuffle(items)', items, 'an array');
    for (let index = items.length - 1; index > 0; index--) {
      const other = Math.floor(this.next() * (index + 1));
      const held = items[index] as T;
      items[index] = items[other] as T;
      items[other] = held;
    }
    return items;
  }

  /** @internal A standard normal draw without argument checks, for validated samplers. */
  standardNormal(): number {
    return nextStandardNormal(this.state, 0);
  }

  private next(): number {
    return nextUniform(this.state, 0);
  }

  private seedState(): Float64Array {
    const state = new Float64Array(ALEA_STATE_SIZE);
    seedAleaState(state, 0, this.seed, this.name);
    this.seededState = state;
    return state;
  }
}
