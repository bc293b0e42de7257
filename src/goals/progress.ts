import { findCommunityById } from '../communities/communities.js';
import { scopeOf } from '../networks/networks.js';
import { memberCounts, memberCountsAt } from '../communities/membership.js';
import { countPracticesShared } from '../communities/practices.js';
import { countEventsHeld } from '../events/events.js';
import { countAnswersHarvested } from '../harvest/store.js';
import { DateTime } from 'luxon';
import type { Db } from '../storage/database.js';
import type { Goal, GoalMeasure } from '../storage/goal-schema.js';
import { sumGoalNotes } from './goals.js';

/** What each measure counts, in the words `goal list` and help use. */
export const measureMeaning: Record<GoalMeasure, string> = {
  manual: 'counted by hand with /cop goal log',
  members: 'members now, core and wider',
  core: 'core members now',
  practices: 'practices shared since the goal was set',
  answers: 'answers harvested since the goal was set',
  events: 'events held since the goal was set',
};

/**
 * The communities whose data a goal counts. A goal belongs to one row of the community table; when networks land
 * (rows of the same table), a network's goal counts across its communities here, and nowhere else.
 */
export async function communitiesCountedFor(db: Db, goal: Pick<Goal, 'community_id'>): Promise<number[]> {
  const owner = await findCommunityById(db, goal.community_id);
  // A network's goal counts across its communities.
  return owner ? scopeOf(db, owner) : [goal.community_id];
}

/**
 * The goal's progress at `at` (now, or the start of a week for the digest), read from the data every time, so it is
 * always current and nothing is counted twice. Members and core members are counted as they are (were) at `at`;
 * practices, answers and events from the moment the goal was set.
 */
export async function progressAt(db: Db, goal: Goal, at: number, now: number): Promise<number> {
  switch (goal.measure) {
    case 'manual':
      return sumGoalNotes(db, goal.id, at);
    case 'members':
    case 'core': {
      const ids = await communitiesCountedFor(db, goal);
      const tally = at >= now ? sumTiers(await memberCounts(db, ids)) : await memberCountsAt(db, ids, at);
      return goal.measure === 'core' ? tally.core : tally.core + tally.wider;
    }
    case 'practices':
      return countPracticesShared(db, await communitiesCountedFor(db, goal), goal.created_at, at);
    case 'answers':
      return countAnswersHarvested(db, await communitiesCountedFor(db, goal), goal.created_at, at);
    case 'events':
      return countEventsHeld(db, await communitiesCountedFor(db, goal), goal.created_at, at);
  }
}

export function progressNow(db: Db, goal: Goal, now: number): Promise<number> {
  return progressAt(db, goal, now, now);
}

function sumTiers(counts: ReadonlyMap<number, { core: number; wider: number }>): { core: number; wider: number } {
  const total = { core: 0, wider: 0 };
  for (const tally of counts.values()) {
    total.core += tally.core;
    total.wider += tally.wider;
  }
  return total;
}

export type Standing = 'reached' | 'on track' | 'behind' | 'overdue' | 'no due date' | 'done' | 'dropped';

/**
 * Where an open goal stands: reached at its target; overdue once its due day is over; behind while its progress is
 * below the share of its time that has gone by; on track otherwise. Closed goals stand as they were closed.
 */
export function standingOf(goal: Goal, count: number, now: number): Standing {
  if (goal.status !== 'open') return goal.status;
  if (count >= goal.target) return 'reached';
  if (goal.due_at === null) return 'no due date';
  if (now >= goal.due_at) return 'overdue';
  const span = goal.due_at - goal.created_at;
  const elapsed = span <= 0 ? 1 : (now - goal.created_at) / span;
  return count / goal.target < elapsed ? 'behind' : 'on track';
}

/** `12 of 40 (30%)`: the percentage rounded down, so 100% always means reached. */
export function describeProgress(count: number, target: number): string {
  return `${count} of ${target} (${Math.floor((count / target) * 100)}%)`;
}

/** A due day as typed (YYYY-MM-DD) and when it is over: the next midnight in the community's zone. */
export function dueOfDay(day: Readonly<{ year: number; month: number; day: number }>, zone: string): { date: string; at: number } {
  const start = DateTime.fromObject(day, { zone });
  return { date: start.toFormat('yyyy-MM-dd'), at: start.plus({ days: 1 }).startOf('day').toMillis() };
}
