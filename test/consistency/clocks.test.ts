// Logical clocks: Lamport and version-vector laws, and hybrid logical clocks on the nodes'
// simulated clocks, where a clock fault sends raw physical time backwards but HLC time does not.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Simulation, hybridLogicalClock, lamportClock, versionVector, type HlcTimestamp } from '../../src/index.js';

const vectors = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 4 }));

describe('version vectors', () => {
  test.prop([vectors, vectors])('compare is antisymmetric and merge is past both', (a, b) => {
    const flipped = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' } as const;
    expect(versionVector.compare(b, a)).toBe(flipped[versionVector.compare(a, b)]);
    const merged = versionVector.merge(a, b);
    expect(versionVector.dominatedBy(a, merged) && versionVector.dominatedBy(b, merged)).toBe(true);
  });

  it('tells before, after, equal and concurrent apart', () => {
    expect(versionVector.compare({ a: 1 }, { a: 1, b: 1 })).toBe('before');
    expect(versionVector.compare({ a: 2 }, { a: 1 })).toBe('after');
    expect(versionVector.compare({ a: 1, b: 0 }, { a: 1 })).toBe('equal');
    expect(versionVector.compare({ a: 1 }, { b: 1 })).toBe('concurrent');
  });
});

describe('Lamport clocks', () => {
  it('order a send before its receipt', () => {
    const sent = lamportClock.tick(lamportClock.create('a'));
    const received = lamportClock.receive(lamportClock.create('b'), sent);
    expect(lamportClock.compare(sent, received)).toBeLessThan(0);
  });
});

describe('hybrid logical clocks', () => {
  test.prop([fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 })])(
    'never go backwards, whatever the physical clock reads',
    (readings) => {
      let index = 0;
      const host = { id: 'a', now: () => readings[Math.min(index, readings.length - 1)]! };
      let clock = hybridLogicalClock.create(host);
      for (index = 0; index < readings.length; index++) {
        const next = hybridLogicalClock.tick(clock, host);
        expect(hybridLogicalClock.compare(clock, next)).toBeLessThan(0);
        expect(next.wallMs).toBeGreaterThanOrEqual(readings[index]!);
        clock = next;
      }
    },
  );

  it('under a backward clock jump, stay monotonic and causal where raw physical time does not', () => {
    type Ping = { stamp: HlcTimestamp; physicalMs: number };
    const sim = new Simulation({ seed: 7 });
    const sends: Ping[] = [];
    const receipts: Array<{ sent: Ping; stamp: HlcTimestamp; physicalMs: number }> = [];
    const local: Array<{ stamp: HlcTimestamp; physicalMs: number }> = [];
    const slowStamps: HlcTimestamp[] = []; // every timestamp 'slow' issued, in the order it issued them
    sim.addNode<Ping>('fast', (ctx) => {
      let clock = hybridLogicalClock.create(ctx);
      return {
        onStart() { ctx.setTimer(10, 'ping'); },
        onTimer() {
          clock = hybridLogicalClock.tick(clock, ctx);
          const ping = { stamp: clock, physicalMs: ctx.now() };
          sends.push(ping);
          ctx.send('slow', ping);
          if (sends.length < 30) ctx.setTimer(10, 'ping');
        },
      };
    }, { clock: { offsetMs: 5_000 } });
    sim.addNode<Ping>('slow', (ctx) => {
      let clock = hybridLogicalClock.create(ctx);
      return {
        onStart() { ctx.setTimer(7, 'local'); },
        onTimer() {
          clock = hybridLogicalClock.tick(clock, ctx);
          local.push({ stamp: clock, physicalMs: ctx.now() });
          slowStamps.push(clock);
          if (local.length < 40) ctx.setTimer(7, 'local');
        },
        onMessage(_from, ping) {
          clock = hybridLogicalClock.receive(clock, ping.stamp, ctx);
          receipts.push({ sent: ping, stamp: clock, physicalMs: ctx.now() });
          slowStamps.push(clock);
        },
      };
    });
    sim.inject([{ kind: 'clock-jump', atMs: 150, target: 'slow', params: { deltaMs: -1_000 } }]);
    sim.run({ until: 1_000 });

    // Raw physical time: 'slow' reads its clock going backwards, and receives each ping "before"
    // it was sent (the sender's clock is 5 s ahead).
    const physical = local.map((event) => event.physicalMs);
    expect(physical.some((ms, index) => index > 0 && ms < physical[index - 1]!)).toBe(true);
    expect(receipts.length).toBe(30);
    expect(receipts.every((receipt) => receipt.physicalMs < receipt.sent.physicalMs)).toBe(true);
    // HLC: every receipt is after its send, and slow's timestamps only go forward.
    for (const receipt of receipts) expect(hybridLogicalClock.compare(receipt.sent.stamp, receipt.stamp)).toBeLessThan(0);
    for (let index = 1; index < slowStamps.length; index++) expect(hybridLogicalClock.compare(slowStamps[index - 1]!, slowStamps[index]!)).toBeLessThan(0);
  });
});
