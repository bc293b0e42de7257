import type { Platform } from '../kernel/identity.js';
import type { Db } from '../storage/database.js';
import type { PairGroup, PairOutcome } from '../storage/pairing-schema.js';

// Who was grouped with whom, and what came of it.

export async function findGroup(db: Db, groupId: number): Promise<(PairGroup & { community_id: number; occurrence_at: number }) | undefined> {
  return db
    .selectFrom('pair_group as g')
    .innerJoin('pair_round as r', 'r.id', 'g.round_id')
    .selectAll('g')
    .select(['r.community_id', 'r.occurrence_at'])
    .where('g.id', '=', groupId)
    .executeTakeFirst();
}

export async function groupMemberIds(db: Db, groupId: number): Promise<number[]> {
  return (await db.selectFrom('pair_group_member').select('member_id').where('group_id', '=', groupId).execute()).map((row) => row.member_id);
}

/** Records whether the group met; a later answer from the group replaces an earlier one. */
export async function recordGroupOutcome(db: Db, groupId: number, outcome: PairOutcome, memberId: number, now: number): Promise<void> {
  await db.updateTable('pair_group').set({ outcome, answered_by: memberId, answered_at: now }).where('id', '=', groupId).execute();
}

export type Pairing = Readonly<{
  groupId: number;
  communityId: number;
  slug: string;
  occurrenceAt: number;
  outcome: PairOutcome | null;
  others: { memberId: number; userId: string; platform: Platform; workspaceId: string; name: string | null }[];
}>;

/** A member's groups, newest first, with the others in each. */
export async function listPairingsOf(db: Db, memberId: number, communityId?: number, limit = 20): Promise<Pairing[]> {
  let query = db
    .selectFrom('pair_group_member as mine')
    .innerJoin('pair_group as g', 'g.id', 'mine.group_id')
    .innerJoin('pair_round as r', 'r.id', 'g.round_id')
    .innerJoin('community as c', 'c.id', 'r.community_id')
    .select(['g.id', 'g.outcome', 'r.community_id', 'r.occurrence_at', 'c.slug'])
    .where('mine.member_id', '=', memberId)
    .orderBy('r.occurrence_at', 'desc')
    .orderBy('g.id', 'desc')
    .limit(limit);
  if (communityId !== undefined) query = query.where('r.community_id', '=', communityId);
  const groups = await query.execute();
  if (groups.length === 0) return [];
  const others = await db
    .selectFrom('pair_group_member as gm')
    .innerJoin('member as m', 'm.id', 'gm.member_id')
    .select(['gm.group_id', 'm.id', 'm.user_id', 'm.platform', 'm.workspace_id', 'm.display_name'])
    .where(
      'gm.group_id',
      'in',
      groups.map((g) => g.id),
    )
    .where('gm.member_id', '!=', memberId)
    .execute();
  return groups.map((g) => ({
    groupId: g.id,
    communityId: g.community_id,
    slug: g.slug,
    occurrenceAt: g.occurrence_at,
    outcome: g.outcome,
    others: others
      .filter((o) => o.group_id === g.id)
      .map((o) => ({ memberId: o.id, userId: o.user_id, platform: o.platform, workspaceId: o.workspace_id, name: o.display_name })),
  }));
}

export type RoundTally = Readonly<{ rounds: number; groups: number; met: number; notMet: number; lastAt?: number }>;

/** Rounds since `since` (all when undefined), their groups, and how many met. */
export async function tallyRounds(db: Db, communityIds: readonly number[], since?: number, until?: number): Promise<RoundTally> {
  if (communityIds.length === 0) return { rounds: 0, groups: 0, met: 0, notMet: 0 };
  let rounds = db.selectFrom('pair_round').select(['id', 'occurrence_at']).where('community_id', 'in', communityIds);
  if (since !== undefined) rounds = rounds.where('occurrence_at', '>', since);
  if (until !== undefined) rounds = rounds.where('occurrence_at', '<=', until);
  const found = await rounds.execute();
  if (found.length === 0) return { rounds: 0, groups: 0, met: 0, notMet: 0 };
  const groups = await db
    .selectFrom('pair_group')
    .select('outcome')
    .where(
      'round_id',
      'in',
      found.map((r) => r.id),
    )
    .execute();
  return {
    rounds: found.length,
    groups: groups.length,
    met: groups.filter((g) => g.outcome === 'met').length,
    notMet: groups.filter((g) => g.outcome === 'not').length,
    lastAt: Math.max(...found.map((r) => r.occurrence_at)),
  };
}

/** Each round of these communities with how many groups it made and how many of them met, oldest first. */
export async function roundOutcomes(db: Db, communityIds: readonly number[]): Promise<{ occurrenceAt: number; groups: number; met: number }[]> {
  if (communityIds.length === 0) return [];
  const rows = await db
    .selectFrom('pair_round as r')
    .leftJoin('pair_group as g', 'g.round_id', 'r.id')
    .select(['r.id', 'r.occurrence_at', 'g.id as group_id', 'g.outcome'])
    .where('r.community_id', 'in', communityIds)
    .orderBy('r.occurrence_at')
    .execute();
  const rounds = new Map<number, { occurrenceAt: number; groups: number; met: number }>();
  for (const row of rows) {
    const round = rounds.get(row.id) ?? { occurrenceAt: row.occurrence_at, groups: 0, met: 0 };
    if (row.group_id !== null) round.groups++;
    if (row.outcome === 'met') round.met++;
    rounds.set(row.id, round);
  }
  return [...rounds.values()];
}
