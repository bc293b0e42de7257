import type { Db } from '../storage/database.js';
import type { Goal, GoalMeasure, GoalNote, GoalStatus } from '../storage/goal-schema.js';
import type { Member } from '../storage/schema.js';

export type NewGoal = Readonly<{
  communityId: number;
  text: string;
  target: number;
  measure: GoalMeasure;
  due?: { date: string; at: number };
  createdBy: number;
}>;

export async function addGoal(db: Db, goal: NewGoal, now: number): Promise<Goal> {
  return db
    .insertInto('goal')
    .values({
      community_id: goal.communityId,
      text: goal.text,
      target: goal.target,
      measure: goal.measure,
      due_date: goal.due?.date ?? null,
      due_at: goal.due?.at ?? null,
      created_by: goal.createdBy,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findGoal(db: Db, id: number): Promise<Goal | undefined> {
  return db.selectFrom('goal').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A community's goals: open ones first (soonest due first), then closed ones, most recently closed first. */
export async function listGoals(db: Db, communityId: number, options: { openOnly?: boolean } = {}): Promise<Goal[]> {
  let query = db.selectFrom('goal').selectAll().where('community_id', '=', communityId);
  if (options.openOnly) query = query.where('status', '=', 'open');
  const goals = await query.orderBy('id').execute();
  const open = goals.filter((g) => g.status === 'open').sort((a, b) => (a.due_at ?? Infinity) - (b.due_at ?? Infinity) || a.id - b.id);
  const closed = goals.filter((g) => g.status !== 'open').sort((a, b) => (b.closed_at ?? 0) - (a.closed_at ?? 0) || b.id - a.id);
  return [...open, ...closed];
}

/** Open measured goals that have not yet reached their target, across every community: what the scheduler checks. */
export async function listUnreachedMeasuredGoals(db: Db, limit: number): Promise<Goal[]> {
  return db
    .selectFrom('goal')
    .selectAll()
    .where('status', '=', 'open')
    .where('reached_at', 'is', null)
    .where('measure', '!=', 'manual')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Closes an open goal; false when it was already closed. */
export async function closeGoal(db: Db, goalId: number, as: Exclude<GoalStatus, 'open'>, now: number): Promise<boolean> {
  const result = await db.updateTable('goal').set({ status: as, closed_at: now }).where('id', '=', goalId).where('status', '=', 'open').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks the goal reached; true only for the one caller that marked it (a second process, or a later rise, gets false). */
export async function claimGoalReached(db: Db, goalId: number, now: number): Promise<boolean> {
  const result = await db.updateTable('goal').set({ reached_at: now }).where('id', '=', goalId).where('reached_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function logGoalNote(db: Db, note: { goalId: number; memberId: number; text: string; count: number }, now: number): Promise<GoalNote> {
  return db
    .insertInto('goal_note')
    .values({ goal_id: note.goalId, member_id: note.memberId, text: note.text, count: note.count, created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type NoteWithAuthor = GoalNote & { author: Member | undefined };

/** Notes of these goals, newest first, each with its author (whose privacy setting decides whether they are named). */
export async function listGoalNotes(db: Db, goalIds: readonly number[], options: { since?: number; limit?: number } = {}): Promise<NoteWithAuthor[]> {
  if (goalIds.length === 0) return [];
  let query = db.selectFrom('goal_note').selectAll().where('goal_id', 'in', goalIds).orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (options.since !== undefined) query = query.where('created_at', '>', options.since);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const notes = await query.execute();
  const memberIds = [...new Set(notes.map((note) => note.member_id))];
  const members = new Map((memberIds.length ? await db.selectFrom('member').selectAll().where('id', 'in', memberIds).execute() : []).map((m) => [m.id, m]));
  return notes.map((note) => ({ ...note, author: members.get(note.member_id) }));
}

/** The sum of the counts logged against a manual goal up to `until`. */
export async function sumGoalNotes(db: Db, goalId: number, until: number): Promise<number> {
  const row = await db
    .selectFrom('goal_note')
    .select((eb) => eb.fn.sum<number>('count').as('total'))
    .where('goal_id', '=', goalId)
    .where('created_at', '<=', until)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** For `me forget`: the notes the member logged. */
export async function deleteNotesOf(db: Db, memberId: number): Promise<bigint> {
  return (await db.deleteFrom('goal_note').where('member_id', '=', memberId).executeTakeFirst()).numDeletedRows;
}
