import { describe, expect, it } from 'vitest';
import { LeaseTable } from '../../../src/patterns/failover/lease-table.js';

describe('lease table', () => {
  it('grants the first request epoch 1 and refuses others until the lease expires', () => {
    const table = new LeaseTable({ leaseMs: 500 });
    expect(table.acquire('r1', 0)).toEqual({ granted: true, holder: 'r1', epoch: 1, leaseMs: 500 });
    expect(table.acquire('r2', 499)).toEqual({ granted: false, holder: 'r1', epoch: 1, leaseMs: 500 });
    expect(table.holderAt(499)).toBe('r1');
    expect(table.holderAt(500)).toBeUndefined();
  });

  it('renews for the holder under the same epoch, extending from the renewal', () => {
    const table = new LeaseTable({ leaseMs: 500 });
    table.acquire('r1', 0);
    expect(table.acquire('r1', 400)).toMatchObject({ granted: true, epoch: 1 });
    expect(table.acquire('r2', 850)).toMatchObject({ granted: false, holder: 'r1' });
    expect(table.record).toEqual({ holder: 'r1', epoch: 1, expiresAtMs: 900 });
  });

  it('bumps the epoch for each new holder after expiry, and for the old holder coming back', () => {
    const table = new LeaseTable({ leaseMs: 500 });
    table.acquire('r1', 0);
    expect(table.acquire('r2', 500)).toMatchObject({ granted: true, epoch: 2 });
    expect(table.acquire('r2', 2_000)).toMatchObject({ granted: true, epoch: 3 });
  });

  it('resumes from a restored record without reusing an epoch', () => {
    const table = new LeaseTable({ leaseMs: 500 }, { holder: 'r1', epoch: 7, expiresAtMs: 1_000 });
    expect(table.acquire('r2', 900).granted).toBe(false);
    expect(table.acquire('r2', 1_000)).toMatchObject({ granted: true, epoch: 8 });
  });
});
