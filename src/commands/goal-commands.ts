import { findCommunityById, isCoordinator, zoneOfCommunity } from '../communities/communities.js';
import { findMembership } from '../communities/membership.js';
import { deliverNow } from '../delivery/outbox.js';
import { celebrateIfReached, checkGoal } from '../goals/celebrate.js';
import { addGoal, closeGoal, findGoal, listGoalNotes, logGoalNote } from '../goals/goals.js';
import { goalLine, goalStatus, measureNote, noteLine, viewGoal, viewGoals } from '../goals/goal-report.js';
import { communitiesCountedFor, describeProgress, dueOfDay, measureMeaning, progressNow } from '../goals/progress.js';
import { answer, bold, code, refuse, rich, type RichText, type Section } from '../kernel/reply.js';
import { goalMeasures, type Goal } from '../storage/goal-schema.js';
import type { Community } from '../storage/schema.js';
import { asText, choice, communityOrNetwork, integer, ok, problem, text, withDefault, optional } from './args.js';
import { defineCommand, type ArgSpec, type CommandContext } from './define.js';
import { describeChannelDelivery } from './delivery-text.js';
import { dateArg } from './event-args.js';

const maxTarget = 1_000_000;
const listedOpen = 20;
const listedClosed = 5;

/** A goal by its id, typed `3` or `#3`; handlers receive the goal row. */
function goalArg(description = 'the goal’s id, e.g. 3'): ArgSpec<Goal> {
  return {
    kind: 'integer',
    description,
    required: true,
    communityOf: (goal) => goal.community_id,
    async parse(raw, ctx) {
      const value = asText(raw);
      const id = /^#?\d{1,9}$/.test(value) ? Number(value.replace('#', '')) : undefined;
      if (id === undefined) return problem(`“${value.slice(0, 20)}” is not a goal id; use the number /cop goal list shows, e.g. 3.`);
      const goal = await findGoal(ctx.db, id);
      return goal ? ok(goal) : problem(`There is no goal #${id}; /cop goal list <community> shows them.`);
    },
  };
}

async function communityOf(ctx: CommandContext, goal: Goal): Promise<Community> {
  const found = await findCommunityById(ctx.db, goal.community_id);
  if (!found) throw new Error(`goal ${goal.id} has no community`);
  return found;
}

function celebrationNote(keys: readonly string[], delivered: Parameters<typeof describeChannelDelivery>[0], c: Community): RichText {
  if (keys.length === 0) return rich` Link a home channel with ${code(`/cop link ${c.slug}`)} so that reached goals are celebrated there.`;
  return rich` Celebration: ${describeChannelDelivery(delivered)}.`;
}

export const goalAdd = defineCommand({
  path: ['goal', 'add'],
  summary: 'Sets a community goal, counted by hand or measured from the data',
  details: `Target defaults to 1, measure to manual. Measures: ${goalMeasures.map((m) => `${m} (${measureMeaning[m]})`).join('; ')}. The due date may already be past: the goal then shows as overdue.`,
  examples: [
    '/cop goal add outreach "Run our yearly seminar" by:2027-06-30',
    '/cop goal add outreach Recruit 40 members target:40 measure:members by:2027-11-30',
    '/cop goal add outreach Blog and newsletter articles target:2 by:2027-11-30',
  ],
  access: 'coordinator',
  args: {
    community: communityOrNetwork(),
    text: text('what the goal is', { max: 300, label: 'The goal' }),
    target: withDefault(integer('how many (default 1)', { min: 1, max: maxTarget, label: 'The target' }), 1, '[target:<n>]'),
    by: optional(dateArg('the due date, YYYY-MM-DD'), '[by:<YYYY-MM-DD>]'),
    measure: withDefault(choice(goalMeasures, 'what counts (default manual)'), 'manual', `[measure:${goalMeasures.join('|')}]`),
  },
  async run(ctx, args) {
    const c = args.community;
    const now = ctx.clock.now();
    const member = await ctx.callerMember();
    const due = args.by && dueOfDay(args.by, zoneOfCommunity(c, ctx.settings));
    const goal = await addGoal(
      ctx.db,
      {
        communityId: c.id,
        text: args.text,
        target: args.target,
        measure: args.measure,
        due,
        createdBy: member.id,
      },
      now,
    );
    // A measured goal may be reached the moment it is set (40 members already there): celebrated at once, like any other.
    const keys = await checkGoal(ctx, goal.id, now);
    const delivered = await deliverNow(ctx, keys);
    const view = await viewGoal(ctx.db, (await findGoal(ctx.db, goal.id)) ?? goal, now);
    const how = goal.measure === 'manual' ? rich` Members log progress with ${code(`/cop goal log ${goal.id} <note>`)}.` : rich` ${measureNote(goal)}`;
    return answer(
      rich`Set goal #${goal.id} for ${bold(c.name)}: ${goal.text}. Now ${goalStatus(view)}.${how}${keys.length ? celebrationNote(keys, delivered, c) : ''}`,
    );
  },
});

