// Disk faults: what `ctx.persist` and `ctx.sync` do when the disk caches writes, fails writes or
// is full. The node is driven from outside through its context.
import { describe, expect, it } from 'vitest';
import { DiskError, FaultlineError, Simulation, type Fault } from '../../src/index.js';
import { addProbe, binomialStandardError, records, Z, type Probe } from './fixtures.js';

type Durable = { x: number };

function diskNode(faults: Fault[], seed = 1): { sim: Simulation; node: Probe; durable: () => Durable } {
  const sim = new Simulation({ seed, trace: true });
  const node = addProbe(sim, 'n', { durable: { x: 0 } });
  sim.inject(faults);
  return { sim, node, durable: () => sim.node<unknown, Durable>('n').durable };
}

/** Runs `write` at `atMs` through the node's current context. */
function at(sim: Simulation, atMs: number, write: () => void): void {
  sim.schedule(atMs - sim.now, write);
}

const setX = (node: Probe, x: number) => (): void => node.ctx.persist((draft) => void ((draft as Durable).x = x));

describe('disk-unsynced-loss', () => {
  it('a crash loses the writes since the last ctx.sync(); synced writes are kept', () => {
    const { sim, node, durable } = diskNode([
      { kind: 'disk-unsynced-loss', atMs: 0, durationMs: 1_000, target: 'n' },
      { kind: 'crash', atMs: 500, durationMs: 100, target: 'n' },
    ]);
    at(sim, 100, setX(node, 1));
    at(sim, 110, () => node.ctx.sync());
    at(sim, 200, setX(node, 2)); // never synced
    let beforeCrash: Durable | undefined;
    at(sim, 300, () => (beforeCrash = node.ctx.durable as Durable));
    sim.run({ until: 700 });
    expect(beforeCrash).toEqual({ x: 2 }); // the node sees its own cached write while up
    expect(durable()).toEqual({ x: 1 }); // …but the crash lost it
    expect(records(sim, 'persist').map((record) => [record.timeMs, record.detail])).toEqual([
      [100, { x: 1 }],
      [200, { x: 2 }],
    ]);
  });

  it('once the fault has ended, writes are durable immediately again', () => {
    const { sim, node, durable } = diskNode([
      { kind: 'disk-unsynced-loss', atMs: 0, durationMs: 1_000, target: 'n' },
      { kind: 'crash', atMs: 1_500, durationMs: 100, target: 'n' },
    ]);
    at(sim, 1_100, setX(node, 3));
    sim.run({ until: 2_000 });
    expect(durable()).toEqual({ x: 3 });
  });

  it('without the fault a crash keeps every write, synced or not', () => {
    const { sim, node, durable } = diskNode([{ kind: 'crash', atMs: 500, durationMs: 100, target: 'n' }]);
    at(sim, 200, setX(node, 2));
    sim.run({ until: 700 });
    expect(durable()).toEqual({ x: 2 });
  });
});

describe('disk-write-fail', () => {
  it('ctx.persist throws DiskError DISK_WRITE_FAILED and the durable state is unchanged; after the fault, writes succeed', () => {
    const { sim, node, durable } = diskNode([{ kind: 'disk-write-fail', atMs: 100, durationMs: 100, target: 'n' }]);
    let failure: unknown;
    let stateAfterFailure: Durable | undefined;
    at(sim, 50, setX(node, 1));
    at(sim, 150, () => {
      try {
        setX(node, 2)();
      } catch (error) {
        failure = error;
      }
      stateAfterFailure = node.ctx.durable as Durable;
    });
    at(sim, 250, setX(node, 3));
    sim.run();
    expect(failure).toBeInstanceOf(DiskError);
    expect(failure).toBeInstanceOf(FaultlineError);
    expect((failure as DiskError).code).toBe('DISK_WRITE_FAILED');
    expect((failure as Error).message).toContain("'n'");
    expect(stateAfterFailure).toEqual({ x: 1 });
    expect(durable()).toEqual({ x: 3 });
    expect(records(sim, 'persist').map((record) => record.timeMs)).toEqual([50, 250]); // the failed write left no trace of a write
  });

  it('with a probability, about that fraction of writes fail', () => {
    const n = 2_000;
    const { sim, node } = diskNode([{ kind: 'disk-write-fail', atMs: 0, durationMs: n, target: 'n', params: { probability: 0.25 } }], 5);
    let failures = 0;
    for (let i = 0; i < n; i++) {
      at(sim, i + 0.5, () => {
        try {
          setX(node, i)();
        } catch (error) {
          if (error instanceof DiskError) failures++;
          else throw error;
        }
      });
    }
    sim.run();
    expect(Math.abs(failures / n - 0.25)).toBeLessThan(Z * binomialStandardError(0.25, n));
    expect(records(sim, 'persist')).toHaveLength(n - failures);
  });
});

describe('disk-full', () => {
  it('every ctx.persist throws DiskError DISK_FULL while it lasts; the state is unchanged; afterwards writes succeed', () => {
    const { sim, node, durable } = diskNode([{ kind: 'disk-full', atMs: 100, durationMs: 100, target: 'n' }]);
    const codes: string[] = [];
    for (const t of [120, 140, 160]) {
      at(sim, t, () => {
        try {
          setX(node, t)();
        } catch (error) {
          codes.push((error as DiskError).code);
          expect(error).toBeInstanceOf(DiskError);
        }
      });
    }
    at(sim, 250, setX(node, 9));
    let during: Durable | undefined;
    at(sim, 199, () => (during = node.ctx.durable as Durable));
    sim.run();
    expect(codes).toEqual(['DISK_FULL', 'DISK_FULL', 'DISK_FULL']);
    expect(during).toEqual({ x: 0 });
    expect(durable()).toEqual({ x: 9 });
  });
});
