import type { Platform } from '../kernel/identity.js';
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { GoalTables } from './goal-schema.js';
import type { PlatformTables } from './platform-schema.js';
import type { RhythmTables } from './rhythm-schema.js';
import type { CommunityKind, NetworkTables } from './network-schema.js';
import type { InstallationTables } from './installation-schema.js';

// Times are milliseconds since the epoch (UTC); zones are stored beside them where wall-clock time matters.

export const communityStatuses = ['potential', 'preparing', 'launched', 'dormant', 'closed'] as const;
export type CommunityStatus = (typeof communityStatuses)[number];

export const tiers = ['core', 'wider'] as const;
export type Tier = (typeof tiers)[number];

export interface MemberTable {
  id: Generated<number>;
  platform: Platform;
  workspace_id: string;
  user_id: string;
  display_name: string | null;
  reminders_on: Generated<number>;
  privacy_on: Generated<number>;
  created_at: number;
}

export interface CommunityTable {
  id: Generated<number>;
  slug: string;
  name: string;
  domain: string | null;
  sponsor: string | null;
  status: Generated<CommunityStatus>;
  timezone: string | null;
  created_at: number;
  updated_at: number;
  /** 0 when coordinators turned the weekly digest off. */
  digest_on: Generated<number>;
  digest_posted_at: number | null;
  /** When the next weekly digest is due; set on first sight, then a week on each time. */
  digest_due_at: number | null;
  /** A network is a community row that other communities point to with network_id. */
  kind: Generated<CommunityKind>;
  network_id: number | null;
}

export interface HomeChannelTable {
  id: Generated<number>;
  community_id: number;
  platform: Platform;
  workspace_id: string;
  channel_id: string;
  channel_name: string | null;
  linked_at: number;
  /** Set when the workspace removed Weaver (Slack uninstall); the channel is kept so that `info` can say so. */
  gone_at: number | null;
  gone_reason: string | null;
}

export interface CoordinatorTable {
  community_id: number;
  member_id: number;
  added_at: number;
}

export interface MembershipTable {
  community_id: number;
  member_id: number;
  tier: Tier;
  joined_at: number;
}

export interface MembershipChangeTable {
  id: Generated<number>;
  community_id: number;
  member_id: number;
  change: 'joined' | 'tier' | 'left';
  tier: Tier | null;
  at: number;
}

export interface PracticeTable {
  id: Generated<number>;
  community_id: number;
  member_id: number;
  text: string;
  source: 'command' | 'prompt-reply';
  prompt_post_id: number | null;
  platform: Platform | null;
  workspace_id: string | null;
  channel_id: string | null;
  message_id: string | null;
  permalink: string | null;
  created_at: number;
  updated_at: number;
}

export interface HarvestThreadTable {
  id: Generated<number>;
  community_id: number;
  platform: Platform;
  workspace_id: string;
  channel_id: string;
  root_message_id: string;
  asker_member_id: number;
  source: 'ask' | 'message';
  permalink: string | null;
  asked_at: number;
  first_reply_at: number | null;
  answer_message_id: string | null;
  marked_by_member_id: number | null;
  marked_at: number | null;
  harvested_at: number | null;
  hint_at: number | null;
  reminded_at: number | null;
  announced_at: number | null;
}

export type HarvestRole = 'question' | 'answer' | 'reply';

export interface HarvestMessageTable {
  id: Generated<number>;
  thread_id: number;
  community_id: number;
  platform: Platform;
  workspace_id: string;
  channel_id: string;
  message_id: string;
  member_id: number;
  role: HarvestRole;
  text: string;
  permalink: string | null;
  posted_at: number;
  edited_at: number | null;
  harvested: Generated<number>;
}

export interface HarvestPendingMarkTable {
  platform: Platform;
  workspace_id: string;
  channel_id: string;
  message_id: string;
  user_id: string;
  at: number;
}

export interface Database extends RhythmTables, PlatformTables, InstallationTables, GoalTables, NetworkTables {
  member: MemberTable;
  community: CommunityTable;
  home_channel: HomeChannelTable;
  coordinator: CoordinatorTable;
  membership: MembershipTable;
  membership_change: MembershipChangeTable;
  practice: PracticeTable;
  harvest_thread: HarvestThreadTable;
  harvest_message: HarvestMessageTable;
  harvest_pending_mark: HarvestPendingMarkTable;
}

export type Member = Selectable<MemberTable>;
export type NewMember = Insertable<MemberTable>;
export type Community = Selectable<CommunityTable>;
export type NewCommunity = Insertable<CommunityTable>;
export type CommunityUpdate = Updateable<CommunityTable>;
export type HomeChannel = Selectable<HomeChannelTable>;
export type Membership = Selectable<MembershipTable>;
export type Practice = Selectable<PracticeTable>;
export type HarvestThread = Selectable<HarvestThreadTable>;
export type HarvestMessage = Selectable<HarvestMessageTable>;
