import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';

describe('rhythm settings', () => {
  it.each([
    [undefined, 60 * 60_000],
    ['90', 90 * 60_000],
    ['90m', 90 * 60_000],
    ['2h', 2 * 60 * 60_000],
    ['0', 0],
  ])('reads DOWNTIME_GRACE=%s', (value, ms) => {
    const loaded = loadConfig({ DOWNTIME_GRACE: value });
    expect(loaded.ok && loaded.config.downtimeGraceMs).toBe(ms);
  });

  it('names a bad DOWNTIME_GRACE or PUBLIC_URL', () => {
    const loaded = loadConfig({ DOWNTIME_GRACE: 'an hour', PUBLIC_URL: 'weaver' });
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.errors.join('\n')).toMatch(/DOWNTIME_GRACE must be minutes[\s\S]*PUBLIC_URL must be an http\(s\) URL/);
  });

  it('reads PUBLIC_URL without its trailing slash', () => {
    const given = loadConfig({ PUBLIC_URL: 'https://weaver.example.org/' });
    expect(given.ok && given.config.publicUrl).toBe('https://weaver.example.org');
    const unset = loadConfig({});
    expect(unset.ok && unset.config.publicUrl).toBeUndefined();
  });
});
