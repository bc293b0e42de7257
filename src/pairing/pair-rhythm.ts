import type { Db } from '../storage/database.js';
import type { PairMode, PairRhythm } from '../storage/pairing-schema.js';
import { nextOccurrence, parseSchedule, describeSchedule, scheduleColumns, type ScheduleRule } from '../rhythms/schedule.js';

// When a community's peer-exchange rounds happen: the same schedules as the share-a-practice rhythm, read by the same code.

export async function findPairRhythm(db: Db, communityId: number): Promise<PairRhythm | undefined> {
  return db.selectFrom('pair_rhythm').selectAll().where('community_id', '=', communityId).executeTakeFirst();
}

export function pairRuleOf(rhythm: Pick<PairRhythm, 'id' | 'schedule' | 'anchor_date'>): ScheduleRule {
  const parsed = parseSchedule(rhythm.schedule);
  if (!parsed.ok || !('rule' in parsed)) throw new Error(`pair rhythm ${rhythm.id} has an unreadable schedule “${rhythm.schedule}”`);
  return parsed.rule.kind === 'fortnightly' ? { ...parsed.rule, anchorDate: rhythm.anchor_date ?? undefined } : parsed.rule;
}

export function describePairSchedule(rhythm: PairRhythm): string {
  return `${describeSchedule(pairRuleOf(rhythm))} ${rhythm.timezone}`;
}

export async function setPairRhythm(
  db: Db,
  communityId: number,
  settings: { rule: ScheduleRule; zone: string; size: number; mode: PairMode },
  now: number,
): Promise<PairRhythm> {
  const values = { ...scheduleColumns(settings.rule, settings.zone, now), size: settings.size, mode: settings.mode, updated_at: now };
  return db
    .insertInto('pair_rhythm')
    .values({ ...values, community_id: communityId, created_at: now })
    .onConflict((oc) => oc.column('community_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function clearPairRhythm(db: Db, communityId: number): Promise<boolean> {
  const result = await db.deleteFrom('pair_rhythm').where('community_id', '=', communityId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The round after the one at `at`, for the halfway reminder; undefined without a rhythm. */
export function followingRound(rhythm: PairRhythm | undefined, at: number): number | undefined {
  if (!rhythm) return undefined;
  try {
    return nextOccurrence(pairRuleOf(rhythm), rhythm.timezone, at);
  } catch {
    return undefined;
  }
}
