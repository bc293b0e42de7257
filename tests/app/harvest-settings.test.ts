import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { formatDuration, parseDuration } from '../../src/kernel/duration.js';

describe('HARVEST_REMINDER_DELAY', () => {
  it.each([
    [undefined, 86_400_000],
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['2d', 172_800_000],
    [' 36H ', 129_600_000],
  ])('reads %j as %d ms', (value, ms) => {
    const loaded = loadConfig(value === undefined ? {} : { HARVEST_REMINDER_DELAY: value });
    expect(loaded.ok && loaded.config.harvestReminderDelayMs).toBe(ms);
  });

  it.each(['1 day', '0m', '31d', '-5h', '1h30m', 'soon', '1.5h'])('refuses %j, naming the setting', (value) => {
    const loaded = loadConfig({ HARVEST_REMINDER_DELAY: value });
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.errors).toEqual(['HARVEST_REMINDER_DELAY must be a duration from 1m to 30d, e.g. 90m, 24h or 2d']);
  });
});

describe('durations', () => {
  it('parses within a range', () => {
    expect(parseDuration('10m', { min: 60_000, max: 3_600_000 })).toBe(600_000);
    expect(parseDuration('2h', { min: 60_000, max: 3_600_000 })).toBeUndefined();
  });
  it.each([
    [20_000, 'under a minute'],
    [45 * 60_000, '45m'],
    [2 * 3_600_000, '2h'],
    [3 * 3_600_000 + 20 * 60_000, '3h 20m'],
    [2 * 86_400_000 + 4 * 3_600_000 + 10 * 60_000, '2d 4h'],
  ])('shows %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
