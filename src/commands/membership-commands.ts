import { userRefOf } from '../storage/columns.js';
import { communitiesOf, joinCommunity, leaveCommunity, membersOf } from '../communities/membership.js';
import { answer, bold, code, joinRich, mention, refuse, rich } from '../kernel/reply.js';
import { tiers } from '../storage/schema.js';
import { choice, community, optional } from './args.js';
import { defineCommand } from './define.js';

export const join = defineCommand({
  path: ['join'],
  summary: 'Joins a community (wider by default, or core), or changes your tier',
  details:
    'Core members are committed to the community; wider members follow it. You can be core in a limited number of communities at a time, wider in as many as you like.',
  examples: ['/cop join outreach', '/cop join outreach tier:core'],
  access: 'everyone',
  args: { community: community(), tier: optional(choice(tiers, 'core or wider; newcomers join as wider'), '[tier:core|wider]') },
  async run(ctx, { community: c, tier }) {
    const member = await ctx.callerMember();
    const result = await ctx.db.transaction().execute((trx) => joinCommunity(trx, c, member, tier, ctx.settings.coreLimit, ctx.clock.now()));
    switch (result.outcome) {
      case 'closed':
        return refuse('CommunityClosed', `${c.name} (${c.slug}) is closed and takes no new members; /cop list shows the others.`);
      case 'core-limit': {
        const current = result.coreIn[0]!;
        const limit = ctx.settings.coreLimit;
        return refuse(
          'CoreLimitReached',
          rich`You are already core in ${bold(result.coreIn.map((x) => x.slug).join(', '))}, and a member can be core in ${limit === 1 ? 'one community' : `${limit} communities`} at a time. To move, run ${code(`/cop join ${current.slug} tier:wider`)} and then ${code(`/cop join ${c.slug} tier:core`)}; or join ${c.slug} as wider with ${code(`/cop join ${c.slug}`)}.`,
        );
      }
      case 'unchanged':
        return answer(rich`You are already a ${result.tier} member of ${bold(c.name)}.`);
      case 'tier-changed':
        return answer(rich`You are now a ${result.tier} member of ${bold(c.name)} (you were ${result.from}).`);
      case 'joined':
        return answer(rich`Welcome to ${bold(c.name)}! You joined as a ${result.tier} member. See who is here with ${code(`/cop members ${c.slug}`)}.`);
    }
  },
});

export const leave = defineCommand({
  path: ['leave'],
  summary: 'Leaves a community',
  examples: ['/cop leave outreach'],
  access: 'everyone',
  args: { community: community() },
  async run(ctx, { community: c }) {
    const member = await ctx.callerMember();
    const left = await ctx.db.transaction().execute((trx) => leaveCommunity(trx, c, member, ctx.clock.now()));
    return left
      ? answer(rich`You left ${bold(c.name)}. You can come back any time with ${code(`/cop join ${c.slug}`)}.`)
      : refuse('NotMember', `You are not a member of ${c.slug}; /cop mine lists your communities.`);
  },
});

export const mine = defineCommand({
  path: ['mine'],
  summary: 'Lists your communities, with your tier in each',
  examples: ['/cop mine'],
  access: 'everyone',
  args: {},
  async run(ctx) {
    const memberships = await communitiesOf(ctx.db, (await ctx.callerMember()).id);
    if (memberships.length === 0) return answer('You have not joined any community yet; /cop list shows them, and /cop join <community> joins one.');
    return answer(`You are in ${memberships.length} ${memberships.length === 1 ? 'community' : 'communities'}:`, {
      sections: [{ fields: memberships.map((m) => ({ label: `${m.name} (${m.slug})`, value: [`${m.tier} member`] })) }],
    });
  },
});

export const members = defineCommand({
  path: ['members'],
  summary: 'Lists a community’s core and wider members',
  examples: ['/cop members outreach'],
  access: 'everyone',
  args: { community: community() },
  async run(ctx, { community: c }) {
    const everyone = await membersOf(ctx.db, c.id);
    if (everyone.length === 0) return answer(rich`${bold(c.name)} has no members yet; be the first with ${code(`/cop join ${c.slug}`)}.`);
    const sections = tiers.map((tier) => {
      const inTier = everyone.filter((m) => m.tier === tier);
      return {
        title: `${tier === 'core' ? 'Core' : 'Wider'} members (${inTier.length})`,
        body: inTier.length
          ? joinRich(
              inTier.map((m) => [mention(userRefOf(m), m.display_name)]),
              ', ',
            )
          : ['none yet'],
      };
    });
    return answer(rich`${bold(c.name)} has ${everyone.length} ${everyone.length === 1 ? 'member' : 'members'}.`, { sections });
  },
});
