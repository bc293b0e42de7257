import {
  findCommunityBySlug,
  createCommunity,
  homeChannels,
  homeChannelsByCommunity,
  linkHomeChannel,
  listCommunities,
  listCoordinators,
  setCoordinator,
  statusMeaning,
  updateCommunityField,
  type EditableField,
} from '../communities/communities.js';
import { channelRefOf, userRefOf } from '../storage/columns.js';
import { ensureMember } from '../communities/members.js';
import { memberCounts } from '../communities/membership.js';
import { findRhythm } from '../rhythms/rhythms.js';
import { answer, bold, channelMention, code, joinRich, mention, refuse, rich, type RichText } from '../kernel/reply.js';
import { communityStatuses, type Community, type HomeChannel } from '../storage/schema.js';
import { communityKinds } from '../storage/network-schema.js';
import { findNetworkOf, isNetwork, setNetwork } from '../networks/networks.js';
import { choice, communityOrNetwork, optional, slug, slugPattern, text, timezone, user, withDefault } from './args.js';
import { defineCommand, type ArgSpec, type CommandContext } from './define.js';
import { networkInfo, networkListBody, orderWithNetworks } from './network-commands.js';
import { describeNextEvent } from './event-commands.js';
import { describeRhythm } from './rhythm-commands.js';
import { describeOpenGoals } from '../goals/goal-report.js';
import { signInSection } from '../web/sign-in.js';

export const list = defineCommand({
  path: ['list'],
  summary: 'Lists the communities, with their members and home channels',
  details: 'Each network is listed with its communities.',
  examples: ['/cop list'],
  access: 'everyone',
  args: {},
  async run(ctx) {
    const all = await listCommunities(ctx.db);
    if (all.length === 0) {
      return answer('There are no communities yet. An admin can start one with /cop create <slug> <name>.');
    }
    const counts = await memberCounts(ctx.db);
    const homesOf = await homeChannelsByCommunity(ctx.db);
    const sections = await Promise.all(
      orderWithNetworks(all).map(async ({ community: c, network }) => {
        const tally = counts.get(c.id) ?? { core: 0, wider: 0 };
        const homes = homesOf.get(c.id) ?? [];
        if (isNetwork(c)) return { title: `Network: ${c.name} (${c.slug})`, body: networkListBody(c, all, counts, channelList(homes), firstLine) };
        return {
          title: network ? `${c.name} (${c.slug}), in ${network.slug}` : `${c.name} (${c.slug})`,
          body: rich`${c.status}${c.domain ? ` · ${firstLine(c.domain)}` : ''}
${tally.core} core · ${tally.wider} wider${homes.length ? ' · ' : ''}${channelList(homes)}`,
        };
      }),
    );
    const communities = all.filter((c) => !isNetwork(c)).length;
    const networks = all.length - communities;
    const networkCount = networks ? ` and ${networks === 1 ? '1 network' : `${networks} networks`}` : '';
    const signIn = await signInSection(ctx, ctx.caller);
    return answer(`${communities} ${communities === 1 ? 'community' : 'communities'}${networkCount}. Join one with /cop join <community>.`, {
      sections: signIn ? [...sections, signIn] : sections,
    });
  },
});

export const info = defineCommand({
  path: ['info'],
  summary: 'Shows a community: domain, sponsor, status, coordinators, home channels, members',
  details: 'Given a network, it shows its communities with their member counts and the next events across them.',
  examples: ['/cop info outreach'],
  access: 'everyone',
  args: { community: communityOrNetwork() },
  async run(ctx, { community: c }) {
    if (isNetwork(c)) return networkInfo(ctx, c, channelList);
    const [coordinators, homes, counts] = await Promise.all([listCoordinators(ctx.db, c.id), homeChannels(ctx.db, c.id), memberCounts(ctx.db, [c.id])]);
    const [rhythm, nextEvent, openGoals] = await Promise.all([
      findRhythm(ctx.db, c.id),
      describeNextEvent(ctx.db, ctx.clock.now(), c.id),
      describeOpenGoals(ctx.db, ctx.clock.now(), c.id),
    ]);
    const tally = counts.get(c.id) ?? { core: 0, wider: 0 };
    const none = ['none yet'];
    const signIn = await signInSection(ctx, ctx.caller);
    const network = await findNetworkOf(ctx.db, c);
    return answer(rich`${bold(c.name)} (${c.slug})${network ? `, in the ${network.name} network (${network.slug})` : ''}`, {
      sections: [
        { title: 'Domain', body: [c.domain ?? 'not described yet'] },
        {
          fields: [
            { label: 'Status', value: [`${c.status}: ${statusMeaning[c.status]}`] },
            { label: 'Sponsor', value: [c.sponsor ?? 'none'] },
            {
              label: 'Coordinators',
              value: coordinators.length
                ? joinRich(
                    coordinators.map((m) => [mention(userRefOf(m), m.display_name)]),
                    ', ',
                  )
                : none,
            },
            { label: 'Home channels', value: homes.length ? channelList(homes) : none },
            { label: 'Members', value: [`${tally.core} core, ${tally.wider} wider`] },
            { label: 'Time zone', value: [c.timezone ?? `${ctx.settings.defaultTimezone} (default)`] },
            { label: 'Rhythm', value: rhythm ? describeRhythm(rhythm) : ['none yet'] },
            { label: 'Next event', value: nextEvent ?? ['none planned'] },
            { label: 'Open goals', value: openGoals ?? ['none set'] },
          ],
        },
        ...(signIn ? [signIn] : []),
      ],
      buttons:
        c.status === 'closed'
          ? []
          : [
              { label: 'Join', command: `join ${c.slug}`, style: 'primary' },
              { label: 'Join as core', command: `join ${c.slug} tier:core` },
            ],
    });
  },
});

