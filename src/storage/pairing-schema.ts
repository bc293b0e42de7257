import type { Generated, Selectable } from 'kysely';
import type { Platform } from '../kernel/identity.js';

// The tables of peer exchange; schema.ts's Database includes them.

export const pairRoles = ['peer', 'mentor', 'mentee'] as const;
export type PairRole = (typeof pairRoles)[number];
export const pairModes = ['peers', 'mentoring'] as const;
export type PairMode = (typeof pairModes)[number];
export type PairOutcome = 'met' | 'not';

export interface PairParticipantTable {
  community_id: number;
  member_id: number;
  role: PairRole;
  about: string | null;
  paused_rounds: Generated<number>;
  /** When a round found them alone; they come first in the next. */
  waiting_since: number | null;
  joined_at: number;
}

export interface PairRhythmTable {
  id: Generated<number>;
  community_id: number;
  schedule: string;
  anchor_date: string | null;
  timezone: string;
  size: number;
  mode: PairMode;
  next_run_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PairRoundTable {
  id: Generated<number>;
  community_id: number;
  key: string;
  occurrence_at: number;
  mode: PairMode;
  size: number;
  participants: number;
  next_round_at: number | null;
  created_at: number;
}

export interface PairGroupTable {
  id: Generated<number>;
  round_id: number;
  platform: Platform;
  workspace_id: string;
  intro_key: string;
  reason: string | null;
  outcome: PairOutcome | null;
  answered_by: number | null;
  answered_at: number | null;
  remind_at: number | null;
  reminded_at: number | null;
}

export interface PairGroupMemberTable {
  group_id: number;
  member_id: number;
  community_id: number;
  role: PairRole;
}

export interface PairingTables {
  pair_participant: PairParticipantTable;
  pair_rhythm: PairRhythmTable;
  pair_round: PairRoundTable;
  pair_group: PairGroupTable;
  pair_group_member: PairGroupMemberTable;
}

export type PairParticipant = Selectable<PairParticipantTable>;
export type PairRhythm = Selectable<PairRhythmTable>;
export type PairRound = Selectable<PairRoundTable>;
export type PairGroup = Selectable<PairGroupTable>;
