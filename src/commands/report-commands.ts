import { isCoordinator } from '../communities/communities.js';
import { buildDigest, setWeeklyDigest } from '../reports/digest.js';
import { buildExport } from '../reports/export.js';
import { answer, bold, code, refuse, rich } from '../kernel/reply.js';
import { statsFields } from '../reports/stats.js';
import { choice, community, communityOrNetwork, optional } from './args.js';
import { isNetwork } from '../networks/networks.js';
import { defineCommand } from './define.js';

export const digest = defineCommand({
  path: ['digest'],
  summary: 'The last 7 days: practices, answered and open questions, upcoming events',
  details:
    'The digest is also posted weekly in the home channel. Coordinators turn that off or on with weekly:off or weekly:on. Given a network, it shows the highlights of each of its communities in one post, as the network’s weekly digest does.',
  examples: ['/cop digest outreach', '/cop digest outreach weekly:off'],
  access: 'everyone',
  args: {
    community: communityOrNetwork(),
    weekly: optional(choice(['on', 'off'], 'coordinators: turn the weekly posted digest on or off'), '[weekly:on|off]'),
  },
  async run(ctx, { community: c, weekly }) {
    if (weekly) {
      if (!ctx.isAdmin() && !(await isCoordinator(ctx.db, c.id, (await ctx.callerMember()).id))) {
        return refuse('NotAllowed', `Only coordinators of ${c.slug} and admins can turn its weekly digest on or off.`);
      }
      await setWeeklyDigest(ctx, c.id, weekly === 'on');
      return weekly === 'on'
        ? answer(rich`The weekly digest of ${bold(c.name)} is on: it is posted in the home channel once a week.`)
        : answer(rich`The weekly digest of ${bold(c.name)} is off. Anyone can still see it with ${code(`/cop digest ${c.slug}`)}.`);
    }
    return (await buildDigest(ctx, c)).reply;
  },
});

export const stats = defineCommand({
  path: ['stats'],
  summary: 'Members, practices, questions, time to first answer, prompt replies and RSVPs',
  details: 'Bridged answers counts the marked answers given by someone a bridge named. Given a network, the figures cover all its communities.',
  examples: ['/cop stats outreach'],
  access: 'everyone',
  args: { community: communityOrNetwork() },
  async run(ctx, { community: c }) {
    const across = isNetwork(c) ? ' (the network and all its communities)' : '';
    return answer(rich`${bold(c.name)} in numbers${across}:`, { sections: [{ fields: await statsFields(ctx, c) }] });
  },
});

export const exportCommand = defineCommand({
  path: ['export'],
  summary: 'The community’s repertoire and harvested Q&A as one Markdown document',
  examples: ['/cop export outreach'],
  access: 'coordinator',
  args: { community: community() },
  async run(ctx, { community: c }) {
    const attachment = await buildExport(ctx, c);
    return answer(rich`The repertoire and harvested Q&A of ${bold(c.name)}, as Markdown: ${attachment.filename}.`, { attachment });
  },
});
