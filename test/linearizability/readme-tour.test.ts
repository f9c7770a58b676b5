import { describe, expect, it } from 'vitest';
import { HistoryRecorder, casRegisterModel, checkLinearizability, type CasRegisterInput, type CasRegisterOutput } from '../../src/index.js';

// The worked example of docs-src/linearizability.md, run as written, so the page stays true.
function tour(lateRead: number) {
  const history = new HistoryRecorder<CasRegisterInput, CasRegisterOutput>();
  const write = history.invoke('client-1', { kind: 'write', value: 1 }, 10);
  const read = history.invoke('client-2', { kind: 'read' }, 12);
  history.ok(write, undefined, 20);
  history.ok(read, 0, 30); // overlaps the write: the old value is fine
  const swap = history.invoke('client-1', { kind: 'cas', from: 1, to: 2 }, 40);
  history.info(swap, 60); // timed out: it may land later, or never
  const late = history.invoke('client-2', { kind: 'read' }, 70);
  history.ok(late, lateRead, 75);
  return checkLinearizability(history.operations(), casRegisterModel({ initialValue: 0 }), { maxSteps: 1_000_000 });
}

describe('the README linearizability tour', () => {
  it('accepts a late read of 2 (the timed-out cas landed) or of 1 (it never did)', () => {
    expect(tour(2).verdict).toBe('linearizable');
    expect(tour(1).verdict).toBe('linearizable');
  });

  it('refutes a late read of 0 and prints where the search failed', () => {
    const result = tour(0);
    expect(result.verdict).toBe('not-linearizable');
    if (result.verdict !== 'not-linearizable') return;
    expect(result.evidence.text).toBe(
      [
        'not linearizable: no legal order consistent with real time covers more than 3 of the 4 operations.',
        'longest legal order found:',
        '  #1 process client-2 [12ms, 30ms] read() -> 0  => 0',
        '  #0 process client-1 [10ms, 20ms] write(1)  => 1',
        '  #2 process client-1 [40ms, info] cas(1, 2) -> unknown  => 2',
        'then, in state 2, no operation that could come next is legal:',
        '  #3 process client-2 [70ms, 75ms] read() -> 0  <- completed at 75ms, so it had to be linearized by then',
      ].join('\n'),
    );
  });
});
