import { roundOutcomes } from '../pairing/groups.js';
import { formatDuration } from '../kernel/duration.js';
import { formatDate } from '../kernel/time.js';
import { median } from '../reports/stats.js';
import type { Community, Tier } from '../storage/schema.js';
import type { Services } from '../storage/services.js';
import type { ChartData } from './charts.js';

/** What a page covers: one community, or (once networks land) a network and its communities. */
export type PageScope = Readonly<{ community: Community; communityIds: readonly number[]; zone: string }>;

/** A chart of the community page; a feature that owns a measure (peer exchange, goals) adds one to `chartProviders`. */
export type ChartProvider = Readonly<{
  id: string;
  /** Undefined when the community has nothing to chart yet. */
  gather(services: Services, scope: PageScope, now: number): Promise<ChartData | undefined>;
}>;

const day = 86_400_000;
const week = 7 * day;
export const chartWeeks = 52;

// Weeks end at the moment the page is drawn, as /cop stats counts them: week 0 is the last 7 days.
function weekIndex(at: number, now: number): number | undefined {
  if (at > now) return undefined;
  const index = Math.floor((now - at) / week);
  return index < chartWeeks ? chartWeeks - 1 - index : undefined;
}

// Every chart of a page labels the same weeks; formatting 52 dates in a zone is worth doing once per page view.
let labelsMemo: { key: string; labels: readonly string[] } | undefined;
function weekLabels(now: number, zone: string): string[] {
  const key = `${now}:${zone}`;
  if (labelsMemo?.key !== key)
    labelsMemo = { key, labels: Array.from({ length: chartWeeks }, (_, row) => formatDate(now - (chartWeeks - row) * week + 1, zone)) };
  return [...labelsMemo.labels];
}

const ids = (scope: PageScope) => (scope.communityIds.length ? [...scope.communityIds] : [-1]);

