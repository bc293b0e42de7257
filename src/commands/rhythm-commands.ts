import { homeChannels, zoneOfCommunity } from '../communities/communities.js';
import { deliverNow } from '../delivery/outbox.js';
import { addPrompt, enqueuePrompt, listPrompts, nextPromptOf, takeNextPrompt } from '../rhythms/prompts.js';
import { answer, bold, code, refuse, rich, time, type RichText } from '../kernel/reply.js';
import { clearRhythm, findRhythm, promptExpiryOf, ruleOf, setRhythm } from '../rhythms/rhythms.js';
import { describeSchedule, parseSchedule, scheduleUsage } from '../rhythms/schedule.js';
import type { Rhythm } from '../storage/rhythm-schema.js';
import { community, optional, text, timezone } from './args.js';
import { defineCommand } from './define.js';
import { describeChannelDelivery, noHomeChannelHint } from './delivery-text.js';
import { chunk } from '../kernel/chunk.js';

const maxPrompts = 200;

/** "weekly on Monday at 09:00 Europe/London; next Mon 30 Nov 2026, 09:00 GMT". */
export function describeRhythm(rhythm: Rhythm): RichText {
  const schedule = `${describeSchedule(ruleOf(rhythm))} ${rhythm.timezone}`;
  return rhythm.next_run_at === null ? [`${schedule}; no further occurrence`] : rich`${schedule}; next ${time(rhythm.next_run_at, rhythm.timezone)}`;
}

export const rhythm = defineCommand({
  path: ['rhythm'],
  summary: 'Sets when the share-a-practice prompt is posted, or turns it off',
  details: `The schedule is ${scheduleUsage}. Times are wall-clock times in the community’s time zone (or the one given), so daylight saving never moves them.`,
  examples: [
    '/cop rhythm outreach weekly mon 09:00',
    '/cop rhythm outreach monthly last fri 16:00 timezone:America/New_York',
    '/cop rhythm outreach cron "0 9 * * 1,4"',
    '/cop rhythm outreach off',
  ],
  access: 'coordinator',
  args: {
    community: community(),
    schedule: text('when: weekly mon 09:00, fortnightly, monthly, cron "…" or off', { max: 200, label: 'The schedule' }),
    timezone: optional(timezone('an IANA time zone such as Europe/London; the community’s by default'), '[timezone:<IANA zone>]'),
  },
  async run(ctx, { community: c, schedule, timezone: zone }) {
    const parsed = parseSchedule(schedule);
    if (!parsed.ok) return refuse('BadInput', `${parsed.problem} Usage: /cop rhythm <community> <schedule> [timezone:<IANA zone>]`);
    if ('off' in parsed) {
      return (await clearRhythm(ctx.db, c.id))
        ? answer(rich`${bold(c.name)} gets no more scheduled prompts. Set a rhythm again with ${code(`/cop rhythm ${c.slug} weekly mon 09:00`)}.`)
        : answer(rich`${bold(c.name)} had no rhythm; nothing changed.`);
    }
    const saved = await setRhythm(ctx.db, c.id, parsed.rule, zone ?? zoneOfCommunity(c, ctx.settings), ctx.clock.now());
    const homes = await homeChannels(ctx.db, c.id);
    return answer(rich`Prompts for ${bold(c.name)}: ${describeRhythm(saved)}.`, {
      sections: homes.length ? [] : [{ body: noHomeChannelHint(c, 'prompts') }],
    });
  },
});

export const promptAdd = defineCommand({
  path: ['prompt', 'add'],
  summary: 'Adds a prompt to the community’s rotating bank',
  details: 'The community’s own prompts come first in each round, then the default bank; no prompt repeats until all have been used.',
  examples: ['/cop prompt add outreach Which question from a pupil surprised you most this term?'],
  access: 'coordinator',
  args: { community: community(), text: text('the prompt, as members will read it', { max: 500, label: 'The prompt' }) },
  async run(ctx, { community: c, text: promptText }) {
    const member = await ctx.callerMember();
    const bank = await listPrompts(ctx.db, c.id, ctx.clock.now());
    if (bank.length >= maxPrompts) return refuse('BankFull', `The ${c.slug} prompt bank holds ${maxPrompts} prompts already, enough for years of rhythm.`);
    await addPrompt(ctx.db, c.id, promptText, member.id, ctx.clock.now());
    return answer(rich`Added to the ${bold(c.name)} prompt bank. See the bank and what comes next with ${code(`/cop prompt list ${c.slug}`)}.`);
  },
});

export const promptList = defineCommand({
  path: ['prompt', 'list'],
  summary: 'Shows the community’s prompt bank, the next prompt marked',
  examples: ['/cop prompt list outreach'],
  access: 'coordinator',
  args: { community: community() },
  async run(ctx, { community: c }) {
    const prompts = await listPrompts(ctx.db, c.id, ctx.clock.now());
    const next = nextPromptOf(prompts);
    const lines = prompts.map(
      (p, i) => `${p.id === next?.id ? '▶' : p.used_at !== null ? '✓' : '·'} ${i + 1}. ${p.text}${p.default_key ? '' : ' (added here)'}`,
    );
    const rhythmRow = await findRhythm(ctx.db, c.id);
    return answer(rich`${bold(`Prompt bank of ${c.name}`)}: ${prompts.length} prompts. ▶ is next, ✓ used this round.`, {
      // Several short sections rather than one long one: Slack caps a section's text at 3,000 characters.
      sections: [
        ...chunk(lines, 10).map((part) => ({ body: [part.join('\n')] })),
        { body: rhythmRow ? rich`Rhythm: ${describeRhythm(rhythmRow)}.` : rich`No rhythm yet: ${code(`/cop rhythm ${c.slug} weekly mon 09:00`)}.` },
      ],
    });
  },
});

export const promptNow = defineCommand({
  path: ['prompt', 'now'],
  summary: 'Posts the next prompt in the home channels at once',
  examples: ['/cop prompt now outreach'],
  access: 'coordinator',
  args: { community: community() },
  async run(ctx, { community: c }) {
    const now = ctx.clock.now();
    if ((await homeChannels(ctx.db, c.id)).length === 0) {
      const next = nextPromptOf(await listPrompts(ctx.db, c.id, now));
      return answer(rich`Nothing was posted: ${noHomeChannelHint(c, 'prompts')} The next prompt is: “${next?.text ?? ''}”`);
    }
    const { prompt, keys } = await ctx.db.transaction().execute(async (trx) => {
      const taken = await takeNextPrompt(trx, c.id, now);
      return {
        prompt: taken,
        keys: await enqueuePrompt(trx, c, taken, { key: `now:${c.id}:${now}`, at: now, expiresAt: promptExpiryOf(ctx.settings, now) }, now),
      };
    });
    const delivered = await deliverNow(ctx, keys);
    return answer(rich`Prompt “${prompt.text}”: ${describeChannelDelivery(delivered)}. Replies in its thread become practices of ${c.name}.`);
  },
});
