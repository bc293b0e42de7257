import { afterEach, describe, expect, it } from 'vitest';
import { parseTimeOfDay, resolveEventStart } from '../../src/events/date-phrases.js';
import { createRhythmWorld } from '../support/fixtures.js';

// Friday 27 March 2026, 10:00 in London; clocks go forward (GMT → BST) at 01:00 UTC on Sunday the 29th.
const now = Date.parse('2026-03-27T10:00:00Z');
const zone = 'Europe/London';

describe('dates as people write them, in the community’s zone', () => {
  it.each([
    ['2026-12-10', '14:00', '2026-12-10T14:00:00.000Z'],
    ['tomorrow', '15:00', '2026-03-28T15:00:00.000Z'],
    ['sunday', '15:00', '2026-03-29T14:00:00.000Z'], // after the change: 15:00 BST
    ['next tue', '2pm', '2026-03-31T13:00:00.000Z'],
    ['10 Dec', '10:30', '2026-12-10T10:30:00.000Z'],
    ['Dec 10', '10:30', '2026-12-10T10:30:00.000Z'],
    ['Friday', '11am', '2026-03-27T11:00:00.000Z'], // a weekday alone includes today
    ['', '3pm', '2026-03-27T15:00:00.000Z'], // a time alone is today
    ['today', '12:30', '2026-03-27T12:30:00.000Z'],
    ['29 Mar', '01:30', '2026-03-29T01:00:00.000Z'], // 01:30 never happens that night: the first minute after the gap, 02:00 BST
    ['10 Mar', '10:00', '2027-03-10T10:00:00.000Z'], // a day and month already past this year is next year's
    ['10 Dec 2027', '9am', '2027-12-10T09:00:00.000Z'],
  ])('reads %j at %j as %s', (day, at, expected) => {
    const time = parseTimeOfDay(at)!;
    const start = resolveEventStart(day, time, zone, now);
    expect(start.ok && new Date(start.startsAt).toISOString()).toBe(expected);
  });

  it('reads the same phrase in another zone on that zone’s calendar', () => {
    // 10:00 UTC on Friday is 06:00 in New York (already on summer time): "tomorrow" is still Saturday there.
    const start = resolveEventStart('tomorrow', { hour: 9, minute: 0 }, 'America/New_York', now);
    expect(start.ok && new Date(start.startsAt).toISOString()).toBe('2026-03-28T13:00:00.000Z');
  });

  it.each([
    ['Friday', '9am', 'has already passed'],
    ['', '9am', 'has already passed'],
    ['yesterday', '15:00', 'has already passed'],
    ['2026-03-01', '10:00', 'has already passed'],
    ['10/12', '10:00', 'could be read two ways'],
    ['banana', '10:00', 'is not a date'],
    ['2026-02-30', '10:00', 'is not a date'],
  ])('refuses %j at %j with examples', (day, at, why) => {
    const start = resolveEventStart(day, parseTimeOfDay(at)!, zone, now);
    expect(start.ok).toBe(false);
    if (!start.ok) {
      expect(start.problem).toContain(why);
      expect(start.problem).toContain('tomorrow 15:00, next tue 2pm');
    }
  });

  it.each([
    ['14:00', { hour: 14, minute: 0 }],
    ['9:05', { hour: 9, minute: 5 }],
    ['3pm', { hour: 15, minute: 0 }],
    ['10:30am', { hour: 10, minute: 30 }],
    ['12am', { hour: 0, minute: 0 }],
    ['12pm', { hour: 12, minute: 0 }],
    ['noon', { hour: 12, minute: 0 }],
    ['25:00', undefined],
    ['13pm', undefined],
  ])('reads the time %j', (text, expected) => {
    expect(parseTimeOfDay(text)).toEqual(expected);
  });
});

describe('event create with dates as people write them', () => {
  let world: Awaited<ReturnType<typeof createRhythmWorld>> | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it.each([
    ['event create outreach Show and tell next tue 2pm', 'Show and tell', 'Tue 31 Mar 2026, 14:00 GMT+1'],
    ['event create outreach Coffee chat tomorrow 15:00 duration:30', 'Coffee chat', 'Sat 28 Mar 2026, 15:00 GMT'],
    ['event create outreach Review 10 Dec 10:30', 'Review', 'Thu 10 Dec 2026, 10:30 GMT'],
    ['event create outreach Planning Friday 11am', 'Planning', 'Fri 27 Mar 2026, 11:00 GMT'],
    ['event create outreach Lunch 3pm', 'Lunch', 'Fri 27 Mar 2026, 15:00 GMT'],
    ['event create outreach "Taster day" sunday 3pm 90', 'Taster day', 'Sun 29 Mar 2026, 15:00 GMT+1'],
    ['event create outreach Lunch and learn 2026-12-10 12:30 reminders:2h', 'Lunch and learn', 'Thu 10 Dec 2026, 12:30 GMT'],
  ])('%s states the date and time it understood', async (line, title, when) => {
    world = await createRhythmWorld({ now: '2026-03-27T10:00:00Z' });
    const created = await world.run('ann', line);
    expect(created.refusal).toBeUndefined();
    expect(created.text).toContain(`: ${title} on ${when}`);
  });

  it('refuses a time earlier today, with examples', async () => {
    world = await createRhythmWorld({ now: '2026-03-27T10:00:00Z' });
    const refused = await world.run('ann', 'event create outreach Standup 9am');
    expect(refused.refusal).toBe('BadInput');
    expect(refused.text).toContain('Fri 27 Mar 2026 09:00 (Europe/London) has already passed');
    expect(refused.text).toContain('next tue 2pm');
  });
});
