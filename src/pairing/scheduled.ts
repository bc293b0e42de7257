import type { Services } from '../storage/services.js';
import type { Db } from '../storage/database.js';
import { enqueue, findOutboxRow } from '../delivery/outbox.js';
import { downtimeGraceOf } from '../rhythms/rhythms.js';
import { nextOccurrence } from '../rhythms/schedule.js';
import { halfwayReminderReply } from './introductions.js';
import { groupMemberIds } from './groups.js';
import { followingRound, pairRuleOf } from './pair-rhythm.js';
import { runRound } from './rounds.js';

/**
 * The scheduler's peer-exchange job: each due round of a pair rhythm (once per occurrence: the rhythm advances only
 * from the value read, and the round's key is unique), then the halfway reminders that fell due.
 */
export async function materializeDuePairing(services: Services, now: number): Promise<string[]> {
  return [...(await materializeDueRounds(services, now)), ...(await materializeHalfwayReminders(services, now))];
}

async function materializeDueRounds(services: Services, now: number): Promise<string[]> {
  const { db, log } = services;
  const grace = downtimeGraceOf(services.settings);
  const keys: string[] = [];
  for (const rhythm of await db.selectFrom('pair_rhythm').selectAll().where('next_run_at', '<=', now).execute()) {
    if (rhythm.next_run_at === null) continue;
    let rule;
    try {
      rule = pairRuleOf(rhythm);
    } catch {
      log.error({ pairRhythm: rhythm.id, schedule: rhythm.schedule }, 'unreadable pair rhythm schedule; rhythm paused');
      await db.updateTable('pair_rhythm').set({ next_run_at: null }).where('id', '=', rhythm.id).execute();
      continue;
    }
    // After downtime only the latest missed occurrence may still run, within the grace; older ones are skipped.
    let occurrence = rhythm.next_run_at;
    let following = nextOccurrence(rule, rhythm.timezone, occurrence);
    for (let skipped = 0; following !== undefined && following <= now && skipped < 10_000; skipped++) {
      occurrence = following;
      following = nextOccurrence(rule, rhythm.timezone, occurrence);
    }
    const runnable = now - occurrence <= grace;
    if (!runnable) log.warn({ pairRhythm: rhythm.id, occurrence: new Date(occurrence).toISOString() }, 'skipped a peer-exchange round older than the grace');
    const made = await db.transaction().execute(async (trx) => {
      const advanced = await trx
        .updateTable('pair_rhythm')
        .set({ next_run_at: following ?? null })
        .where('id', '=', rhythm.id)
        .where('next_run_at', '=', rhythm.next_run_at)
        .executeTakeFirst();
      if (Number(advanced.numUpdatedRows) !== 1 || !runnable) return [];
      const community = await trx.selectFrom('community').selectAll().where('id', '=', rhythm.community_id).executeTakeFirstOrThrow();
      if (community.status === 'dormant' || community.status === 'closed') return [];
      const outcome = await runRound({ ...services, db: trx }, community, {
        key: `rhythm:${rhythm.id}:${occurrence}`,
        at: occurrence,
        size: rhythm.size,
        mode: rhythm.mode,
        nextRoundAt: following ?? followingRound(rhythm, occurrence),
      });
      return outcome.keys;
    });
    keys.push(...made);
  }
  return keys;
}

/** One reminder, in the group's own conversation, for each group that has not answered by halfway to the next round. */
async function materializeHalfwayReminders(services: Services, now: number): Promise<string[]> {
  const { db } = services;
  const due = await db
    .selectFrom('pair_group as g')
    .innerJoin('pair_round as r', 'r.id', 'g.round_id')
    .innerJoin('community as c', 'c.id', 'r.community_id')
    .select(['g.id', 'g.intro_key', 'g.platform', 'g.workspace_id', 'g.remind_at', 'r.next_round_at', 'c.id as community_id'])
    .where('g.reminded_at', 'is', null)
    .where('g.outcome', 'is', null)
    .where('g.remind_at', '<=', now)
    .execute();
  const keys: string[] = [];
  for (const group of due) {
    const made = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('pair_group')
        .set({ reminded_at: now })
        .where('id', '=', group.id)
        .where('reminded_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return [];
      const intro = await findOutboxRow(trx, group.intro_key);
      // An introduction that never went out has nobody to remind.
      if (!intro || intro.status !== 'sent') return [];
      const community = await trx.selectFrom('community').selectAll().where('id', '=', group.community_id).executeTakeFirstOrThrow();
      const platform = group.platform;
      const key = `pair-remind:${group.id}`;
      const expiresAt = group.next_round_at ?? now + 3 * 86_400_000;
      const reply = halfwayReminderReply(community, group.id);
      if (intro.conversation_id) {
        const channel = { platform, workspaceId: group.workspace_id, channelId: intro.conversation_id };
        await enqueue(trx, { key, target: { channel }, reply, notBefore: now, expiresAt }, now);
      } else {
        const users = (
          await trx
            .selectFrom('member')
            .select('user_id')
            .where('id', 'in', await groupMemberIds(trx, group.id))
            .execute()
        ).map((m) => ({
          platform,
          workspaceId: group.workspace_id,
          userId: m.user_id,
        }));
        if (users.length === 0) return [];
        await enqueue(trx, { key, target: { group: users }, reply, notBefore: now, expiresAt }, now);
      }
      return [key];
    });
    keys.push(...made);
  }
  return keys;
}

export async function nextPairingDueAt(db: Db): Promise<number | undefined> {
  const rhythm = await db
    .selectFrom('pair_rhythm')
    .select((eb) => eb.fn.min('next_run_at').as('due'))
    .executeTakeFirst();
  const reminder = await db
    .selectFrom('pair_group')
    .select((eb) => eb.fn.min('remind_at').as('due'))
    .where('reminded_at', 'is', null)
    .where('outcome', 'is', null)
    .executeTakeFirst();
  const due = [rhythm?.due, reminder?.due].filter((at): at is number => typeof at === 'number');
  return due.length ? Math.min(...due) : undefined;
}
