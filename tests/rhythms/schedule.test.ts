import { reminderDueAt } from '../../src/events/events.js';
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { describeSchedule, formatSchedule, localToInstant, nextOccurrence, parseSchedule, type ScheduleRule } from '../../src/rhythms/schedule.js';

function rule(text: string, anchorDate?: string): ScheduleRule {
  const parsed = parseSchedule(text);
  if (!parsed.ok || !('rule' in parsed)) throw new Error(`bad schedule ${text}`);
  return parsed.rule.kind === 'fortnightly' ? { ...parsed.rule, anchorDate } : parsed.rule;
}

/** The next `count` occurrences after `from`, as local ISO times in the zone. */
function occurrences(schedule: ScheduleRule, zone: string, from: string, count: number): string[] {
  const found: string[] = [];
  let after = Date.parse(from);
  for (let i = 0; i < count; i++) {
    const at = nextOccurrence(schedule, zone, after);
    if (at === undefined) break;
    found.push(DateTime.fromMillis(at, { zone }).toISO({ suppressMilliseconds: true, suppressSeconds: true })!);
    after = at;
  }
  return found;
}

describe('parseSchedule', () => {
  it.each([
    ['weekly mon 09:00', 'weekly mon 09:00', 'weekly on Monday at 09:00'],
    ['Weekly Monday 9:05', 'weekly mon 09:05', 'weekly on Monday at 09:05'],
    ['fortnightly thu 12:30', 'fortnightly thu 12:30', 'every other Thursday at 12:30'],
    ['monthly last fri 17:30', 'monthly last fri 17:30', 'monthly on the last Friday at 17:30'],
    ['monthly 2nd tue 08:00', 'monthly 2nd tue 08:00', 'monthly on the 2nd Tuesday at 08:00'],
    ['cron "0 9 * * 1"', 'cron 0 9 * * 1', 'on the cron schedule “0 9 * * 1”'],
    ['cron “30 8 1 * *”', 'cron 30 8 1 * *', 'on the cron schedule “30 8 1 * *”'],
  ])('reads %s', (text, canonical, described) => {
    const parsed = rule(text);
    expect(formatSchedule(parsed)).toBe(canonical);
    expect(describeSchedule(parsed)).toBe(described);
    expect(formatSchedule(rule(canonical))).toBe(canonical);
  });

  it('reads off', () => expect(parseSchedule('off')).toEqual({ ok: true, off: true }));

  it.each([
    ['daily 09:00', 'is not a schedule'],
    ['weekly mon', 'weekly <mon..sun> <HH:MM>'],
    ['weekly funday 09:00', 'is not a day of the week'],
    ['weekly mon 25:00', 'is not a time of day'],
    ['monthly 5th mon 09:00', 'monthly <1st|2nd|3rd|4th|last>'],
    ['cron "0 9 * *"', 'has 5 fields'],
    ['cron "* * * * *"', 'at most once an hour'],
    ['cron "0 0 31 2 *"', 'never fires'],
    ['cron "banana 9 * * *"', 'is not a cron expression'],
  ])('refuses %s', (text, problem) => {
    const parsed = parseSchedule(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });
});

describe('nextOccurrence across daylight-saving changes', () => {
  it('keeps a weekly 09:00 prompt at 09:00 local on both sides of the change in Europe/London', () => {
    expect(occurrences(rule('weekly mon 09:00'), 'Europe/London', '2027-03-15T12:00:00Z', 3)).toEqual([
      '2027-03-22T09:00+00:00',
      '2027-03-29T09:00+01:00',
      '2027-04-05T09:00+01:00',
    ]);
    expect(occurrences(rule('weekly sun 09:00'), 'Europe/London', '2027-10-20T12:00:00Z', 2)).toEqual(['2027-10-24T09:00+01:00', '2027-10-31T09:00+00:00']);
  });

  it('keeps a weekly 09:00 prompt at 09:00 local on both sides of the change in America/New_York', () => {
    expect(occurrences(rule('weekly sun 09:00'), 'America/New_York', '2027-03-01T12:00:00Z', 3)).toEqual([
      '2027-03-07T09:00-05:00',
      '2027-03-14T09:00-04:00',
      '2027-03-21T09:00-04:00',
    ]);
    expect(occurrences(rule('weekly wed 09:00'), 'America/New_York', '2027-11-01T12:00:00Z', 2)).toEqual(['2027-11-03T09:00-04:00', '2027-11-10T09:00-05:00']);
  });

  it('fires a fortnightly rhythm every other week from its anchor, across the change', () => {
    expect(occurrences(rule('fortnightly mon 09:00', '2027-03-15'), 'Europe/London', '2027-03-10T00:00:00Z', 3)).toEqual([
      '2027-03-15T09:00+00:00',
      '2027-03-29T09:00+01:00',
      '2027-04-12T09:00+01:00',
    ]);
    expect(occurrences(rule('fortnightly mon 09:00', '2027-03-22'), 'Europe/London', '2027-03-10T00:00:00Z', 2)).toEqual([
      '2027-03-22T09:00+00:00',
      '2027-04-05T09:00+01:00',
    ]);
  });

  it('fires a monthly rhythm on the nth or last weekday, across the change', () => {
    expect(occurrences(rule('monthly last fri 17:30'), 'Europe/London', '2027-02-01T00:00:00Z', 3)).toEqual([
      '2027-02-26T17:30+00:00',
      '2027-03-26T17:30+00:00',
      '2027-04-30T17:30+01:00',
    ]);
    expect(occurrences(rule('monthly 1st mon 09:00'), 'America/New_York', '2027-02-02T00:00:00Z', 2)).toEqual([
      '2027-03-01T09:00-05:00',
      '2027-04-05T09:00-04:00',
    ]);
    expect(occurrences(rule('monthly 2nd sun 09:00'), 'America/New_York', '2027-03-01T00:00:00Z', 1)).toEqual(['2027-03-14T09:00-04:00']);
  });

  it('evaluates cron expressions in the zone, across the change', () => {
    expect(occurrences(rule('cron "0 9 * * 1"'), 'America/New_York', '2027-03-01T00:00:00Z', 3)).toEqual([
      '2027-03-01T09:00-05:00',
      '2027-03-08T09:00-05:00',
      '2027-03-15T09:00-04:00',
    ]);
    expect(occurrences(rule('cron "0 9 * * 1"'), 'Europe/London', '2027-03-21T00:00:00Z', 2)).toEqual(['2027-03-22T09:00+00:00', '2027-03-29T09:00+01:00']);
  });

  it('fires a time in the skipped hour at the first valid instant after the gap', () => {
    expect(occurrences(rule('weekly sun 02:30'), 'America/New_York', '2027-03-13T00:00:00Z', 2)).toEqual(['2027-03-14T03:00-04:00', '2027-03-21T02:30-04:00']);
    expect(occurrences(rule('weekly sun 01:30'), 'Europe/London', '2027-03-27T00:00:00Z', 1)).toEqual(['2027-03-28T02:00+01:00']);
    expect(occurrences(rule('cron "30 2 * * *"'), 'America/New_York', '2027-03-13T12:00:00Z', 2)).toEqual(['2027-03-14T03:00-04:00', '2027-03-15T02:30-04:00']);
  });

  it('fires a time in the repeated hour once, at its first occurrence', () => {
    expect(occurrences(rule('weekly sun 01:30'), 'America/New_York', '2027-11-06T00:00:00Z', 2)).toEqual(['2027-11-07T01:30-04:00', '2027-11-14T01:30-05:00']);
    expect(occurrences(rule('weekly sun 01:30'), 'Europe/London', '2027-10-30T00:00:00Z', 2)).toEqual(['2027-10-31T01:30+01:00', '2027-11-07T01:30+00:00']);
    expect(occurrences(rule('cron "30 1 * * *"'), 'America/New_York', '2027-11-06T12:00:00Z', 2)).toEqual(['2027-11-07T01:30-04:00', '2027-11-08T01:30-05:00']);
  });

  it('converts ordinary wall-clock times', () => {
    expect(new Date(localToInstant(2026, 11, 30, 9, 0, 'Europe/London')).toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(new Date(localToInstant(2026, 7, 1, 9, 0, 'Asia/Kolkata')).toISOString()).toBe('2026-07-01T03:30:00.000Z');
  });
});

describe('event reminder lead times', () => {
  it.each([
    ['1 day before 14:00 on the day clocks go forward is 14:00 local the day before', '2026-03-29T13:00:00Z', 1440, '2026-03-28T14:00:00Z'],
    ['1 day before 14:00 the day after clocks go back is 14:00 local the day before', '2026-10-26T14:00:00Z', 1440, '2026-10-25T14:00:00Z'],
    ['1 hour is an hour of elapsed time', '2026-03-29T13:00:00Z', 60, '2026-03-29T12:00:00Z'],
    ['1 day and 30 minutes', '2026-12-03T14:00:00Z', 1470, '2026-12-02T13:30:00Z'],
  ])('%s', (_name, start, lead, due) => {
    expect(new Date(reminderDueAt(Date.parse(start), 'Europe/London', lead)).toISOString()).toBe(new Date(due).toISOString());
  });
});
