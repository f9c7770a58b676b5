// `null` is never "absent" in the options of the smaller entry points either (the simulation's,
// the faults' and the detectors' options have tests of their own): each names the option.
import { describe, expect, it } from 'vitest';
import {
  checkLinearizability,
  formatLanes,
  formatTimeline,
  HistoryRecorder,
  majorityMinority,
  registerModel,
  tradeoffSvg,
  type TradeoffPoint,
} from '../src/index.js';
import { expectInvalidArgument } from './kernel/expect-error.js';


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
    expectInvalidArgument(action, field);
  });

  it('formatTimeline and formatLanes refuse unknown keys and a maxLines that is not a positive integer', () => {
    expectInvalidArgument(() => formatTimeline([], { maxLine: 5 } as never), 'formatTimeline(options).maxLine');
    expectInvalidArgument(() => formatLanes([], { nodes: ['a'], untilMs: 100, column: 5 } as never), 'formatLanes(options).column');
    expectInvalidArgument(() => formatTimeline([], { maxLines: -1 }), 'maxLines');
    expectInvalidArgument(() => formatTimeline([], { maxLines: Number.NaN }), 'maxLines');
  });

  it('undefined takes the default', () => {
    expect(new HistoryRecorder({ maxOperations: undefined }).maxOperations).toBeGreaterThan(0);
    expect(formatTimeline([], { maxLines: undefined })).toBe('');
    expect(majorityMinority(['a', 'b', 'c', 'd', 'e'], undefined)).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });
});
