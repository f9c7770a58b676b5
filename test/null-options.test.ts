// `null` is never "absent" in the options of the smaller entry points either (the simulation's,
// the faults' and the detectors' options have tests of their own): each names the option.
import { describe, expect, it } from 'vitest';
import {
  checkLinearizability,
  formatLanes,
  formatTimeline,
  HistoryRecorder,
  InvalidArgumentError,
  majorityMinority,
  registerModel,
  tradeoffSvg,
  type TradeoffPoint,
} from '../src/index.js';

function fieldOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).field;
  }
  throw new Error('expected an InvalidArgumentError');
}

const point: TradeoffPoint = { family: 'phi', parameter: 'threshold', value: 8, detectionTimeMs: 900, mistakeRatePerSec: 0.001 };

describe('null options of the reports, the history and the checker', () => {
  it.each([
    ['HistoryRecorder maxOperations', () => new HistoryRecorder({ maxOperations: null } as never), 'maxOperations'],
    ['checkLinearizability maxSteps', () => checkLinearizability([], registerModel(), { maxSteps: null } as never), 'maxSteps'],
    ['tradeoffSvg width', () => tradeoffSvg([point], { width: null } as never), 'options.width'],
    ['tradeoffSvg height', () => tradeoffSvg([point], { height: null } as never), 'options.height'],
    ['tradeoffSvg title', () => tradeoffSvg([point], { title: null } as never), 'options.title'],
    ['formatTimeline maxLines', () => formatTimeline([], { maxLines: null } as never), 'maxLines'],
    ['formatTimeline types', () => formatTimeline([], { types: null } as never), 'types'],
    ['formatLanes columns', () => formatLanes([], { nodes: ['a'], untilMs: 100, columns: null } as never), 'columns'],
    ['majorityMinority minoritySize', () => majorityMinority(['a', 'b', 'c'], null as never), 'minoritySize'],
  ])('%s', (_name, action, field) => {
    expect(fieldOf(action)).toBe(field);
  });

  it('formatTimeline and formatLanes refuse unknown keys and a maxLines that is not a positive integer', () => {
    expect(fieldOf(() => formatTimeline([], { maxLine: 5 } as never))).toBe('formatTimeline(options).maxLine');
    expect(fieldOf(() => formatLanes([], { nodes: ['a'], untilMs: 100, column: 5 } as never))).toBe('formatLanes(options).column');
    expect(fieldOf(() => formatTimeline([], { maxLines: -1 }))).toBe('maxLines');
    expect(fieldOf(() => formatTimeline([], { maxLines: Number.NaN }))).toBe('maxLines');
  });

  it('undefined takes the default', () => {
    expect(new HistoryRecorder({ maxOperations: undefined }).maxOperations).toBeGreaterThan(0);
    expect(formatTimeline([], { maxLines: undefined })).toBe('');
    expect(majorityMinority(['a', 'b', 'c', 'd', 'e'], undefined)).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });
});
