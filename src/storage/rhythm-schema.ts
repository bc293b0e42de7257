import type { Platform } from '../kernel/identity.js';
import type { Generated, Selectable } from 'kysely';

// The tables of rhythms, prompts, events and the outbox; schema.ts's Database includes them.

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxTable {
  id: Generated<number>;
  key: string;
  platform: Platform;
  workspace_id: string;
  channel_id: string | null;
  user_id: string | null;
  thread_id: string | null;
  /** The Reply as JSON. */
  reply: string;
  not_before: number;
  expires_at: number | null;
  next_attempt_at: number;
  attempts: Generated<number>;
  status: Generated<OutboxStatus>;
  claimed_by: string | null;
  claimed_until: number | null;
  message_id: string | null;
  permalink: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  /** For an introduction to a group of people (JSON array of user ids); channel_id is then where it was made. */
  group_user_ids: string | null;
  /** The conversation an introduction opened (a Slack group DM, a Discord thread), to post in it later. */
  conversation_id: string | null;
  /** When the platform was last called for this row with the outcome not yet recorded; null when not in a send. */
  send_started_at: number | null;
  kind: Generated<OutboxKind>;
  /** For an edit: the message it replaces. */
  edit_message_id: string | null;
  /** Bumped each time an edit's content changes. */
  revision: Generated<number>;
}

export type OutboxKind = 'post' | 'edit';

export interface SchedulerLeaseTable {
  name: string;
  owner: string;
  expires_at: number;
}

export interface RhythmTable {
  id: Generated<number>;
  community_id: number;
  /** Canonical schedule text: `weekly mon 09:00`, `monthly last fri 17:30`, `cron 0 9 * * 1`. */
  schedule: string;
  /** For fortnightly rhythms: the local date (YYYY-MM-DD) of an occurrence, which fixes the odd or even week. */
  anchor_date: string | null;
  timezone: string;
  next_run_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PromptTable {
  id: Generated<number>;
  community_id: number;
  text: string;
  /** Set for prompts of the default bank, so that each is added to a community once. */
  default_key: string | null;
  added_by: number | null;
  /** When it was posted in the current round; null while it waits its turn. */
  used_at: number | null;
  created_at: number;
}

export interface PromptPostTable {
  id: Generated<number>;
  community_id: number;
  prompt_id: number;
  rhythm_id: number | null;
  occurrence_at: number;
  outbox_id: number;
}

export type EventStatus = 'scheduled' | 'cancelled';
export type RsvpAnswer = 'yes' | 'maybe' | 'no';

export interface EventTable {
  id: Generated<number>;
  community_id: number;
  title: string;
  starts_at: number;
  ends_at: number;
  timezone: string;
  location: string | null;
  /** Lead times as typed, canonical: `1d,1h`; empty for none. */
  reminders: string;
  status: Generated<EventStatus>;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface RsvpTable {
  event_id: number;
  member_id: number;
  answer: RsvpAnswer;
  updated_at: number;
  /** `discord-interested` when the RSVP came from Discord's "Interested" button; null when the member answered Weaver. */
  source: string | null;
}

export interface EventReminderTable {
  id: Generated<number>;
  event_id: number;
  lead_minutes: number;
  due_at: number;
  done_at: number | null;
  outcome: string | null;
}

export interface EventPostTable {
  id: Generated<number>;
  event_id: number;
  outbox_id: number;
}

export interface RhythmTables {
  outbox: OutboxTable;
  scheduler_lease: SchedulerLeaseTable;
  rhythm: RhythmTable;
  prompt: PromptTable;
  prompt_post: PromptPostTable;
  event: EventTable;
  rsvp: RsvpTable;
  event_reminder: EventReminderTable;
  event_post: EventPostTable;
}

export type OutboxRow = Selectable<OutboxTable>;
export type Rhythm = Selectable<RhythmTable>;
export type Prompt = Selectable<PromptTable>;
export type WeaverEvent = Selectable<EventTable>;
export type Rsvp = Selectable<RsvpTable>;