export const goalList = defineCommand({
  path: ['goal', 'list'],
  summary: 'Lists a community’s goals with their progress and latest notes',
  examples: ['/cop goal list outreach'],
  access: 'everyone',
  args: { community: communityOrNetwork() },
  async run(ctx, { community: c }) {
    const now = ctx.clock.now();
    const views = await viewGoals(ctx.db, c.id, now);
    if (views.length === 0) return answer(rich`${c.slug} has no goals yet. Coordinators set one with ${code(`/cop goal add ${c.slug} <text>`)}.`);
    // Every open goal is listed (up to a platform message's worth), then the most recently closed ones.
    const open = views.filter((v) => v.goal.status === 'open');
    const closed = views.filter((v) => v.goal.status !== 'open');
    const shown = [...open.slice(0, listedOpen), ...closed.slice(0, listedClosed)];
    const sections: Section[] = [];
    for (const view of shown) {
      const notes = await listGoalNotes(ctx.db, [view.goal.id], { limit: 3 });
      const lines: RichText[] = [];
      const measured = measureNote(view.goal);
      if (measured) lines.push([measured]);
      if (notes.length) lines.push(['Latest notes:'], ...notes.map((note): RichText => ['• ', ...noteLine(note)]));
      sections.push({
        title: goalLine(view),
        body: lines.length ? lines.flatMap((line, i) => (i === 0 ? [...line] : ['\n', ...line])) : undefined,
      });
    }
    const more = views.length - shown.length;
    return answer(
      rich`${bold(c.name)}: ${open.length} open ${open.length === 1 ? 'goal' : 'goals'}${closed.length ? `, ${closed.length} closed` : ''}.${more ? ` The ${more} not shown are in /cop export ${c.slug}.` : ''}`,
      { sections },
    );
  },
});

export const goalLog = defineCommand({
  path: ['goal', 'log'],
  summary: 'Records progress on a goal counted by hand (members and coordinators)',
  details: 'Count defaults to 1; count:0 adds a note without counting. Goals measured from the data count by themselves.',
  examples: ['/cop goal log 3 Blog post on outreach evaluation: https://blog.example/outreach', '/cop goal log 4 Two newsletter pieces count:2'],
  access: 'everyone',
  args: {
    goal: goalArg(),
    note: text('what was done', { max: 1000, label: 'The note' }),
    count: withDefault(integer('how much it counts (default 1)', { min: 0, max: maxTarget, label: 'The count' }), 1, '[count:<n>]'),
  },
  async run(ctx, { goal, note, count }) {
    const c = await communityOf(ctx, goal);
    if (goal.status !== 'open')
      return refuse(
        'GoalClosed',
        `Goal #${goal.id} is closed (${goal.status}); progress can be logged only on open goals. /cop goal list ${c.slug} shows them.`,
      );
    if (goal.measure !== 'manual') {
      return refuse(
        'GoalMeasured',
        `Goal #${goal.id} counts itself (${measureMeaning[goal.measure]}), so nothing can be logged against it; notes go on goals counted by hand.`,
      );
    }
    const member = await ctx.callerMember();
    const memberOfIt = await Promise.all((await communitiesCountedFor(ctx.db, goal)).map((id) => findMembership(ctx.db, id, member.id)));
    if (!memberOfIt.some(Boolean) && !(await isCoordinator(ctx.db, c.id, member.id))) {
      return refuse('NotAllowed', `Only members and coordinators of ${c.slug} can log progress on its goals; join with /cop join ${c.slug}.`);
    }
    const now = ctx.clock.now();
    const { keys, total } = await ctx.db.transaction().execute(async (trx) => {
      await logGoalNote(trx, { goalId: goal.id, memberId: member.id, text: note, count }, now);
      const counted = await progressNow(trx, goal, now);
      return { total: counted, keys: await celebrateIfReached(trx, goal, counted, now) };
    });
    const delivered = await deliverNow(ctx, keys);
    const reached = keys.length > 0 || (goal.reached_at === null && total >= goal.target);
    return answer(
      rich`Logged on goal #${goal.id}, ${bold(goal.text)}: now ${describeProgress(total, goal.target)}.${reached ? ' Target reached! 🎉' : ''}${reached ? celebrationNote(keys, delivered, c) : ''}`,
    );
  },
});

export const goalClose = defineCommand({
  path: ['goal', 'close'],
  summary: 'Closes a goal, as done (default) or dropped',
  examples: ['/cop goal close 3', '/cop goal close 5 as:dropped'],
  access: 'coordinator',
  args: { goal: goalArg(), as: withDefault(choice(['done', 'dropped'], 'done (default) or dropped'), 'done', '[as:done|dropped]') },
  async run(ctx, { goal, as }) {
    const now = ctx.clock.now();
    if (!(await closeGoal(ctx.db, goal.id, as, now))) return refuse('GoalClosed', `Goal #${goal.id} is already closed (${goal.status}).`);
    const count = await progressNow(ctx.db, goal, now);
    return answer(rich`Closed goal #${goal.id}, ${bold(goal.text)}, as ${as}, at ${describeProgress(count, goal.target)}.`);
  },
});
