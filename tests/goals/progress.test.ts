import { describe, expect, it } from 'vitest';
import { describeProgress, dueOfDay, standingOf } from '../../src/goals/progress.js';
import type { Goal } from '../../src/storage/goal-schema.js';

const day = 86_400_000;
const set = Date.parse('2027-01-01T00:00:00Z');
const goal = (fields: Partial<Goal> = {}): Goal => ({
  id: 1,
  community_id: 1,
  text: 'Articles',
  target: 10,
  measure: 'manual',
  due_date: '2027-01-10',
  due_at: set + 10 * day,
  status: 'open',
  created_by: null,
  created_at: set,
  closed_at: null,
  reached_at: null,
  ...fields,
});

describe('standingOf', () => {
  it.each([
    ['on track at the start', goal(), 0, set, 'on track'],
    ['on track when progress equals the share of time gone', goal(), 3, set + 3 * day, 'on track'],
    ['behind when progress is below the share of time gone', goal(), 2, set + 3 * day, 'behind'],
    ['overdue the moment the due day is over', goal(), 9, set + 10 * day, 'overdue'],
    ['reached, even after the due day', goal(), 10, set + 20 * day, 'reached'],
    ['overdue at once when set after its due day', goal({ due_at: set - day }), 0, set, 'overdue'],
    ['no due date: only reached or not', goal({ due_at: null, due_date: null }), 1, set + 100 * day, 'no due date'],
    ['closed goals stand as closed', goal({ status: 'dropped' }), 0, set + 20 * day, 'dropped'],
  ] as const)('%s', (_name, g, count, now, expected) => {
    expect(standingOf(g, count, now)).toBe(expected);
  });
});

describe('describeProgress', () => {
  it.each([
    [0, 1, '0 of 1 (0%)'],
    [2, 3, '2 of 3 (66%)'],
    [399, 400, '399 of 400 (99%)'],
    [45, 40, '45 of 40 (112%)'],
  ])('%i of %i', (count, target, expected) => expect(describeProgress(count, target)).toBe(expected));
});

describe('dueOfDay', () => {
  it('is over at the next midnight in the zone, across a daylight-saving change', () => {
    expect(dueOfDay({ year: 2027, month: 3, day: 27 }, 'Europe/London')).toEqual({ date: '2027-03-27', at: Date.parse('2027-03-28T00:00:00Z') });
    expect(dueOfDay({ year: 2027, month: 3, day: 28 }, 'Europe/London')).toEqual({ date: '2027-03-28', at: Date.parse('2027-03-28T23:00:00Z') });
    expect(dueOfDay({ year: 2027, month: 1, day: 10 }, 'America/New_York').at).toBe(Date.parse('2027-01-11T05:00:00Z'));
  });
});