export const create = defineCommand({
  path: ['create'],
  summary: 'Creates a community, with status potential',
  details:
    'A network is a constellation of communities: it has a domain, sponsor, status, coordinators and home channels like a community; communities join it with /cop set <community> network <network>, and its coordinators may do for its communities what their own coordinators may.',
  examples: ['/cop create outreach "STEM Outreach" domain:"Reaching new audiences"', '/cop create uni-outreach "Outreach Network" kind:network'],
  access: 'admin',
  args: {
    slug: slug('2 to 32 of a-z, 0-9 and -'),
    name: text('the community’s full name', { max: 80, label: 'The name' }),
    domain: optional(text('what the community cares about', { max: 1000, label: 'The domain' }), '[domain:<text>]'),
    kind: withDefault(choice(communityKinds, 'community or network'), 'community', '[kind:community|network]'),
  },
  async run(ctx, { slug: newSlug, name, domain, kind }) {
    const created = await createCommunity(ctx.db, { slug: newSlug, name, domain, kind }, ctx.clock.now());
    if (!created) return refuse('SlugTaken', `There is already a community “${newSlug}”; choose another slug, or see /cop info ${newSlug}.`);
    if (kind === 'network') {
      return answer(
        rich`Created the network ${bold(created.name)} (${created.slug}), status potential. Next: ${code(`/cop set <community> network ${created.slug}`)} for each of its communities, ${code(`/cop link ${created.slug}`)} in its home channel, and ${code(`/cop coordinator ${created.slug} @someone`)}.`,
      );
    }
    return answer(
      rich`Created ${bold(created.name)} (${created.slug}), status potential. Next: ${code(`/cop link ${created.slug}`)} in its home channel${created.domain ? ' and ' : ', '}${code(`/cop coordinator ${created.slug} @someone`)}${created.domain ? '' : rich`, and ${code(`/cop set ${created.slug} domain <text>`)}`}.`,
    );
  },
});

// Each field's value is checked by the same argument rules a command would use for it.
const fieldValues = {
  name: text('the community’s full name', { max: 80, label: 'The name' }),
  domain: text('what the community cares about', { max: 1000, label: 'The domain' }),
  sponsor: text('who sponsors the community', { max: 200, label: 'The sponsor' }),
  status: choice(communityStatuses, 'the stage the community is at'),
  timezone: timezone('the community’s IANA time zone'),
} satisfies Record<EditableField, ArgSpec<string>>;
const fields = [...(Object.keys(fieldValues) as EditableField[]), 'network'] as const;

export const set = defineCommand({
  path: ['set'],
  summary: 'Changes a community’s name, domain, sponsor, status or time zone',
  details: `Status is one of ${communityStatuses.join(', ')}; the time zone is an IANA name such as Europe/London. network puts the community in a network (a community is in at most one), and none takes it out; coordinators of a network may do for its communities what their own coordinators may.`,
  examples: ['/cop set outreach domain Reaching new audiences', '/cop set outreach status launched', '/cop set outreach network uni-outreach'],
  access: 'coordinator',
  args: { community: communityOrNetwork(), field: choice(fields, 'what to change'), value: text('the new value', { label: 'The value' }) },
  async run(ctx, { community: c, field, value }) {
    if (field === 'network') return setNetworkOf(ctx, c, value);
    const parsed = await fieldValues[field].parse(value, ctx);
    if (!parsed.ok) return refuse('BadInput', `${parsed.problem} Usage: /cop set <community> ${field} <value>`);
    await updateCommunityField(ctx.db, c.id, field, parsed.value, ctx.clock.now());
    // A rhythm keeps the zone it was set in (see README), so say so rather than let it drift out of sight.
    const rhythm = field === 'timezone' ? await findRhythm(ctx.db, c.id) : undefined;
    const rhythmNote =
      rhythm && rhythm.timezone !== parsed.value
        ? ` The rhythm stays in ${rhythm.timezone}; set it again with /cop rhythm ${c.slug} <schedule> to move it.`
        : '';
    return answer(rich`${bold(c.slug)}: ${field} is now “${parsed.value}”.${rhythmNote}`);
  },
});

