import { describe, expect, it } from 'vitest';
import { runSoak } from './soak/run-soak.js';

// The short version of `npm run soak`: the real bot process against the rate-limited fakes, a compressed week of two
// communities' scheduled work, three SIGKILLs and restarts, and faults injected by the fakes. Its seed is printed.
describe('the crash and fault soak, short', () => {
  it('delivers every expected post exactly once through kills and faults, leaves nothing stuck, and logs without flooding', { timeout: 180_000 }, async () => {
    const seed = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
    const report = await runSoak({
      activeMs: 16_000,
      communities: 2,
      kills: 3,
      faultRate: 0.1,
      gatewayDisconnectEveryMs: 5_000,
      stormEveryMs: 10_000,
      seed,
      claimTimeout: '5s',
      drainMs: 90_000,
    });
    const seen = `soak seed ${seed} (SOAK_SEED=${seed} repeats it); log ${report.logPath}`;
    expect(
      { lost: report.account.lostLabels, duplicated: report.account.duplicatedLabels, stuck: report.account.stuck, integrity: report.integrity },
      seen,
    ).toEqual({ lost: [], duplicated: [], stuck: 0, integrity: 'ok' });
    expect(report.account.delivered, seen).toBe(report.account.expected);
    expect(report.account.unexpected, seen).toBe(0);
    expect(report.gateway.alive, seen).toBe(true);
    expect(report.restarts, seen).toBeGreaterThanOrEqual(3);
    // Faults were injected: the posting calls met some, and the gateway was dropped at least once.
    const { injected } = { injected: report.faults };
    expect(injected['5xx'] + injected.timeout + injected.reset + injected['429-storm'], seen).toBeGreaterThan(0);
    expect(injected['gateway-resume'] + injected['gateway-reidentify'] + injected['gateway-reconnect-request'], seen).toBeGreaterThan(0);
    // Every retry is one line that says why; nothing is logged as a crash, nothing outside the JSON log.
    expect(report.log.unstructured, seen).toBe(0);
    expect(report.log.byMessage['outbox send failed unexpectedly'] ?? 0, seen).toBe(0);
    // Not flooded: a few lines per start and per fault, far fewer than the posts made.
    const faults = Object.values(report.faults).reduce((sum, n) => sum + n, 0);
    expect(report.log.lines, seen).toBeLessThanOrEqual(10 * (report.restarts + 1) + 3 * faults + report.account.expected);
  });
});
