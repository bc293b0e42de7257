import type { Services } from '../storage/services.js';
import { formatDuration } from '../kernel/duration.js';
import { memberCounts } from '../communities/membership.js';
import type { Field } from '../kernel/reply.js';
import { statsFieldProviders, type StatsFieldProvider } from './sections.js';
import type { Community } from '../storage/schema.js';
import { plural } from '../kernel/words.js';
import { communitiesOfNetwork, isNetwork } from '../networks/networks.js';
import { bridgeStatsFields } from '../networks/bridges.js';

const week = 7 * 86_400_000;
export const trendWeeks = 4;

export type CommunityStats = Readonly<{
  core: number;
  wider: number;
  /** Joins and leaves per week, this week first. */
  trend: readonly { joined: number; left: number }[];
  practices: { total: number; recent: number };
  questions: { asked: number; answered: number };
  medianFirstReplyMs?: number;
}>;

export async function gatherStats(services: Services, community: Community): Promise<CommunityStats> {
  return gatherStatsOf(services, [community.id]);
}

/** The same figures over several communities (a network's): members are summed over its communities. */
export async function gatherStatsOf(services: Services, communityIds: readonly number[]): Promise<CommunityStats> {
  const { db } = services;
  const now = services.clock.now();
  const counts = await memberCounts(db, communityIds);
  const tally = communityIds.reduce((sum, id) => ({ core: sum.core + (counts.get(id)?.core ?? 0), wider: sum.wider + (counts.get(id)?.wider ?? 0) }), {
    core: 0,
    wider: 0,
  });

  const changes = await db
    .selectFrom('membership_change')
    .select(['change', 'at'])
    .where('community_id', 'in', communityIds)
    .where('change', 'in', ['joined', 'left'])
    .where('at', '>', now - trendWeeks * week)
    .execute();
  const trend = Array.from({ length: trendWeeks }, (_, i) => {
    const inWeek = changes.filter((c) => c.at <= now - i * week && c.at > now - (i + 1) * week);
    return { joined: inWeek.filter((c) => c.change === 'joined').length, left: inWeek.filter((c) => c.change === 'left').length };
  });

  const count = (n: { n: number | string | bigint } | undefined) => Number(n?.n ?? 0);
  const practiceTotal = await db
    .selectFrom('practice')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('community_id', 'in', communityIds)
    .executeTakeFirst();
  const practiceRecent = await db
    .selectFrom('practice')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('community_id', 'in', communityIds)
    .where('created_at', '>', now - 30 * 86_400_000)
    .executeTakeFirst();
  const threads = await db
    .selectFrom('harvest_thread')
    .select(['asked_at', 'first_reply_at', 'harvested_at'])
    .where('community_id', 'in', communityIds)
    .execute();
  const waits = threads.filter((t) => t.first_reply_at !== null).map((t) => Math.max(0, t.first_reply_at! - t.asked_at));

  return {
    core: tally.core,
    wider: tally.wider,
    trend,
    practices: { total: count(practiceTotal), recent: count(practiceRecent) },
    questions: { asked: threads.length, answered: threads.filter((t) => t.harvested_at !== null).length },
    medianFirstReplyMs: median(waits),
  };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const weekNames = ['this week', 'last week', '2 weeks before', '3 weeks before'];

/** The stats as fields; features that own prompts and RSVPs add theirs through statsFieldProviders. */
export async function statsFields(services: Services, community: Community, providers: readonly StatsFieldProvider[] = statsFieldProviders): Promise<Field[]> {
  if (isNetwork(community)) return networkStatsFields(services, community);
  const fields = baseFields(await gatherStats(services, community));
  for (const provide of providers) fields.push(...(await provide(services, community, services.clock.now())));
  return fields;
}

/** A network's stats: the same figures over all its communities, bridged answers, and a line per community. */
async function networkStatsFields(services: Services, network: Community): Promise<Field[]> {
  const communities = await communitiesOfNetwork(services.db, network.id);
  const ids = [network.id, ...communities.map((c) => c.id)];
  const fields = baseFields(await gatherStatsOf(services, ids));
  fields.push(...(await bridgeStatsFields(services, ids)));
  const lines = await Promise.all(
    communities.map(async (c) => {
      const one = await gatherStatsOf(services, [c.id]);
      return `${c.slug}: ${one.core} core, ${one.wider} wider · ${plural(one.practices.total, 'practice')} · ${one.questions.asked} asked, ${one.questions.answered} answered`;
    }),
  );
  fields.push({ label: `Communities (${communities.length})`, value: [lines.length ? lines.join('\n') : 'none yet'] });
  return fields;
}

function baseFields(stats: CommunityStats): Field[] {
  const net = stats.trend.reduce((sum, w) => sum + w.joined - w.left, 0);
  const fields: Field[] = [
    { label: 'Members', value: [`${stats.core} core, ${stats.wider} wider`] },
    {
      label: `Trend (last ${trendWeeks} weeks, ${net >= 0 ? '+' : ''}${net})`,
      value: [stats.trend.map((w, i) => `${weekNames[i] ?? `${i} weeks before`}: +${w.joined} −${w.left}`).join(' · ')],
    },
    { label: 'Practices shared', value: [`${stats.practices.total} in all, ${stats.practices.recent} in the last 30 days`] },
    { label: 'Questions', value: [`${stats.questions.asked} asked, ${stats.questions.answered} answered`] },
    {
      label: 'Median time to first answer',
      value: [stats.medianFirstReplyMs === undefined ? 'no replies yet' : formatDuration(stats.medianFirstReplyMs)],
    },
  ];
  return fields;
}
