import type { Services } from '../storage/services.js';
import { homeChannelsByCommunity } from '../communities/communities.js';
import { enqueuePrompts, takeNextPrompts } from './prompts.js';
import { nextOccurrence, parseSchedule, scheduleColumns, type ScheduleRule } from './schedule.js';
import type { Db } from '../storage/database.js';
import type { Rhythm } from '../storage/rhythm-schema.js';
import type { Community, HomeChannel } from '../storage/schema.js';
import type { CoreSettings } from '../kernel/settings.js';

export const defaultDowntimeGraceMs = 60 * 60 * 1000;

export function downtimeGraceOf(settings: CoreSettings): number {
  return settings.downtimeGraceMs ?? defaultDowntimeGraceMs;
}

// A prompt still unsent this long after its time (a long outage, or a platform refusing for that long) is dropped.
export function promptExpiryOf(settings: CoreSettings, at: number): number {
  return at + Math.max(downtimeGraceOf(settings), 15 * 60_000);
}

export async function findRhythm(db: Db, communityId: number): Promise<Rhythm | undefined> {
  return db.selectFrom('rhythm').selectAll().where('community_id', '=', communityId).executeTakeFirst();
}

/** The stored rhythm as a rule (with its fortnightly anchor). */
export function ruleOf(rhythm: Rhythm): ScheduleRule {
  const parsed = parseSchedule(rhythm.schedule);
  if (!parsed.ok || !('rule' in parsed)) throw new Error(`rhythm ${rhythm.id} has an unreadable schedule “${rhythm.schedule}”`);
  return parsed.rule.kind === 'fortnightly' ? { ...parsed.rule, anchorDate: rhythm.anchor_date ?? undefined } : parsed.rule;
}

function readRule(rhythm: Rhythm): ScheduleRule | undefined {
  try {
    return ruleOf(rhythm);
  } catch {
    return undefined;
  }
}

