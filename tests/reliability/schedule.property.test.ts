import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextOccurrence, type ScheduleRule } from '../../src/rhythms/schedule.js';

// Schedule math for random rules in real IANA zones (with daylight saving at odd hours, half-hour shifts and
// midnight changes). fast-check prints the seed and the shrunk counterexample on failure.

const zones = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'America/Santiago',
  'America/Havana',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Asia/Tehran',
  'Africa/Cairo',
] as const;

const ordinals = ['1st', '2nd', '3rd', '4th', 'last'] as const;
// Early hours are where the clocks change, so they are drawn more often.
const hour = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 23 }));
const minute = fc.oneof(fc.constantFrom(0, 30), fc.integer({ min: 0, max: 59 }));
const weekday = fc.integer({ min: 1, max: 7 });
const wall = fc.record({ weekday, hour, minute });

const rule: fc.Arbitrary<Exclude<ScheduleRule, { kind: 'cron' }>> = fc.oneof(
  wall.map((w) => ({ kind: 'weekly' as const, ...w })),
  fc.tuple(wall, fc.integer({ min: 0, max: 400 })).map(([w, offset]) => {
    // The anchor is the local date of the first occurrence, so it falls on the rule's weekday.
    const start = DateTime.utc(2025, 1, 1).plus({ days: offset });
    const anchor = start.plus({ days: (w.weekday - start.weekday + 7) % 7 });
    return { kind: 'fortnightly' as const, anchorDate: anchor.toISODate()!, ...w };
  }),
  fc.tuple(wall, fc.constantFrom(...ordinals)).map(([w, ordinal]) => ({ kind: 'monthly' as const, ordinal, ...w })),
);
const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2032, 0, 1) });

type WallRule = Exclude<ScheduleRule, { kind: 'cron' }>;

/** The wall-clock time asked for does not exist on that local date (clocks jumped over it). */
function inGap(rule: WallRule, at: DateTime): boolean {
  const asked = DateTime.fromObject({ year: at.year, month: at.month, day: at.day, hour: rule.hour, minute: rule.minute }, { zone: at.zone });
  return asked.hour !== rule.hour || asked.minute !== rule.minute;
}

function checkOccurrence(rule: WallRule, zone: string, after: number, next: number | undefined): DateTime {
  expect(next).toBeDefined();
  expect(next!).toBeGreaterThan(after);
  const local = DateTime.fromMillis(next!, { zone });
  expect(local.weekday).toBe(rule.weekday);
  if (local.hour !== rule.hour || local.minute !== rule.minute) {
    // Only on a day the time is skipped, and then at the first valid instant after the gap.
    expect(inGap(rule, local)).toBe(true);
    const justBefore = DateTime.fromMillis(next! - 60_000, { zone });
    // Wall-clock text compares in order; a gap at midnight puts the minute before on the previous day.
    const target = `${local.toFormat('yyyy-MM-dd')} ${String(rule.hour).padStart(2, '0')}:${String(rule.minute).padStart(2, '0')}`;
    expect(justBefore.toFormat('yyyy-MM-dd HH:mm') < target).toBe(true);
  } else {
    // A time that happens twice fires the first time: 30 or 60 minutes earlier was not the same wall-clock time.
    for (const back of [30, 60]) {
      const earlier = DateTime.fromMillis(next! - back * 60_000, { zone });
      expect(earlier.hour === rule.hour && earlier.minute === rule.minute && earlier.day === local.day).toBe(false);
    }
  }
  if (rule.kind === 'monthly') {
    if (rule.ordinal === 'last') expect(local.day + 7).toBeGreaterThan(local.daysInMonth!);
    else expect(Math.ceil(local.day / 7)).toBe(ordinals.indexOf(rule.ordinal) + 1);
  }
  return local;
}

describe('schedule math, for random rules and zones', () => {
  it('the next occurrence is strictly later, on the rule’s day, at its wall-clock time (or just after a skipped hour)', () => {
    fc.assert(
      fc.property(rule, fc.constantFrom(...zones), instant, (r, zone, after) => {
        checkOccurrence(r, zone, after, nextOccurrence(r, zone, after));
      }),
      { numRuns: 500 },
    );
  });

  it('fires once per period across daylight-saving changes: a year of occurrences, none missed, none doubled', () => {
    fc.assert(
      fc.property(rule, fc.constantFrom(...zones), instant, (r, zone, start) => {
        let after = start;
        let previous: DateTime | undefined;
        const count = r.kind === 'monthly' ? 12 : r.kind === 'fortnightly' ? 26 : 53;
        for (let i = 0; i < count; i++) {
          const next = nextOccurrence(r, zone, after);
          const local = checkOccurrence(r, zone, after, next);
          if (previous) {
            const days = Math.round(local.startOf('day').diff(previous.startOf('day'), 'days').days);
            if (r.kind === 'weekly') expect(days).toBe(7);
            else if (r.kind === 'fortnightly') expect(days).toBe(14);
            else expect(local.year * 12 + local.month - (previous.year * 12 + previous.month)).toBe(1);
          }
          previous = local;
          after = next!;
        }
      }),
      { numRuns: 30 },
    );
  });

  it('a fortnightly rule fires on its anchor’s weeks only', () => {
    fc.assert(
      fc.property(
        rule.filter((r) => r.kind === 'fortnightly'),
        fc.constantFrom(...zones),
        instant,
        (r, zone, after) => {
          const local = DateTime.fromMillis(nextOccurrence(r, zone, after)!, { zone });
          const anchor = DateTime.fromISO((r as { anchorDate: string }).anchorDate, { zone });
          const days = Math.round(local.startOf('day').diff(anchor.startOf('day'), 'days').days);
          expect(((days % 14) + 14) % 14).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
