import type { Db } from '../storage/database.js';
import type { Community, Member, Tier } from '../storage/schema.js';

export type JoinOutcome =
  | { outcome: 'joined'; tier: Tier }
  | { outcome: 'tier-changed'; from: Tier; tier: Tier }
  | { outcome: 'unchanged'; tier: Tier }
  | { outcome: 'core-limit'; coreIn: Community[] }
  | { outcome: 'closed' };

/**
 * Joins, or changes tier by joining again with another tier; with no tier given a newcomer is wider and a member
 * stays as they are. A member is core in at most `coreLimit` communities at a time.
 */
export async function joinCommunity(
  db: Db,
  community: Community,
  member: Member,
  wanted: Tier | undefined,
  coreLimit: number,
  now: number,
): Promise<JoinOutcome> {
  if (community.status === 'closed') return { outcome: 'closed' };
  const current = await findMembership(db, community.id, member.id);
  const tier = wanted ?? current?.tier ?? 'wider';
  if (current?.tier === tier) return { outcome: 'unchanged', tier };
  if (tier === 'core') {
    const coreIn = await coreCommunitiesOf(db, member.id);
    if (coreIn.length >= coreLimit) return { outcome: 'core-limit', coreIn };
  }
  if (current) {
    await db.updateTable('membership').set({ tier }).where('community_id', '=', community.id).where('member_id', '=', member.id).execute();
  } else {
    await db.insertInto('membership').values({ community_id: community.id, member_id: member.id, tier, joined_at: now }).execute();
  }
  await db
    .insertInto('membership_change')
    .values({ community_id: community.id, member_id: member.id, change: current ? 'tier' : 'joined', tier, at: now })
    .execute();
  return current ? { outcome: 'tier-changed', from: current.tier, tier } : { outcome: 'joined', tier };
}

/** Returns the tier the member left, or undefined when they were not a member. */
export async function leaveCommunity(db: Db, community: Community, member: Member, now: number): Promise<Tier | undefined> {
  const current = await findMembership(db, community.id, member.id);
  if (!current) return undefined;
  await db.deleteFrom('membership').where('community_id', '=', community.id).where('member_id', '=', member.id).execute();
  await db.insertInto('membership_change').values({ community_id: community.id, member_id: member.id, change: 'left', tier: null, at: now }).execute();
  return current.tier;
}

export async function findMembership(db: Db, communityId: number, memberId: number) {
  return db.selectFrom('membership').selectAll().where('community_id', '=', communityId).where('member_id', '=', memberId).executeTakeFirst();
}

async function coreCommunitiesOf(db: Db, memberId: number): Promise<Community[]> {
  return db
    .selectFrom('membership')
    .innerJoin('community', 'community.id', 'membership.community_id')
    .selectAll('community')
    .where('membership.member_id', '=', memberId)
    .where('membership.tier', '=', 'core')
    .orderBy('membership.joined_at')
    .execute();
}

export async function communitiesOf(db: Db, memberId: number) {
  return db
    .selectFrom('membership')
    .innerJoin('community', 'community.id', 'membership.community_id')
    .select(['community.slug', 'community.name', 'community.status', 'membership.tier', 'membership.joined_at'])
    .where('membership.member_id', '=', memberId)
    .orderBy('membership.tier')
    .orderBy('community.name')
    .execute();
}

export async function membersOf(db: Db, communityId: number) {
  return db
    .selectFrom('membership')
    .innerJoin('member', 'member.id', 'membership.member_id')
    .selectAll('member')
    .select(['membership.tier', 'membership.joined_at'])
    .where('membership.community_id', '=', communityId)
    .orderBy('membership.joined_at')
    .execute();
}

export type TierCounts = { core: number; wider: number };

export async function memberCounts(db: Db, communityIds?: readonly number[]): Promise<Map<number, TierCounts>> {
  let query = db
    .selectFrom('membership')
    .select(['community_id', 'tier', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(['community_id', 'tier']);
  if (communityIds) query = query.where('community_id', 'in', communityIds.length ? communityIds : [-1]);
  const counts = new Map<number, TierCounts>();
  for (const row of await query.execute()) {
    const entry = counts.get(row.community_id) ?? { core: 0, wider: 0 };
    entry[row.tier] = Number(row.count);
    counts.set(row.community_id, entry);
  }
  return counts;
}

/** Members by tier of these communities together, as they were at `at` (from the history of joins, tier changes and leaves). */
export async function memberCountsAt(db: Db, communityIds: readonly number[], at: number): Promise<TierCounts> {
  if (communityIds.length === 0) return { core: 0, wider: 0 };
  const rows = await db
    .selectFrom('membership_change as c')
    .select(['c.tier', 'c.change'])
    .where('c.community_id', 'in', communityIds)
    .where('c.id', '=', (eb) =>
      eb
        .selectFrom('membership_change as last')
        .select((inner) => inner.fn.max('last.id').as('id'))
        .whereRef('last.community_id', '=', 'c.community_id')
        .whereRef('last.member_id', '=', 'c.member_id')
        .where('last.at', '<=', at),
    )
    .execute();
  const counts: TierCounts = { core: 0, wider: 0 };
  for (const row of rows) if (row.change !== 'left' && row.tier) counts[row.tier]++;
  return counts;
}
