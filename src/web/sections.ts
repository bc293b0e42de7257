import { zoneOfCommunity } from '../communities/communities.js';
import { goalLine, viewGoals } from '../goals/goal-report.js';
import { scopeOf as communitiesCovered } from '../networks/networks.js';
import { describePairingOf } from '../pairing/report.js';
import type { Community } from '../storage/schema.js';
import type { Services } from '../storage/services.js';
import {
  joinsAndLeaves,
  membersByTier,
  peerExchangeRounds,
  practicesPerWeek,
  promptResponses,
  questionsPerWeek,
  rsvpsPerEvent,
  type ChartProvider,
  type PageScope,
} from './chart-data.js';
import { html, type Html } from './html.js';

// The one place where features add to the web pages. Goals, networks and peer exchange each add a line here
// (a chart, a section, a directory or members column); a list left empty shows nothing.

/** The charts of a community page, in order. Peer exchange adds its rounds chart here. */
export const chartProviders: readonly ChartProvider[] = [
  membersByTier,
  joinsAndLeaves,
  practicesPerWeek,
  questionsPerWeek,
  promptResponses,
  rsvpsPerEvent,
  peerExchangeRounds,
];

/** A block of the community page above the charts (goals with progress); undefined when it has nothing to show. */
export type PageSection = (services: Services, scope: PageScope, now: number) => Promise<{ title: string; body: Html } | undefined>;
const goalsSection: PageSection = async ({ db }, scope, now) => {
  const goals = await viewGoals(db, scope.community.id, now, { openOnly: true });
  if (goals.length === 0) return undefined;
  return {
    title: 'Goals',
    body: html`<ul>
      ${goals.map((goal) => html`<li>${goalLine(goal)}</li>`)}
    </ul>`,
  };
};
export const communitySections: readonly PageSection[] = [goalsSection];

/** A fact of each directory entry (open goals); a community without a value shows none. */
export type DirectoryColumn = Readonly<{
  label: string;
  values(services: Services, communities: readonly Community[], now: number): Promise<ReadonlyMap<number, string>>;
}>;
const openGoals: DirectoryColumn = {
  label: 'Open goals',
  async values({ db }, communities, now) {
    const values = new Map<number, string>();
    for (const community of communities) {
      const goals = await viewGoals(db, community.id, now, { openOnly: true });
      if (goals.length > 0) values.set(community.id, goals.map(goalLine).join('; '));
    }
    return values;
  },
};
export const directoryColumns: readonly DirectoryColumn[] = [openGoals];

/** A column of the members page and its CSV (pairing); keyed by member id. */
export type MemberColumn = Readonly<{
  label: string;
  values(services: Services, scope: PageScope, memberIds: readonly number[], now: number): Promise<ReadonlyMap<number, string>>;
}>;
const pairing: MemberColumn = {
  label: 'Peer exchange',
  async values({ db }, scope, memberIds) {
    const values = new Map<number, string>();
    for (const id of memberIds) values.set(id, await describePairingOf(db, scope.community.id, id));
    return values;
  },
};
export const memberColumns: readonly MemberColumn[] = [pairing];

/** What a page covers. Networks widen a network's scope to its communities here. */
export async function scopeOf(services: Services, community: Community): Promise<PageScope> {
  return { community, communityIds: await communitiesCovered(services.db, community), zone: zoneOfCommunity(community, services.settings) };
}
