import { describe, expect, it } from 'vitest';
import { ScalingPolicy, type PoolReading } from '../../../src/patterns/autoscaler/scaling-policy.js';

const pool = (metric: number, serving: number, provisioning = 0, members = serving + provisioning): PoolReading => ({ metric, serving, provisioning, members });

describe('scaling policy: target tracking', () => {
  it('asks for ceil(serving × metric / target) nodes, as the HPA does', () => {
    const policy = new ScalingPolicy({ targetValue: 5, minSize: 1, maxSize: 20, tolerance: 0 });
    expect(policy.decide(0, pool(15, 2))).toEqual({ action: 'out', count: 4, desired: 6, reason: 'scaled' });
    expect(new ScalingPolicy({ targetValue: 60, minSize: 1, maxSize: 20 }).decide(0, pool(100, 4))).toMatchObject({ action: 'out', count: 3, desired: 7 });
    // 3 × 0.3 / 0.1 is 9.000000000000002 in floating point: still 9 nodes, not 10.
    expect(new ScalingPolicy({ targetValue: 0.1, minSize: 1, maxSize: 20 }).decide(0, pool(0.3, 3))).toMatchObject({ action: 'out', count: 6, desired: 9 });
    expect(new ScalingPolicy({ targetValue: 60, minSize: 2, maxSize: 8 }).decide(0, pool(14.3, 7))).toEqual({ action: 'in', count: 5, desired: 2, reason: 'scaled' });
  });

  it('holds while the metric is within the tolerance of the target, and scales just outside it', () => {
    const policy = (): ScalingPolicy => new ScalingPolicy({ targetValue: 10, minSize: 1, maxSize: 20, tolerance: 0.1 });
    expect(policy().decide(0, pool(11, 4))).toMatchObject({ action: 'hold', reason: 'within tolerance', desired: 4 });
    expect(policy().decide(0, pool(9, 4))).toMatchObject({ action: 'hold', reason: 'within tolerance' });
    expect(policy().decide(0, pool(11.5, 4))).toMatchObject({ action: 'out', count: 1, desired: 5 });
    expect(policy().decide(0, pool(8.5, 4))).toMatchObject({ action: 'hold', reason: 'on target', desired: 4 }); // ceil(3.4) = 4
    expect(policy().decide(0, pool(7, 4))).toMatchObject({ action: 'in', count: 1, desired: 3 });
  });

  it('counts booting nodes as capacity on its way: no second launch for the same load', () => {
    const policy = new ScalingPolicy({ targetValue: 5, minSize: 1, maxSize: 20, scaleOutCooldownMs: 0 });
    expect(policy.decide(0, pool(15, 2))).toMatchObject({ action: 'out', count: 4 });
    expect(policy.decide(500, pool(15, 2, 4))).toMatchObject({ action: 'hold', reason: 'on target', desired: 6 });
    expect(policy.decide(1_000, pool(20, 2, 4))).toMatchObject({ action: 'out', count: 2, desired: 8 });
  });

  it('never scales in while nodes boot: the metric does not show yet what they will take', () => {
    const policy = new ScalingPolicy({ targetValue: 10, minSize: 1, maxSize: 20 });
    expect(policy.decide(0, pool(1, 4, 2))).toMatchObject({ action: 'hold', reason: 'provisioning', desired: 1 });
    expect(policy.decide(0, pool(1, 4, 0))).toMatchObject({ action: 'in', count: 3 });
  });

  it('holds on no data (NaN, or nothing serving), except to top a pool up to its minimum', () => {
    const policy = new ScalingPolicy({ targetValue: 10, minSize: 3, maxSize: 5 });
    expect(policy.decide(0, pool(Number.NaN, 3))).toMatchObject({ action: 'hold', reason: 'no data' });
    expect(policy.decide(0, pool(50, 0, 0, 3))).toMatchObject({ action: 'hold', reason: 'no data' });
    expect(policy.decide(0, pool(Number.NaN, 1))).toMatchObject({ action: 'out', count: 2 });
  });
});

describe('scaling policy: bounds', () => {
  it('never asks for more than maxSize nodes in the pool, crashed members included', () => {
    const policy = new ScalingPolicy({ targetValue: 1, minSize: 1, maxSize: 5, scaleOutCooldownMs: 0 });
    expect(policy.decide(0, pool(100, 2))).toMatchObject({ action: 'out', count: 3, desired: 5 });
    // Two crashed members: capacity 3, pool 5, already at its bound.
    expect(policy.decide(1, pool(100, 3, 0, 5))).toMatchObject({ action: 'hold', reason: 'at bound', desired: 5 });
    expect(policy.decide(2, pool(100, 2, 0, 4))).toMatchObject({ action: 'out', count: 1 });
  });

  it('never asks for fewer than minSize nodes, and removes only serving ones', () => {
    const policy = new ScalingPolicy({ targetValue: 10, minSize: 2, maxSize: 8, scaleInCooldownMs: 0 });
    expect(policy.decide(0, pool(0, 6))).toMatchObject({ action: 'in', count: 4, desired: 2 });
    expect(policy.decide(1, pool(0, 2))).toMatchObject({ action: 'hold', reason: 'at bound', desired: 2 });
    // Three serving and two crashed: the pool is 5, so three could go, but only serving nodes are removed.
    expect(policy.decide(2, pool(0, 3, 0, 5))).toMatchObject({ action: 'in', count: 1 });
  });
});

