import { FaultlineError } from '../errors.js';

/**
 * A sweep report file that cannot be read, is not JSON, or is not a report of this format. The
 * message names the file and the field, on one line.
 *
 * @example
 * ```ts
 * new SweepReportError('shard-2.json', "failures[0].fastCheckSeed must be an integer; got 'x'");
 * ```
 */
export class SweepReportError extends FaultlineError {
  /** The report file, as given on the command line. */
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('INVALID_REPORT', `${file}: ${oneLine(problem)}`, options);
    this.file = file;
  }
}

/** Why shard reports do not add up to one sweep. */
export type ShardCoverageProblem = 'different-sweeps' | 'duplicate' | 'missing';

/**
 * Shard reports that do not cover one sweep exactly once: from different sweeps, a shard given
 * twice, or a shard missing.
 *
 * @example
 * ```ts
 * new ShardCoverageError('missing', 'shard 3/8 is missing');
 * ```
 */
export class ShardCoverageError extends FaultlineError {
  /** The first problem found (the message names all of that kind and of those after it). */
  readonly problem: ShardCoverageProblem;

  constructor(problem: ShardCoverageProblem, message: string) {
    super('SHARD_COVERAGE', oneLine(message));
    this.problem = problem;
  }
}

/** Messages go to a terminal or a CI log line: a JSON parser's multi-line excerpt would not. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