export const link = defineCommand({
  path: ['link'],
  summary: 'Makes this channel the community’s home channel on this platform',
  details:
    'Prompts, events, reminders and digests are posted in the home channel. Each workspace or server has one home channel per community. A network’s home channel gets its own posts and its weekly digest, which covers its communities.',
  examples: ['/cop link outreach'],
  access: 'coordinator',
  args: { community: communityOrNetwork() },
  async run(ctx, { community: c }) {
    const channel = ctx.channel;
    if (!channel) return refuse('NoChannel', `Run /cop link ${c.slug} in the channel that should be the community’s home, not in a direct message.`);
    const port = ctx.platforms.get(channel.platform);
    const access = port ? await port.prepareHomeChannel(channel) : { ok: true as const, name: undefined };
    if (!access.ok) return refuse('ChannelUnavailable', access.problem);
    const named = { ...channel, name: access.name ?? channel.name };
    const outcome = await ctx.db.transaction().execute((trx) => linkHomeChannel(trx, c, named, ctx.clock.now()));
    const here = channelMention(channel, named.name);
    switch (outcome.outcome) {
      case 'already-linked':
        return answer(rich`${here} is already the home channel of ${bold(c.name)}.${access.note ? ` ${access.note}` : ''}`);
      case 'taken':
        return refuse('ChannelTaken', rich`${here} is already the home channel of ${outcome.by.slug}; use another channel for ${c.slug}.`);
      case 'linked':
        return answer(
          rich`${here} is now the home channel of ${bold(c.name)}${outcome.previous ? rich` (it was ${channelMention(channelRefOf(outcome.previous), outcome.previous.channel_name)})` : ''}: ${isNetwork(c) ? 'the network’s events and its weekly digest of its communities' : 'prompts, events and digests'} will be posted here.${access.note ? ` ${access.note}` : ''}`,
          { visibility: 'channel' },
        );
    }
  },
});

export const coordinator = defineCommand({
  path: ['coordinator'],
  summary: 'Adds or removes a coordinator of a community',
  details: 'Coordinators of a network may do for each of its communities what that community’s own coordinators may.',
  examples: ['/cop coordinator outreach @ann', '/cop coordinator outreach @ann action:remove'],
  access: 'coordinator',
  args: {
    community: communityOrNetwork(),
    user: user('the member to add or remove'),
    action: withDefault(choice(['add', 'remove'], 'add (default) or remove'), 'add'),
  },
  async run(ctx, { community: c, user: target, action }) {
    const ref = { ...ctx.caller.user, userId: target.userId };
    const member = await ensureMember(ctx.db, ref, target.name, ctx.clock.now());
    const changed = await setCoordinator(ctx.db, c.id, member.id, action, ctx.clock.now());
    const who = mention(ref, member.display_name);
    if (action === 'add') {
      return answer(changed ? rich`${who} is now a coordinator of ${bold(c.name)}.` : rich`${who} already coordinates ${bold(c.name)}.`);
    }
    return changed
      ? answer(rich`${who} is no longer a coordinator of ${bold(c.name)}.`)
      : refuse('NotCoordinator', rich`${who} is not a coordinator of ${c.slug}.`);
  },
});

async function setNetworkOf(ctx: CommandContext, c: Community, value: string) {
  const usage = `Usage: /cop set ${c.slug} network <network|none>`;
  const wanted = value.trim().toLowerCase();
  const target = wanted === 'none' ? undefined : slugPattern.test(wanted) ? await findCommunityBySlug(ctx.db, wanted) : undefined;
  if (wanted !== 'none' && !target) return refuse('BadInput', `There is no network “${wanted.slice(0, 40)}”; /cop list shows them. ${usage}`);
  const change = await setNetwork(ctx.db, c, target, ctx.clock.now());
  switch (change.outcome) {
    case 'is-network':
      return refuse('BadInput', `${c.slug} is a network, and a network cannot be put in a network. ${usage}`);
    case 'not-a-network':
      return refuse(
        'BadInput',
        `${change.target.slug} is a community, not a network; an admin makes a network with /cop create <slug> <name> kind:network. ${usage}`,
      );
    case 'unchanged':
      return answer(target ? rich`${bold(c.name)} is already in ${bold(target.name)}.` : rich`${bold(c.name)} is in no network.`);
    case 'left':
      return answer(rich`${bold(c.name)} is no longer in the ${bold(change.previous.name)} network.`);
    case 'joined':
      return answer(
        rich`${bold(c.name)} is now in the ${bold(change.network.name)} network${change.previous ? ` (it was in ${change.previous.slug})` : ''}: ${code(`/cop info ${change.network.slug}`)} shows its communities.`,
      );
  }
}

function firstLine(textValue: string): string {
  const line = textValue.split('\n')[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

function channelList(homes: readonly HomeChannel[]): RichText {
  return joinRich(
    // A channel whose workspace removed Weaver stays listed, saying so, until a coordinator links another.
    homes.map((home) => [
      channelMention(channelRefOf(home), home.channel_name),
      ` (${home.platform}${home.gone_at === null ? '' : `, gone: ${home.gone_reason ?? 'Weaver was removed'}`})`,
    ]),
    ', ',
  );
}
