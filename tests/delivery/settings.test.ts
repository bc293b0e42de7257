import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';

describe('the delivery settings', () => {
  it.each([
    ['5s', 5_000],
    ['90s', 90_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
  ])('OUTBOX_CLAIM_TIMEOUT and SCHEDULER_LEASE read %s as %i ms', (value, ms) => {
    const loaded = loadConfig({ OUTBOX_CLAIM_TIMEOUT: value, SCHEDULER_LEASE: value });
    expect(loaded.ok && [loaded.config.outboxClaimMs, loaded.config.schedulerLeaseMs]).toEqual([ms, ms]);
  });

  it('defaults to a two-minute claim and a one-minute lease', () => {
    const loaded = loadConfig({});
    expect(loaded.ok && [loaded.config.outboxClaimMs, loaded.config.schedulerLeaseMs]).toEqual([120_000, 60_000]);
  });

  it.each(['0s', '2h', 'soon', '-5s'])('refuses OUTBOX_CLAIM_TIMEOUT=%s, naming the setting', (value) => {
    const loaded = loadConfig({ OUTBOX_CLAIM_TIMEOUT: value });
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.errors.join(' ')).toMatch(/OUTBOX_CLAIM_TIMEOUT.*from 1s to 1h/);
  });
});
