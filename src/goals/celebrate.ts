import { findCommunityById, homeChannels } from '../communities/communities.js';
import { channelRefOf } from '../storage/columns.js';
import { enqueue } from '../delivery/outbox.js';
import { answer, bold, rich } from '../kernel/reply.js';
import { channelKey } from '../rhythms/prompts.js';
import type { Db } from '../storage/database.js';
import type { Goal } from '../storage/goal-schema.js';
import type { Services } from '../storage/services.js';
import { claimGoalReached, findGoal, listUnreachedMeasuredGoals } from './goals.js';
import { describeProgress, progressNow } from './progress.js';

const day = 86_400_000;
const goalsPerTick = 500;

/** The outbox key of a goal's celebration in one channel: one post per goal and channel, ever. */
export const celebrationKey = (goalId: number, channel: Parameters<typeof channelKey>[0]) => `goal-reached:${goalId}:${channelKey(channel)}`;

/**
 * Within the caller's transaction: when an open goal has reached its target for the first time, marks it reached
 * and puts one celebration per home channel in the outbox. A goal already marked reached (by an earlier rise, or by
 * another process a moment ago) gets nothing more; returns the outbox keys to send.
 */
export async function celebrateIfReached(trx: Db, goal: Goal, count: number, now: number): Promise<string[]> {
  if (goal.status !== 'open' || goal.reached_at !== null || count < goal.target) return [];
  if (!(await claimGoalReached(trx, goal.id, now))) return [];
  const community = await findCommunityById(trx, goal.community_id);
  if (!community) return [];
  const reply = answer(
    rich`🎉 ${bold(`Goal reached · ${community.name}`)}\n#${goal.id} ${goal.text}: ${describeProgress(count, goal.target)}. Well done, everyone!`,
    {
      visibility: 'channel',
      sections: [{ body: rich`See every goal with /cop goal list ${community.slug}.` }],
    },
  );
  const keys: string[] = [];
  for (const home of await homeChannels(trx, goal.community_id)) {
    const channel = channelRefOf(home);
    const key = celebrationKey(goal.id, channel);
    await enqueue(trx, { key, target: { channel }, reply, notBefore: now, expiresAt: now + 7 * day }, now);
    keys.push(key);
  }
  return keys;
}

/** Counts a goal now and celebrates it if it has just reached its target, in one transaction. */
export async function checkGoal(services: Services, goalId: number, now: number): Promise<string[]> {
  return services.db.transaction().execute(async (trx) => {
    const goal = await findGoal(trx, goalId);
    if (!goal || goal.status !== 'open' || goal.reached_at !== null) return [];
    return celebrateIfReached(trx, goal, await progressNow(trx, goal, now), now);
  });
}

/** The scheduler's job: measured goals count by themselves, so each tick checks the open ones not yet reached. */
export async function celebrateReachedGoals(services: Services, now: number): Promise<string[]> {
  const keys: string[] = [];
  // Goals counted by hand are checked when a note is logged; nothing else moves them.
  for (const goal of await listUnreachedMeasuredGoals(services.db, goalsPerTick)) {
    const count = await progressNow(services.db, goal, now);
    if (count >= goal.target) keys.push(...(await checkGoal(services, goal.id, now)));
  }
  return keys;
}

/** Measured goals move with the data, not by the clock: the heartbeat runs the job. */
export async function nextGoalCheckAt(): Promise<number | undefined> {
  return undefined;
}
