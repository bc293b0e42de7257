import type { Platform } from '../kernel/identity.js';
import type { Db } from '../storage/database.js';
import type { PairParticipant, PairRole } from '../storage/pairing-schema.js';

// Who takes part in a community's peer exchange. The row hangs off the membership: leaving the community removes it.

export async function findParticipant(db: Db, communityId: number, memberId: number): Promise<PairParticipant | undefined> {
  return db.selectFrom('pair_participant').selectAll().where('community_id', '=', communityId).where('member_id', '=', memberId).executeTakeFirst();
}

/** Opts in, or changes role and `about` (an `about` left out keeps the one given before). */
export async function joinPairing(
  db: Db,
  communityId: number,
  memberId: number,
  role: PairRole,
  about: string | undefined,
  now: number,
): Promise<'joined' | 'updated'> {
  const existing = await findParticipant(db, communityId, memberId);
  if (existing) {
    await db
      .updateTable('pair_participant')
      .set({ role, about: about ?? existing.about, paused_rounds: 0 })
      .where('community_id', '=', communityId)
      .where('member_id', '=', memberId)
      .execute();
    return 'updated';
  }
  await db
    .insertInto('pair_participant')
    .values({ community_id: communityId, member_id: memberId, role, about: about ?? null, waiting_since: null, joined_at: now })
    .execute();
  return 'joined';
}

export async function leavePairing(db: Db, communityId: number, memberId: number): Promise<boolean> {
  const result = await db.deleteFrom('pair_participant').where('community_id', '=', communityId).where('member_id', '=', memberId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function pausePairing(db: Db, communityId: number, memberId: number, rounds: number): Promise<boolean> {
  const result = await db
    .updateTable('pair_participant')
    .set({ paused_rounds: rounds })
    .where('community_id', '=', communityId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export type Participant = PairParticipant & {
  platform: Platform;
  workspace_id: string;
  user_id: string;
  display_name: string | null;
  privacy_on: number;
  tier: 'core' | 'wider';
};

/** Everyone opted in who is still a member, with where they are and their tier. */
export async function listParticipants(db: Db, communityId: number): Promise<Participant[]> {
  return db
    .selectFrom('pair_participant as p')
    .innerJoin('membership as ms', (join) => join.onRef('ms.community_id', '=', 'p.community_id').onRef('ms.member_id', '=', 'p.member_id'))
    .innerJoin('member as m', 'm.id', 'p.member_id')
    .selectAll('p')
    .select(['m.platform', 'm.workspace_id', 'm.user_id', 'm.display_name', 'm.privacy_on', 'ms.tier'])
    .where('p.community_id', '=', communityId)
    .orderBy('p.waiting_since', 'desc')
    .orderBy('p.joined_at')
    .orderBy('p.member_id')
    .execute();
}

export async function countParticipants(db: Db, communityId: number): Promise<number> {
  const row = await db
    .selectFrom('pair_participant')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('community_id', '=', communityId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
