import { zoneOfCommunity } from '../communities/communities.js';
import { findMembership } from '../communities/membership.js';
import { deliverNow } from '../delivery/outbox.js';
import { answer, bold, code, joinRich, mention, refuse, rich, time, type RichText } from '../kernel/reply.js';
import { formatDate } from '../kernel/time.js';
import { findGroup, groupMemberIds, listPairingsOf, recordGroupOutcome } from '../pairing/groups.js';
import { clearPairRhythm, describePairSchedule, findPairRhythm, followingRound, setPairRhythm } from '../pairing/pair-rhythm.js';
import { findParticipant, joinPairing, leavePairing, pausePairing } from '../pairing/participants.js';
import { runRound } from '../pairing/rounds.js';
import { parseSchedule, scheduleUsage } from '../rhythms/schedule.js';
import type { OutboxRow } from '../storage/rhythm-schema.js';
import { pairModes, pairRoles, type PairRhythm } from '../storage/pairing-schema.js';
import { choice, community, integer, optional, text, withDefault } from './args.js';
import { defineCommand } from './define.js';

function describePairRhythm(rhythm: PairRhythm): RichText {
  const when = describePairSchedule(rhythm);
  const shape = `${rhythm.mode === 'mentoring' ? 'mentoring, ' : ''}groups of ${rhythm.size}`;
  return rhythm.next_run_at === null
    ? [`${when}, ${shape}; no further round`]
    : rich`${when}, ${shape}; next round ${time(rhythm.next_run_at, rhythm.timezone)}`;
}

export const pairJoin = defineCommand({
  path: ['pair', 'join'],
  summary: 'Opts in to peer-exchange rounds',
  details:
    'Each round puts you in a small group with others of the community in your workspace, avoiding people you met before. `about` says what you would like to talk about, learn or offer; it appears in your introductions, never on web pages or exports. Join again to change your role or `about`.',
  examples: [
    '/cop pair join outreach',
    '/cop pair join outreach role:mentee about:"evaluating taster days"',
    '/cop pair join outreach role:mentor about:"school partnerships, evaluation"',
  ],
  access: 'everyone',
  args: {
    community: community(),
    role: withDefault(choice(pairRoles, 'your role (default peer)'), 'peer', '[role:peer|mentor|mentee]'),
    about: optional(text('what you want to talk about', { max: 300, label: 'The about text' }), '[about:<text>]'),
  },
  async run(ctx, { community: c, role, about }) {
    const member = await ctx.callerMember();
    if (!(await findMembership(ctx.db, c.id, member.id))) {
      return refuse(
        'NotMember',
        rich`Only members of ${c.slug} take part in its peer exchange. Join first with ${code(`/cop join ${c.slug}`)}, then ${code(`/cop pair join ${c.slug}`)}.`,
      );
    }
    const outcome = await joinPairing(ctx.db, c.id, member.id, role, about, ctx.clock.now());
    const rhythm = await findPairRhythm(ctx.db, c.id);
    const next = rhythm
      ? rich` Next round: ${describePairRhythm(rhythm)}.`
      : rich` ${c.slug} has no round schedule yet; coordinators set one with ${code(`/cop pair rhythm ${c.slug} weekly mon 09:00`)}.`;
    return answer(
      rich`${outcome === 'joined' ? 'You are in' : 'Updated: you are in'} the ${bold(c.name)} peer exchange as a ${role}${about ? `, about “${about}”` : ''}.${next} Sit out a round with ${code(`/cop pair pause ${c.slug}`)}.`,
    );
  },
});

export const pairLeave = defineCommand({
  path: ['pair', 'leave'],
  summary: 'Opts out of peer-exchange rounds',
  details: 'Your past pairings stay in /cop pair list; pair join brings you back.',
  examples: ['/cop pair leave outreach'],
  access: 'everyone',
  args: { community: community() },
  async run(ctx, { community: c }) {
    const left = await leavePairing(ctx.db, c.id, (await ctx.callerMember()).id);
    return left
      ? answer(
          rich`You are out of the ${bold(c.name)} peer exchange; your past pairings stay in ${code('/cop pair list')}. Back any time with ${code(`/cop pair join ${c.slug}`)}.`,
        )
      : refuse('NotInPairing', `You are not in the ${c.slug} peer exchange; /cop pair join ${c.slug} opts in.`);
  },
});

