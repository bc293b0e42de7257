import type { Selectable } from 'kysely';
import type { Platform } from '../kernel/identity.js';

/** A Weaver event's copy in a platform's own calendar: on Discord, a guild scheduled event in one server. */
export interface EventMirrorTable {
  event_id: number;
  platform: Platform;
  workspace_id: string;
  mirror_id: string;
  created_at: number;
  updated_at: number;
}

export type EventMirror = Selectable<EventMirrorTable>;
