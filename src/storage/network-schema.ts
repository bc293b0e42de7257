import type { Selectable } from 'kysely';

export const communityKinds = ['community', 'network'] as const;
export type CommunityKind = (typeof communityKinds)[number];

/** A question thread bridged to other communities, once: the row is written before any note or message is queued. */
export interface BridgeTable {
  thread_id: number;
  bridged_at: number;
}

/** Someone a bridge named, and the community they were found in: when they give the marked answer, it is a bridged answer. */
export interface BridgePersonTable {
  thread_id: number;
  member_id: number;
  community_id: number | null;
}

export interface NetworkTables {
  bridge: BridgeTable;
  bridge_person: BridgePersonTable;
}

export type Bridge = Selectable<BridgeTable>;
