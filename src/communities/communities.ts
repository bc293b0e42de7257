import { channelColumns, qualified } from '../storage/columns.js';
import { chunk } from '../kernel/chunk.js';
import type { ChannelRef } from '../kernel/identity.js';
import type { CoreSettings } from '../kernel/settings.js';
import type { Db } from '../storage/database.js';
import type { Community, CommunityStatus, HomeChannel, Member } from '../storage/schema.js';
import type { CommunityKind } from '../storage/network-schema.js';

/** A community's time zone: its own, or the default setting. */
export function zoneOfCommunity(community: Community, settings: CoreSettings): string {
  return community.timezone ?? settings.defaultTimezone;
}

export async function findCommunityBySlug(db: Db, slug: string): Promise<Community | undefined> {
  return db.selectFrom('community').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findCommunityById(db: Db, id: number): Promise<Community | undefined> {
  return db.selectFrom('community').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCommunities(db: Db): Promise<Community[]> {
  return db.selectFrom('community').selectAll().orderBy('name').orderBy('slug').execute();
}

export async function searchCommunitySlugs(db: Db, prefix: string, limit: number): Promise<Pick<Community, 'slug' | 'name'>[]> {
  const escaped = prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return db
    .selectFrom('community')
    .select(['slug', 'name'])
    .where((eb) => eb.or([eb('slug', 'like', `${escaped}%`), eb('name', 'like', `%${escaped}%`)]))
    .orderBy('slug')
    .limit(limit)
    .execute();
}

export type NewCommunityFields = { slug: string; name: string; domain?: string; kind?: CommunityKind };

export async function createCommunity(db: Db, fields: NewCommunityFields, now: number): Promise<Community | undefined> {
  return db
    .insertInto('community')
    .values({ slug: fields.slug, name: fields.name, domain: fields.domain ?? null, kind: fields.kind ?? 'community', created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export type EditableField = 'name' | 'domain' | 'sponsor' | 'status' | 'timezone';

export async function updateCommunityField(db: Db, communityId: number, field: EditableField, value: string, now: number): Promise<void> {
  await db
    .updateTable('community')
    .set({ [field]: value, updated_at: now })
    .where('id', '=', communityId)
    .execute();
}

export async function homeChannels(db: Db, communityId: number): Promise<HomeChannel[]> {
  return db.selectFrom('home_channel').selectAll().where('community_id', '=', communityId).orderBy('platform').execute();
}

/**
 * The home channels of these communities (every community's when none are named), read at once: a list page or a
 * tick's prompts would otherwise ask once per community. A community without any is absent from the map.
 */
export async function homeChannelsByCommunity(db: Db, communityIds?: readonly number[]): Promise<ReadonlyMap<number, HomeChannel[]>> {
  const byCommunity = new Map<number, HomeChannel[]>();
  const batches = communityIds ? chunk([...new Set(communityIds)], 500) : [undefined];
  for (const ids of batches) {
    let query = db.selectFrom('home_channel').selectAll().orderBy('community_id').orderBy('platform');
    if (ids) query = query.where('community_id', 'in', ids);
    for (const row of await query.execute()) byCommunity.set(row.community_id, [...(byCommunity.get(row.community_id) ?? []), row]);
  }
  return byCommunity;
}

export async function findCommunityByHomeChannel(db: Db, channel: ChannelRef): Promise<Community | undefined> {
  return db
    .selectFrom('home_channel')
    .innerJoin('community', 'community.id', 'home_channel.community_id')
    .selectAll('community')
    .where((eb) => eb.and(qualified('home_channel', channelColumns(channel))))
    .executeTakeFirst();
}

export type LinkOutcome = { outcome: 'linked'; previous?: HomeChannel } | { outcome: 'already-linked' } | { outcome: 'taken'; by: Community };

/** Makes the channel the community's home on its workspace; one home channel per workspace, one community per channel. */
export async function linkHomeChannel(db: Db, community: Community, channel: ChannelRef & { name?: string }, now: number): Promise<LinkOutcome> {
  const owner = await findCommunityByHomeChannel(db, channel);
  if (owner?.id === community.id) return { outcome: 'already-linked' };
  if (owner) return { outcome: 'taken', by: owner };
  const previous = await db
    .selectFrom('home_channel')
    .selectAll()
    .where('community_id', '=', community.id)
    .where('platform', '=', channel.platform)
    .where('workspace_id', '=', channel.workspaceId)
    .executeTakeFirst();
  await db
    .insertInto('home_channel')
    .values({
      community_id: community.id,
      ...channelColumns(channel),
      channel_name: channel.name ?? null,
      linked_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['community_id', 'platform', 'workspace_id'])
        .doUpdateSet({ channel_id: channel.channelId, channel_name: channel.name ?? null, linked_at: now }),
    )
    .execute();
  return { outcome: 'linked', previous };
}

/** Coordinators of a community's network may do for it what its own coordinators may. */
export async function isCoordinator(db: Db, communityId: number, memberId: number): Promise<boolean> {
  const row = await db
    .selectFrom('coordinator')
    .select('member_id')
    .where((eb) =>
      eb.or([eb('community_id', '=', communityId), eb('community_id', '=', eb.selectFrom('community').select('network_id').where('id', '=', communityId))]),
    )
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function listCoordinators(db: Db, communityId: number): Promise<Member[]> {
  return db
    .selectFrom('coordinator')
    .innerJoin('member', 'member.id', 'coordinator.member_id')
    .selectAll('member')
    .where('coordinator.community_id', '=', communityId)
    .orderBy('coordinator.added_at')
    .execute();
}

/** Returns false when nothing changed: the member already was (add) or was not (remove) a coordinator. */
export async function setCoordinator(db: Db, communityId: number, memberId: number, action: 'add' | 'remove', now: number): Promise<boolean> {
  if (action === 'add') {
    const result = await db
      .insertInto('coordinator')
      .values({ community_id: communityId, member_id: memberId, added_at: now })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  const result = await db.deleteFrom('coordinator').where('community_id', '=', communityId).where('member_id', '=', memberId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export const statusMeaning: Record<CommunityStatus, string> = {
  potential: 'an idea looking for its people',
  preparing: 'getting ready to launch',
  launched: 'active',
  dormant: 'resting',
  closed: 'no longer active',
};
