import { homeChannels, listCoordinators, statusMeaning } from '../communities/communities.js';
import { userRefOf } from '../storage/columns.js';
import { memberCounts, type TierCounts } from '../communities/membership.js';
import { answer, bold, joinRich, mention, rich, type Reply, type RichText, type Section } from '../kernel/reply.js';
import { communitiesOfNetwork, isNetwork } from '../networks/networks.js';
import type { Community, HomeChannel } from '../storage/schema.js';
import type { CommandContext } from './define.js';
import { describeNextEvents } from './event-commands.js';

const none = ['none yet'];

/** Communities with each network just before its own communities, then those in no network. */
export function orderWithNetworks(all: readonly Community[]): { community: Community; network?: Community }[] {
  const networks = all.filter(isNetwork);
  const inNetwork = (n: Community) => all.filter((c) => !isNetwork(c) && c.network_id === n.id);
  const placed = new Set(networks.flatMap((n) => [n.id, ...inNetwork(n).map((c) => c.id)]));
  return [
    ...networks.flatMap((n) => [{ community: n }, ...inNetwork(n).map((c) => ({ community: c, network: n }))]),
    ...all.filter((c) => !placed.has(c.id)).map((c) => ({ community: c })),
  ];
}

/** The `list` line for a network: how many communities, their members, its own home channels. */
export function networkListBody(
  network: Community,
  all: readonly Community[],
  counts: ReadonlyMap<number, TierCounts>,
  homes: RichText,
  firstLine: (text: string) => string,
): RichText {
  const members = all.filter((c) => !isNetwork(c) && c.network_id === network.id);
  const tally = sumCounts(
    members.map((c) => c.id),
    counts,
  );
  const names = members.length
    ? `${members.length === 1 ? '1 community' : `${members.length} communities`}: ${members.map((c) => c.slug).join(', ')}`
    : 'no communities yet';
  return rich`network · ${network.status}${network.domain ? ` · ${firstLine(network.domain)}` : ''}
${names} · ${tally.core} core · ${tally.wider} wider${homes.length ? ' · ' : ''}${homes}`;
}

export function sumCounts(ids: readonly number[], counts: ReadonlyMap<number, TierCounts>): TierCounts {
  return ids.reduce((sum, id) => ({ core: sum.core + (counts.get(id)?.core ?? 0), wider: sum.wider + (counts.get(id)?.wider ?? 0) }), { core: 0, wider: 0 });
}

/** `info <network>`: like a community's, with its communities and their counts and the next events across them. */
export async function networkInfo(ctx: CommandContext, network: Community, channelList: (homes: readonly HomeChannel[]) => RichText): Promise<Reply> {
  const members = await communitiesOfNetwork(ctx.db, network.id);
  const ids = [network.id, ...members.map((c) => c.id)];
  const [coordinators, homes, counts, nextEvents] = await Promise.all([
    listCoordinators(ctx.db, network.id),
    homeChannels(ctx.db, network.id),
    memberCounts(ctx.db, ids),
    describeNextEvents(ctx.db, ctx.clock.now(), ids, 3),
  ]);
  const tally = sumCounts(
    members.map((c) => c.id),
    counts,
  );
  const communityLines = members.map((c) => {
    const n = counts.get(c.id) ?? { core: 0, wider: 0 };
    return rich`${bold(c.name)} (${c.slug}): ${n.core} core, ${n.wider} wider · ${c.status}`;
  });
  const sections: Section[] = [
    { title: 'Domain', body: [network.domain ?? 'not described yet'] },
    {
      title: `Communities (${members.length})`,
      body: communityLines.length ? joinRich(communityLines, '\n') : rich`none yet; coordinators add theirs with /cop set <community> network ${network.slug}`,
    },
    {
      fields: [
        { label: 'Status', value: [`${network.status}: ${statusMeaning[network.status]}`] },
        { label: 'Sponsor', value: [network.sponsor ?? 'none'] },
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
        { label: 'Members of its communities', value: [`${tally.core} core, ${tally.wider} wider`] },
        { label: 'Next events', value: nextEvents ?? ['none planned'] },
      ],
    },
  ];
  return answer(rich`${bold(network.name)} (${network.slug}), a network of communities. People join its communities: ${joinHint(members)}`, { sections });
}

function joinHint(members: readonly Community[]): string {
  return members.length ? `/cop join ${members[0]!.slug}, for example.` : 'it has none yet.';
}
