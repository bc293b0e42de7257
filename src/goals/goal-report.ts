import { authorSpan } from '../harvest/knowledge-render.js';
import { shorten } from '../harvest/posts.js';
import type { Field, RichText, Section, Span } from '../kernel/reply.js';
import type { Db } from '../storage/database.js';
import type { Goal } from '../storage/goal-schema.js';
import type { Community, Member } from '../storage/schema.js';
import type { Services } from '../storage/services.js';
import { listGoalNotes, listGoals, type NoteWithAuthor } from './goals.js';
import { describeProgress, measureMeaning, progressAt, progressNow, standingOf, type Standing } from './progress.js';

export type GoalView = Readonly<{ goal: Goal; count: number; standing: Standing }>;

export async function viewGoal(db: Db, goal: Goal, now: number): Promise<GoalView> {
  const count = await progressNow(db, goal, now);
  return { goal, count, standing: standingOf(goal, count, now) };
}

export async function viewGoals(db: Db, communityId: number, now: number, options: { openOnly?: boolean } = {}): Promise<GoalView[]> {
  return Promise.all((await listGoals(db, communityId, options)).map((goal) => viewGoal(db, goal, now)));
}

/** `12 of 40 (30%), by 2027-06-30, behind`. */
export function goalStatus({ goal, count, standing }: GoalView): string {
  const due = goal.due_date ? `, by ${goal.due_date}` : '';
  const where = standing === 'no due date' ? '' : `, ${standing}`;
  return `${describeProgress(count, goal.target)}${due}${where}`;
}

/** `#3 Recruit 40 members: 12 of 40 (30%), by 2027-06-30, behind`. */
export function goalLine(view: GoalView): string {
  return `#${view.goal.id} ${shorten(view.goal.text, 120)}: ${goalStatus(view)}`;
}

/** What a measured goal counts, for the line under it; nothing for goals counted by hand. */
export function measureNote(goal: Goal): string {
  return goal.measure === 'manual' ? '' : `Counts ${measureMeaning[goal.measure]}.`;
}

/** A note as rich text: who (unnamed when their privacy is off), what, and how much it counted. */
export function noteLine(note: NoteWithAuthor): RichText {
  const counted = note.count === 1 ? '' : ` (+${note.count})`;
  return [authorSpan(note.author), `${counted}: ${shorten(note.text, 200)}`];
}

/** For `info`: the open goals, one line each; undefined when there are none. */
export async function describeOpenGoals(db: Db, now: number, communityId: number): Promise<RichText | undefined> {
  const open = await viewGoals(db, communityId, now, { openOnly: true });
  return open.length ? [open.map(goalLine).join('\n')] : undefined;
}

/** Stats: each open goal's progress. */
export async function goalStatsFields({ db }: Services, community: Community, now: number): Promise<readonly Field[]> {
  const open = await viewGoals(db, community.id, now, { openOnly: true });
  if (open.length === 0) return [];
  return [{ label: `Goals (${open.length} open)`, value: [open.map(goalLine).join('\n')] }];
}

const listedNotes = 3;

/** The digest's "Goals": what moved in the week (progress up or down, notes logged, goals set, reached or closed). */
export async function goalsDigestSection({ db }: Services, community: Community, window: { from: number; to: number }): Promise<Section | undefined> {
  const inWeek = (at: number | null) => at !== null && at > window.from && at <= window.to;
  const lines: RichText[] = [];
  for (const goal of await listGoals(db, community.id)) {
    if (goal.status !== 'open' && !inWeek(goal.closed_at)) continue;
    const view = await viewGoal(db, goal, window.to);
    const before = goal.created_at > window.from ? 0 : await progressAt(db, goal, window.from, window.to);
    const notes = await listGoalNotes(db, [goal.id], { since: window.from });
    const moved = view.count - before;
    const news = [
      inWeek(goal.created_at) ? 'set this week' : moved !== 0 ? `${moved > 0 ? '+' : '−'}${Math.abs(moved)} this week` : '',
      inWeek(goal.reached_at) ? 'reached 🎉' : '',
      goal.status !== 'open' ? `closed as ${goal.status}` : '',
    ].filter(Boolean);
    if (news.length === 0 && notes.length === 0) continue;
    const line: Span[] = [`• ${goalLine(view)}${news.length ? ` · ${news.join(', ')}` : ''}`];
    for (const note of notes.slice(0, listedNotes)) line.push('\n   – ', ...noteLine(note));
    if (notes.length > listedNotes) line.push(`\n   …and ${notes.length - listedNotes} more notes`);
    lines.push(line);
  }
  if (lines.length === 0) return undefined;
  return { title: `Goals: what moved this week (${lines.length})`, body: lines.flatMap((line, i) => (i === 0 ? [...line] : ['\n', ...line])) };
}

/** Markdown helpers the export lends to the sections it does not own. */
export type MarkdownTools = Readonly<{
  inline(text: string): string;
  block(text: string, indent: string): string;
  name(member: Member | undefined): string;
  date(at: number): string;
}>;

/** Export: every goal with its progress and all its notes. */
export async function goalsExport({ db, clock }: Services, community: Community, md: MarkdownTools): Promise<readonly string[]> {
  const views = await viewGoals(db, community.id, clock.now());
  const out = [`## Goals (${views.length})`, ''];
  if (views.length === 0) return [...out, '_No goals set yet._', ''];
  const notes = await listGoalNotes(
    db,
    views.map((v) => v.goal.id),
  );
  for (const view of views) {
    const { goal } = view;
    out.push(`### \\#${goal.id} ${md.inline(goal.text)}`, '');
    out.push(`- Progress: ${describeProgress(view.count, goal.target)}, ${view.standing}`);
    out.push(
      `- Set on ${md.date(goal.created_at)}${goal.due_date ? `, due by ${goal.due_date}` : ''}${goal.closed_at ? `, closed on ${md.date(goal.closed_at)}` : ''}`,
    );
    out.push(`- Measure: ${goal.measure} (${measureMeaning[goal.measure]})`, '');
    const own = notes.filter((note) => note.goal_id === goal.id).reverse();
    if (own.length) {
      out.push('Notes:', '');
      for (const note of own) {
        const counted = note.count === 1 ? '' : ` (+${note.count})`;
        out.push(`- **${md.date(note.created_at)}**, ${md.name(note.author)}${counted}: ${md.block(note.text, '  ')}`);
      }
      out.push('');
    }
  }
  return out;
}