export const pairPause = defineCommand({
  path: ['pair', 'pause'],
  summary: 'Sits out the next rounds',
  details: 'Sits out the next `rounds` rounds (1 by default); after them you are back in by yourself.',
  examples: ['/cop pair pause outreach', '/cop pair pause outreach rounds:3'],
  access: 'everyone',
  args: {
    community: community(),
    rounds: withDefault(integer('rounds to sit out', { min: 1, max: 52, label: 'rounds' }), 1, '[rounds:<n>]'),
  },
  async run(ctx, { community: c, rounds }) {
    const paused = await pausePairing(ctx.db, c.id, (await ctx.callerMember()).id, rounds);
    return paused
      ? answer(
          rich`You sit out the next ${rounds === 1 ? 'round' : `${rounds} rounds`} of the ${bold(c.name)} peer exchange, then you are back in by yourself.`,
        )
      : refuse('NotInPairing', `You are not in the ${c.slug} peer exchange; /cop pair join ${c.slug} opts in.`);
  },
});

export const pairList = defineCommand({
  path: ['pair', 'list'],
  summary: 'Your group and past pairings',
  details: 'Your current group and past pairings: with whom, when, and whether you met.',
  examples: ['/cop pair list', '/cop pair list community:outreach'],
  access: 'everyone',
  args: { community: optional(community(), '[community:<community>]') },
  async run(ctx, { community: c }) {
    const member = await ctx.callerMember();
    const pairings = await listPairingsOf(ctx.db, member.id, c?.id);
    const zone = c ? zoneOfCommunity(c, ctx.settings) : ctx.settings.defaultTimezone;
    const taking = c ? await findParticipant(ctx.db, c.id, member.id) : undefined;
    const status = c
      ? taking
        ? `You are in the ${c.slug} peer exchange as a ${taking.role}${taking.paused_rounds ? `, sitting out ${taking.paused_rounds} more ${taking.paused_rounds === 1 ? 'round' : 'rounds'}` : ''}.`
        : `You are not in the ${c.slug} peer exchange (/cop pair join ${c.slug}).`
      : '';
    if (pairings.length === 0) return answer(`${status ? `${status} ` : ''}You have not been grouped with anyone yet.`);
    const outcomeText = { met: 'met', not: 'did not meet', none: 'not answered yet' } as const;
    const lines = pairings.map((p, i) => {
      const people = joinRich(
        p.others.map((o) => [mention({ platform: o.platform, workspaceId: o.workspaceId, userId: o.userId }, o.name)]),
        ', ',
      );
      const head = i === 0 ? 'Current group' : formatDate(p.occurrenceAt, zone);
      return rich`${bold(head)} (${p.slug}, ${formatDate(p.occurrenceAt, zone)}): ${people.length ? people : ['people who have since left']} · ${outcomeText[p.outcome ?? 'none']}${p.outcome === null ? rich` (${code(`/cop pair met ${p.groupId} yes`)})` : ''}`;
    });
    return answer(`${status ? `${status} ` : ''}Your pairings, newest first:`, { sections: [{ body: joinRich(lines, '\n') }] });
  },
});

export const pairRhythm = defineCommand({
  path: ['pair', 'rhythm'],
  summary: 'When rounds happen, group size, mode',
  details: `The schedule is ${scheduleUsage}, in the community’s time zone. Groups are of \`size\` (2 to 4, default 2); \`mentoring\` puts a mentor with each mentee, matched on their topics.`,
  examples: [
    '/cop pair rhythm outreach fortnightly mon 09:00',
    '/cop pair rhythm outreach monthly 1st tue 10:00 size:3',
    '/cop pair rhythm outreach weekly wed 12:00 mode:mentoring',
    '/cop pair rhythm outreach off',
  ],
  access: 'coordinator',
  args: {
    community: community(),
    schedule: text('weekly mon 09:00, … or off', { max: 200, label: 'The schedule' }),
    size: withDefault(integer('people per group', { min: 2, max: 4, label: 'size' }), 2, '[size:<2-4>]'),
    mode: withDefault(choice(pairModes, 'peers or mentoring'), 'peers', '[mode:peers|mentoring]'),
  },
  async run(ctx, { community: c, schedule, size, mode }) {
    const parsed = parseSchedule(schedule);
    if (!parsed.ok) return refuse('BadInput', `${parsed.problem} Usage: /cop pair rhythm <community> <schedule> [size:<2-4>] [mode:peers|mentoring]`);
    if ('off' in parsed) {
      return (await clearPairRhythm(ctx.db, c.id))
        ? answer(rich`No more scheduled peer-exchange rounds in ${bold(c.name)}. ${code(`/cop pair now ${c.slug}`)} still runs one at once.`)
        : answer(rich`${bold(c.name)} had no peer-exchange schedule; nothing changed.`);
    }
    const saved = await setPairRhythm(ctx.db, c.id, { rule: parsed.rule, zone: zoneOfCommunity(c, ctx.settings), size, mode }, ctx.clock.now());
    return answer(rich`Peer-exchange rounds for ${bold(c.name)}: ${describePairRhythm(saved)}.`);
  },
});

