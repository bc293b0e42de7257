import type { Generated, Selectable } from 'kysely';

// The tables of goals; schema.ts's Database includes them.

export const goalMeasures = ['manual', 'members', 'core', 'practices', 'answers', 'events'] as const;
export type GoalMeasure = (typeof goalMeasures)[number];

export const goalStatuses = ['open', 'done', 'dropped'] as const;
export type GoalStatus = (typeof goalStatuses)[number];

export interface GoalTable {
  id: Generated<number>;
  /** A community, or a network (a row of the same table). */
  community_id: number;
  text: string;
  target: number;
  measure: GoalMeasure;
  /** The due day as typed, YYYY-MM-DD. */
  due_date: string | null;
  /** When the due day is over: the next midnight in the community's zone. */
  due_at: number | null;
  status: Generated<GoalStatus>;
  created_by: number | null;
  created_at: number;
  closed_at: number | null;
  reached_at: number | null;
}

export interface GoalNoteTable {
  id: Generated<number>;
  goal_id: number;
  member_id: number;
  text: string;
  count: number;
  created_at: number;
}

export interface GoalTables {
  goal: GoalTable;
  goal_note: GoalNoteTable;
}

export type Goal = Selectable<GoalTable>;
export type GoalNote = Selectable<GoalNoteTable>;