async function membershipChanges(services: Services, scope: PageScope) {
  return services.db
    .selectFrom('membership_change')
    .select(['community_id', 'member_id', 'change', 'tier', 'at'])
    .where('community_id', 'in', ids(scope))
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export const membersByTier: ChartProvider = {
  id: 'members-by-tier',
  async gather(services, scope, now) {
    const changes = await membershipChanges(services, scope);
    const tiers = new Map<string, Tier>();
    const counts = { core: 0, wider: 0 };
    const rows: [string, number, number][] = [];
    const labels = weekLabels(now, scope.zone);
    let next = 0;
    for (let row = 0; row < chartWeeks; row++) {
      const end = now - (chartWeeks - 1 - row) * week;
      for (; next < changes.length && changes[next]!.at <= end; next++) {
        const change = changes[next]!;
        const key = `${change.community_id}:${change.member_id}`;
        const before = tiers.get(key);
        if (before) counts[before]--;
        if (change.change === 'left' || !change.tier) tiers.delete(key);
        else {
          tiers.set(key, change.tier);
          counts[change.tier]++;
        }
      }
      rows.push([labels[row]!, counts.core, counts.wider]);
    }
    return {
      id: 'members-by-tier',
      title: 'Members by tier',
      caption: `Core and wider members at the end of each week. Now: ${counts.core} core, ${counts.wider} wider.`,
      kind: 'stacked-area',
      columns: ['Week from', 'Core', 'Wider'],
      rows,
    };
  },
};

export const joinsAndLeaves: ChartProvider = {
  id: 'joins-and-leaves',
  async gather(services, scope, now) {
    const changes = await membershipChanges(services, scope);
    const rows = weekLabels(now, scope.zone).map((label): [string, number, number] => [label, 0, 0]);
    for (const change of changes) {
      const row = weekIndex(change.at, now);
      if (row === undefined || change.change === 'tier') continue;
      rows[row]![change.change === 'joined' ? 1 : 2]++;
    }
    const last4 = rows.slice(-4).reduce((sum, [, joined, left]) => sum + joined - left, 0);
    const thisWeek = rows[rows.length - 1]!;
    return {
      id: 'joins-and-leaves',
      title: 'Joins and leaves per week',
      caption: `This week +${thisWeek[1]} −${thisWeek[2]}; over the last 4 weeks ${last4 >= 0 ? '+' : ''}${last4}.`,
      kind: 'bar',
      columns: ['Week from', 'Joined', 'Left'],
      rows,
    };
  },
};

export const practicesPerWeek: ChartProvider = {
  id: 'practices-per-week',
  async gather(services, scope, now) {
    const practices = await services.db.selectFrom('practice').select(['created_at']).where('community_id', 'in', ids(scope)).execute();
    const rows = weekLabels(now, scope.zone).map((label): [string, number] => [label, 0]);
    for (const practice of practices) {
      const row = weekIndex(practice.created_at, now);
      if (row !== undefined) rows[row]![1]++;
    }
    const recent = practices.filter((practice) => practice.created_at > now - 30 * day).length;
    return {
      id: 'practices-per-week',
      title: 'Practices shared per week',
      caption: `${practices.length} in all, ${recent} in the last 30 days.`,
      kind: 'bar',
      columns: ['Week from', 'Practices'],
      rows,
    };
  },
};

export const questionsPerWeek: ChartProvider = {
  id: 'questions-per-week',
  async gather(services, scope, now) {
    const threads = await services.db
      .selectFrom('harvest_thread')
      .select(['asked_at', 'first_reply_at', 'harvested_at'])
      .where('community_id', 'in', ids(scope))
      .execute();
    const rows = weekLabels(now, scope.zone).map((label) => ({ label, asked: 0, answered: 0, waits: [] as number[] }));
    for (const thread of threads) {
      const asked = weekIndex(thread.asked_at, now);
      if (asked !== undefined) {
        rows[asked]!.asked++;
        if (thread.first_reply_at !== null) rows[asked]!.waits.push(Math.max(0, thread.first_reply_at - thread.asked_at));
      }
      const answered = thread.harvested_at === null ? undefined : weekIndex(thread.harvested_at, now);
      if (answered !== undefined) rows[answered]!.answered++;
    }
    const waits = threads.filter((t) => t.first_reply_at !== null).map((t) => Math.max(0, t.first_reply_at! - t.asked_at));
    const overall = median(waits);
    const answeredCount = threads.filter((t) => t.harvested_at !== null).length;
    return {
      id: 'questions-per-week',
      title: 'Questions asked and answered per week',
      caption: `${threads.length} asked, ${answeredCount} answered; median time to a first answer ${overall === undefined ? ': no replies yet' : formatDuration(overall)}. The line is each week's median, in hours.`,
      kind: 'bar',
      columns: ['Week from', 'Asked', 'Answered', 'Median hours to first answer'],
      lineColumns: ['Median hours to first answer'],
      rows: rows.map((row) => {
        const wait = median(row.waits);
        return [row.label, row.asked, row.answered, wait === undefined ? null : Math.round((wait / 3_600_000) * 10) / 10];
      }),
    };
  },
};

export const promptResponses: ChartProvider = {
  id: 'prompt-responses',
  async gather(services, scope, now) {
    const posts = await services.db
      .selectFrom('prompt_post')
      .innerJoin('outbox', 'outbox.id', 'prompt_post.outbox_id')
      .leftJoin('practice', 'practice.prompt_post_id', 'prompt_post.id')
      .select(['prompt_post.id', 'prompt_post.occurrence_at', (eb) => eb.fn.count<number>('practice.id').as('replies')])
      .where('prompt_post.community_id', 'in', ids(scope))
      .where('outbox.status', '=', 'sent')
      .where('prompt_post.occurrence_at', '>', now - chartWeeks * week)
      .groupBy('prompt_post.id')
      .execute();
    if (posts.length === 0) return undefined;
    const rows = weekLabels(now, scope.zone).map((label): [string, number, number, number] => [label, 0, 0, 0]);
    for (const post of posts) {
      const row = weekIndex(post.occurrence_at, now);
      if (row === undefined) continue;
      rows[row]![1]++;
      if (Number(post.replies) > 0) rows[row]![2]++;
      rows[row]![3] += Number(post.replies);
    }
    // The last four weeks, as /cop stats reports the rate.
    const recent = posts.filter((post) => post.occurrence_at > now - 28 * day);
    const answered = recent.filter((post) => Number(post.replies) > 0).length;
    return {
      id: 'prompt-responses',
      title: 'Prompt response rate',
      caption: recent.length
        ? `${Math.round((answered / recent.length) * 100)}% of the prompts of the last 4 weeks drew a reply (${answered} of ${recent.length}).`
        : 'No prompts posted in the last 4 weeks.',
      kind: 'bar',
      columns: ['Week from', 'Prompts posted', 'Prompts answered', 'Replies'],
      rows,
    };
  },
};

export const rsvpsPerEvent: ChartProvider = {
  id: 'rsvps-per-event',
  async gather(services, scope, now) {
    const events = await services.db
      .selectFrom('event')
      .leftJoin('rsvp', 'rsvp.event_id', 'event.id')
      .select(['event.id', 'event.title', 'event.starts_at', 'rsvp.answer'])
      .where('event.community_id', 'in', ids(scope))
      .where('event.status', '=', 'scheduled')
      .where('event.starts_at', '>', now - chartWeeks * week)
      .orderBy('event.starts_at')
      .execute();
    if (events.length === 0) return undefined;
    const byEvent = new Map<number, [string, number, number, number]>();
    for (const row of events) {
      const title = row.title.length > 28 ? `${row.title.slice(0, 27)}…` : row.title;
      const entry = byEvent.get(row.id) ?? [`#${row.id} ${title}, ${formatDate(row.starts_at, scope.zone)}`, 0, 0, 0];
      if (row.answer) entry[row.answer === 'yes' ? 1 : row.answer === 'maybe' ? 2 : 3]++;
      byEvent.set(row.id, entry);
    }
    const rows = [...byEvent.values()].slice(-24);
    const yes = rows.reduce((sum, row) => sum + row[1], 0);
    return {
      id: 'rsvps-per-event',
      title: 'RSVPs per event',
      caption: `Answers to the last ${rows.length} ${rows.length === 1 ? 'event' : 'events'} and those to come: ${yes} yes in all.`,
      kind: 'stacked-bar',
      columns: ['Event', 'Yes', 'Maybe', 'No'],
      rows,
    };
  },
};

/** Peer exchange: each week's rounds, the groups they made and how many of those met. */
export const peerExchangeRounds: ChartProvider = {
  id: 'peer-exchange',
  async gather(services, scope, now) {
    const rounds = await roundOutcomes(services.db, ids(scope));
    if (rounds.length === 0) return undefined;
    const rows = weekLabels(now, scope.zone).map((label): [string, number, number] => [label, 0, 0]);
    for (const round of rounds) {
      const row = weekIndex(round.occurrenceAt, now);
      if (row === undefined) continue;
      rows[row]![1] += round.groups;
      rows[row]![2] += round.met;
    }
    const groups = rounds.reduce((sum, round) => sum + round.groups, 0);
    const met = rounds.reduce((sum, round) => sum + round.met, 0);
    return {
      id: 'peer-exchange',
      title: 'Peer-exchange groups and how many met, per week',
      caption: `${rounds.length} ${rounds.length === 1 ? 'round' : 'rounds'}, ${groups} ${groups === 1 ? 'group' : 'groups'}; ${met} said they met.`,
      kind: 'bar',
      columns: ['Week from', 'Groups', 'Met'],
      rows,
    };
  },
};
