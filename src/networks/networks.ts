import type { Db } from '../storage/database.js';
import type { Community } from '../storage/schema.js';

export const isNetwork = (community: Pick<Community, 'kind'>): boolean => community.kind === 'network';

/** A network's communities, by name. */
export async function communitiesOfNetwork(db: Db, networkId: number): Promise<Community[]> {
  return db.selectFrom('community').selectAll().where('network_id', '=', networkId).where('kind', '=', 'community').orderBy('name').orderBy('slug').execute();
}

export async function findNetworkOf(db: Db, community: Community): Promise<Community | undefined> {
  if (community.network_id === null) return undefined;
  return db.selectFrom('community').selectAll().where('id', '=', community.network_id).where('kind', '=', 'network').executeTakeFirst();
}

/** The communities a command given this community covers: a network's own row and all its communities, or just the one. */
export async function scopeOf(db: Db, community: Community): Promise<number[]> {
  if (!isNetwork(community)) return [community.id];
  return [community.id, ...(await communitiesOfNetwork(db, community.id)).map((c) => c.id)];
}

export type NetworkChange =
  | { outcome: 'joined'; network: Community; previous?: Community }
  | { outcome: 'left'; previous: Community }
  | { outcome: 'unchanged' }
  | { outcome: 'is-network' }
  | { outcome: 'not-a-network'; target: Community };

/** Puts a community in a network (out of any other: a community is in at most one), or out of its network with undefined. */
export async function setNetwork(db: Db, community: Community, network: Community | undefined, now: number): Promise<NetworkChange> {
  if (isNetwork(community)) return { outcome: 'is-network' };
  if (network && !isNetwork(network)) return { outcome: 'not-a-network', target: network };
  const previous = await findNetworkOf(db, community);
  if (previous?.id === network?.id) return { outcome: 'unchanged' };
  await db
    .updateTable('community')
    .set({ network_id: network?.id ?? null, updated_at: now })
    .where('id', '=', community.id)
    .execute();
  if (network) return { outcome: 'joined', network, previous };
  return { outcome: 'left', previous: previous! };
}
