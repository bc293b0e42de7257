import { zoneOfCommunity } from '../communities/communities.js';
import type { Community } from '../storage/schema.js';
import type { Services } from '../storage/services.js';
import {
  joinsAndLeaves,
  membersByTier,
  practicesPerWeek,
  promptResponses,
  questionsPerWeek,
  rsvpsPerEvent,
  type ChartProvider,
  type PageScope,
} from './chart-data.js';
import type { Html } from './html.js';

// The one place where features add to the web pages. Goals, networks and peer exchange each add a line here
// (a chart, a section, a directory or members column); a list left empty shows nothing.

/** The charts of a community page, in order. Peer exchange adds its rounds chart here. */
export const chartProviders: readonly ChartProvider[] = [membersByTier, joinsAndLeaves, practicesPerWeek, questionsPerWeek, promptResponses, rsvpsPerEvent];

/** A block of the community page above the charts (goals with progress); undefined when it has nothing to show. */
export type PageSection = (services: Services, scope: PageScope, now: number) => Promise<{ title: string; body: Html } | undefined>;
export const communitySections: readonly PageSection[] = [];

/** A fact of each directory entry (open goals); a community without a value shows none. */
export type DirectoryColumn = Readonly<{
  label: string;
  values(services: Services, communities: readonly Community[], now: number): Promise<ReadonlyMap<number, string>>;
}>;
export const directoryColumns: readonly DirectoryColumn[] = [];

/** A column of the members page and its CSV (pairing); keyed by member id. */
export type MemberColumn = Readonly<{
  label: string;
  values(services: Services, scope: PageScope, memberIds: readonly number[], now: number): Promise<ReadonlyMap<number, string>>;
}>;
export const memberColumns: readonly MemberColumn[] = [];

/** What a page covers. Networks widen a network's scope to its communities here. */
export async function scopeOf(services: Services, community: Community): Promise<PageScope> {
  return { community, communityIds: [community.id], zone: zoneOfCommunity(community, services.settings) };
}