function describeIntroductions(rows: readonly OutboxRow[]): string {
  const intros = rows.filter((row) => row.key.startsWith('pair-intro:'));
  const sent = intros.filter((row) => row.status === 'sent').length;
  const failed = intros.filter((row) => row.status === 'failed');
  const pending = intros.length - sent - failed.length;
  const parts = [`${sent} ${sent === 1 ? 'introduction' : 'introductions'} sent`];
  if (pending) parts.push(`${pending} will follow shortly`);
  if (failed.length) parts.push(`${failed.length} could not be sent (${failed[0]!.last_error ?? 'unknown error'})`);
  return parts.join(', ');
}

export const pairNow = defineCommand({
  path: ['pair', 'now'],
  summary: 'Runs a round now',
  details: 'Runs a peer-exchange round at once, with the size and mode of the community’s pair rhythm (pairs of peers without one).',
  examples: ['/cop pair now outreach'],
  access: 'coordinator',
  args: { community: community() },
  async run(ctx, { community: c }) {
    const now = ctx.clock.now();
    const rhythm = await findPairRhythm(ctx.db, c.id);
    const outcome = await ctx.db.transaction().execute((trx) =>
      runRound({ ...ctx, db: trx }, c, {
        key: `now:${c.id}:${now}`,
        at: now,
        size: rhythm?.size ?? 2,
        mode: rhythm?.mode ?? 'peers',
        nextRoundAt: rhythm?.next_run_at ?? followingRound(rhythm, now),
      }),
    );
    if (!outcome.created) return refuse('AlreadyRan', `A round of ${c.slug} was just run; try again in a moment.`);
    if (outcome.participants === 0)
      return answer(rich`Nobody takes part in the ${bold(c.name)} peer exchange yet: members opt in with ${code(`/cop pair join ${c.slug}`)}.`);
    const delivered = await deliverNow(ctx, outcome.keys);
    const alone = outcome.alone ? ` ${outcome.alone} ${outcome.alone === 1 ? 'person was' : 'people were'} alone in their workspace and told so.` : '';
    const paused = outcome.paused ? ` ${outcome.paused} sat out (paused).` : '';
    return answer(
      rich`Peer-exchange round in ${bold(c.name)}: ${outcome.participants} took part in ${outcome.groups} ${outcome.groups === 1 ? 'group' : 'groups'}; ${describeIntroductions(delivered)}.${alone}${paused}`,
    );
  },
});

export const pairMet = defineCommand({
  path: ['pair', 'met'],
  summary: 'Did your group meet?',
  details: 'Records whether your peer-exchange group met; the introduction’s buttons “We met” and “Not this time” run it.',
  examples: ['/cop pair met 12 yes', '/cop pair met 12 no'],
  access: 'everyone',
  args: { group: integer('group number', { min: 1, max: 1e12, label: 'The group' }), answer: choice(['yes', 'no'], 'yes or no') },
  async run(ctx, { group: groupId, answer: said }) {
    const group = await findGroup(ctx.db, groupId);
    const member = await ctx.callerMember();
    if (!group || !(await groupMemberIds(ctx.db, groupId)).includes(member.id)) {
      return refuse('NotInGroup', `You were not in peer-exchange group ${groupId}; /cop pair list shows your groups.`);
    }
    await recordGroupOutcome(ctx.db, groupId, said === 'yes' ? 'met' : 'not', member.id, ctx.clock.now());
    const c = await ctx.db.selectFrom('community').selectAll().where('id', '=', group.community_id).executeTakeFirstOrThrow();
    if (said === 'no') return answer(rich`Noted: your group did not meet this time. There is always the next round of ${bold(c.name)}.`);
    return answer(
      rich`Glad you met! Share what you learned with ${bold(c.name)}: ${code(`/cop share ${c.slug} <what you learned>`)} records it as your practice.`,
      { buttons: [{ label: 'Share what we learned', command: `help share` }] },
    );
  },
});