/** Sets (or replaces) a community's rhythm; a fortnightly one is anchored on its first occurrence from now. */
export async function setRhythm(db: Db, communityId: number, rule: ScheduleRule, zone: string, now: number): Promise<Rhythm> {
  const values = { ...scheduleColumns(rule, zone, now), updated_at: now };
  return db
    .insertInto('rhythm')
    .values({ ...values, community_id: communityId, created_at: now })
    .onConflict((oc) => oc.column('community_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function clearRhythm(db: Db, communityId: number): Promise<boolean> {
  const result = await db.deleteFrom('rhythm').where('community_id', '=', communityId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// Due rhythms are turned into posts this many to a transaction: one commit per prompt was half the cost of a post
// (bench/README.md), and a bounded batch keeps a catch-up after downtime from holding the database for long.
const rhythmsPerTransaction = 500;

/**
 * Turns every rhythm occurrence that is due into prompt posts in the outbox. After downtime, the latest missed
 * occurrence is posted if it is within the grace period; older ones are skipped and logged, never replayed.
 */
export async function materializeDueRhythms(services: Services, now: number): Promise<string[]> {
  const due = await services.db.selectFrom('rhythm').selectAll().where('next_run_at', '<=', now).orderBy('next_run_at').execute();
  const keys: string[] = [];
  for (let i = 0; i < due.length; i += rhythmsPerTransaction) {
    const batch = due.slice(i, i + rhythmsPerTransaction);
    keys.push(...(await services.db.transaction().execute((trx) => materializeRhythms(services, trx, batch, now))));
  }
  return keys;
}

type DueOccurrence = Readonly<{ rhythm: Rhythm & { next_run_at: number }; occurrence: number; following: number | null; postable: boolean }>;

/** One batch of due rhythms: each advanced past now, and those that are still ours to post prompted, a statement per step. */
async function materializeRhythms(services: Services, trx: Db, rhythms: readonly Rhythm[], now: number): Promise<string[]> {
  const { log, settings } = services;
  const due: DueOccurrence[] = [];
  for (const rhythm of rhythms) {
    if (rhythm.next_run_at === null) continue;
    const rule = readRule(rhythm);
    try {
      if (!rule) throw new Error('unreadable schedule');
      due.push(dueOccurrence(services, { ...rhythm, next_run_at: rhythm.next_run_at }, rule, now));
    } catch (error) {
      // Only a bug or a hand-edited row gets here (a schedule or zone that no longer reads): pausing that rhythm keeps
      // it from failing its whole batch, the other rhythms due with it, on every tick.
      log.error({ err: error, rhythm: rhythm.id, schedule: rhythm.schedule, zone: rhythm.timezone }, 'rhythm schedule cannot be worked out; rhythm paused');
      await trx.updateTable('rhythm').set({ next_run_at: null }).where('id', '=', rhythm.id).execute();
    }
  }
  const advanced = await advanceRhythms(trx, due);
  const postable = due.filter((occurrence) => occurrence.postable && advanced.has(occurrence.rhythm.id));
  if (postable.length === 0) return [];
  const communityIds = postable.map(({ rhythm }) => rhythm.community_id);
  const communities = new Map((await trx.selectFrom('community').selectAll().where('id', 'in', communityIds).execute()).map((c) => [c.id, c]));
  const homesOf = await homeChannelsByCommunity(trx, [...communities.keys()]);
  const prompted: (DueOccurrence & { community: Community; homes: HomeChannel[] })[] = [];
  for (const occurrence of postable) {
    const community = communities.get(occurrence.rhythm.community_id);
    // A resting or closed community is not prompted; without a home channel there is nowhere to post. Either way the
    // prompt keeps its turn.
    if (!community || community.status === 'dormant' || community.status === 'closed') continue;
    const homes = homesOf.get(community.id) ?? [];
    if (homes.length > 0) prompted.push({ ...occurrence, community, homes });
    else log.info({ rhythm: occurrence.rhythm.id }, 'prompt due but the community has no home channel');
  }
  const promptedIds = prompted.map(({ community }) => community.id);
  const prompts = await takeNextPrompts(trx, promptedIds, now);
  return enqueuePrompts(
    trx,
    prompted.map(({ rhythm, occurrence, community, homes }) => ({
      community,
      prompt: prompts.get(community.id)!,
      occurrence: { key: `${rhythm.id}:${occurrence}`, rhythmId: rhythm.id, at: occurrence, expiresAt: promptExpiryOf(settings, occurrence) },
      homes,
    })),
    now,
  );
}

/** The occurrence to post now, and the one after it. After downtime, the latest missed one, if it is within the grace. */
function dueOccurrence(services: Services, rhythm: Rhythm & { next_run_at: number }, rule: ScheduleRule, now: number): DueOccurrence {
  const { log } = services;
  const missed: number[] = [];
  let occurrence = rhythm.next_run_at;
  let following = nextOccurrence(rule, rhythm.timezone, occurrence);
  while (following !== undefined && following <= now && missed.length < 10_000) {
    missed.push(occurrence);
    occurrence = following;
    following = nextOccurrence(rule, rhythm.timezone, occurrence);
  }
  if (missed.length)
    log.warn({ rhythm: rhythm.id, skipped: missed.length, first: new Date(missed[0]!).toISOString() }, 'skipped prompt occurrences missed while down');
  const postable = now - occurrence <= downtimeGraceOf(services.settings);
  if (!postable)
    log.warn({ rhythm: rhythm.id, occurrence: new Date(occurrence).toISOString(), lateMs: now - occurrence }, 'skipped a prompt older than the downtime grace');
  return { rhythm, occurrence, following: following ?? null, postable };
}

/**
 * Moves each rhythm on to its following occurrence, one statement for all that move from and to the same instants
 * (most of a tick's). Advancing only from the value we read means a second scheduler that got here first wins, and
 * we post nothing: returns the rhythms this call advanced.
 */
async function advanceRhythms(trx: Db, due: readonly DueOccurrence[]): Promise<Set<number>> {
  const moves = new Map<string, DueOccurrence[]>();
  for (const occurrence of due) {
    const move = `${occurrence.rhythm.next_run_at}:${occurrence.following}`;
    moves.set(move, (moves.get(move) ?? []).concat(occurrence));
  }
  const advanced = new Set<number>();
  for (const group of moves.values()) {
    const { rhythm, following } = group[0]!;
    const ids = group.map((occurrence) => occurrence.rhythm.id);
    const rows = await trx
      .updateTable('rhythm')
      .set({ next_run_at: following })
      .where('id', 'in', ids)
      .where('next_run_at', '=', rhythm.next_run_at)
      .returning('id')
      .execute();
    for (const row of rows) advanced.add(row.id);
  }
  return advanced;
}

export async function nextRhythmDueAt(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('rhythm')
    .select((eb) => eb.fn.min('next_run_at').as('due'))
    .executeTakeFirst();
  return row?.due ?? undefined;
}