describe('scaling policy: cool-downs', () => {
  it('allows no scale-out within scaleOutCooldownMs of the last, and one right at its end', () => {
    const policy = new ScalingPolicy({ targetValue: 5, minSize: 1, maxSize: 50, scaleOutCooldownMs: 1_000, scaleInCooldownMs: 0 });
    expect(policy.decide(0, pool(15, 2))).toMatchObject({ action: 'out' });
    expect(policy.decide(999, pool(30, 6))).toMatchObject({ action: 'hold', reason: 'cooling down', desired: 36 });
    expect(policy.decide(1_000, pool(30, 6))).toMatchObject({ action: 'out', count: 30 });
  });

  it('allows no scale-in within scaleInCooldownMs of the last', () => {
    const policy = new ScalingPolicy({ targetValue: 10, minSize: 1, maxSize: 50, scaleOutCooldownMs: 0, scaleInCooldownMs: 5_000 });
    expect(policy.decide(0, pool(5, 8))).toMatchObject({ action: 'in', count: 4 });
    expect(policy.decide(4_999, pool(2, 4))).toMatchObject({ action: 'hold', reason: 'cooling down' });
    expect(policy.decide(5_000, pool(2, 4))).toMatchObject({ action: 'in', count: 3 });
  });

  it('keeps the two directions apart: a scale-in does not delay a scale-out, nor the reverse', () => {
    const policy = new ScalingPolicy({ targetValue: 10, minSize: 1, maxSize: 50, scaleOutCooldownMs: 1_000, scaleInCooldownMs: 5_000 });
    expect(policy.decide(0, pool(5, 8))).toMatchObject({ action: 'in' });
    expect(policy.decide(100, pool(30, 4))).toMatchObject({ action: 'out', count: 8 });
    expect(policy.decide(200, pool(1, 12))).toMatchObject({ action: 'hold', reason: 'cooling down' });
    expect(policy.decide(5_000, pool(1, 12))).toMatchObject({ action: 'in' });
  });

  it('starts no cool-down on a hold', () => {
    const policy = new ScalingPolicy({ targetValue: 10, minSize: 1, maxSize: 50, scaleOutCooldownMs: 1_000 });
    expect(policy.decide(0, pool(10, 4))).toMatchObject({ action: 'hold' });
    expect(policy.decide(1, pool(20, 4))).toMatchObject({ action: 'out' });
  });
});

describe('scaling policy: scale-in stabilisation', () => {
  it('scales in only to the most capacity wanted over the trailing window, as the HPA stabilises scale-down', () => {
    const policy = new ScalingPolicy({ targetValue: 10, minSize: 1, maxSize: 50, scaleOutCooldownMs: 0, scaleInCooldownMs: 0, scaleInStabilizationMs: 10_000 });
    // 8 nodes at target; then a dip for 9 s that alone would ask for 2.
    expect(policy.decide(0, pool(10, 8))).toMatchObject({ action: 'hold', reason: 'within tolerance' });
    expect(policy.decide(1_000, pool(2, 8))).toMatchObject({ action: 'hold', reason: 'stabilizing', desired: 2 });
    expect(policy.decide(9_000, pool(2, 8))).toMatchObject({ action: 'hold', reason: 'stabilizing' });
    // Past the window the 8 wanted at 0 ms has aged out: scale in to what the window still wants.
    expect(policy.decide(10_001, pool(5, 8))).toMatchObject({ action: 'in', count: 4, desired: 4 });
  });

  it('changes nothing by default: a dip scales in at once', () => {
    const policy = new ScalingPolicy({ targetValue: 10, minSize: 1, maxSize: 50, scaleOutCooldownMs: 0, scaleInCooldownMs: 0 });
    expect(policy.decide(0, pool(10, 8))).toMatchObject({ action: 'hold' });
    expect(policy.decide(1_000, pool(2, 8))).toMatchObject({ action: 'in', count: 6 });
  });

  it('does not hold back a scale-out', () => {
    const policy = new ScalingPolicy({ targetValue: 10, minSize: 1, maxSize: 50, scaleOutCooldownMs: 0, scaleInStabilizationMs: 60_000 });
    expect(policy.decide(0, pool(2, 8))).toMatchObject({ action: 'in' });
    expect(policy.decide(1_000, pool(30, 2))).toMatchObject({ action: 'out', count: 4 });
  });

  it('refuses a negative window', () => {
    expect(() => new ScalingPolicy({ targetValue: 10, minSize: 1, maxSize: 5, scaleInStabilizationMs: -1 })).toThrow(/scaleInStabilizationMs/);
  });
});
