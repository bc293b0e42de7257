import { listCommunities } from '../communities/communities.js';
import { findMember } from '../communities/members.js';
import { communitiesOf } from '../communities/membership.js';
import { listUpcomingEvents } from '../events/events.js';
import type { UserRef } from '../kernel/identity.js';
import type { Button, RichText } from '../kernel/reply.js';
import type { RsvpAnswer } from '../storage/rhythm-schema.js';
import type { Services } from '../storage/services.js';

export type HomeCommunity = Readonly<{ slug: string; name: string; tier?: 'core' | 'wider' }>;
export type HomeEvent = Readonly<{ id: number; title: string; startsAt: number; zone: string; communitySlug: string; answer?: RsvpAnswer }>;
/** A part of Weaver that adds its own block to a member's home (the sign-in link to the web pages, pairing, goals). */
export type HomeExtra = Readonly<{ title: string; body: RichText; buttons: readonly Button[] }>;
export type HomeProvider = (services: Services, user: UserRef) => Promise<HomeExtra | undefined>;

/** What a platform's home for one member shows (Slack's App Home): their communities first, then the others. */
export type HomeSummary = Readonly<{ communities: readonly HomeCommunity[]; events: readonly HomeEvent[]; extras: readonly HomeExtra[] }>;

/** Other parts of Weaver add their blocks here, each once, in order: the sign-in link, pairing, open goals. */
export const homeProviders: HomeProvider[] = [];

/** A member's home: their communities with tier, the others they may join, the upcoming events of their communities with their answer. */
export async function summarizeHome(services: Services, user: UserRef): Promise<HomeSummary> {
  const { db } = services;
  const member = await findMember(db, user);
  const mine = member ? await communitiesOf(db, member.id) : [];
  const tiers = new Map(mine.map((row) => [row.slug, row.tier]));
  const all = (await listCommunities(db)).filter((c) => c.status !== 'closed' || tiers.has(c.slug));
  const communities = [
    ...all.filter((c) => tiers.has(c.slug)).map((c) => ({ slug: c.slug, name: c.name, tier: tiers.get(c.slug) })),
    ...all.filter((c) => !tiers.has(c.slug)).map((c) => ({ slug: c.slug, name: c.name })),
  ];
  const upcoming = (await listUpcomingEvents(db, services.clock.now(), undefined, 50)).filter((event) => tiers.has(event.community_slug)).slice(0, 10);
  const answers = member
    ? new Map(
        (
          await db
            .selectFrom('rsvp')
            .select(['event_id', 'answer'])
            .where('member_id', '=', member.id)
            .where('event_id', 'in', upcoming.map((e) => e.id).concat(-1))
            .execute()
        ).map((row) => [row.event_id, row.answer]),
      )
    : new Map<number, RsvpAnswer>();
  const events = upcoming.map((event) => ({
    id: event.id,
    title: event.title,
    startsAt: event.starts_at,
    zone: event.timezone,
    communitySlug: event.community_slug,
    answer: answers.get(event.id),
  }));
  const extras: HomeExtra[] = [];
  for (const provider of homeProviders) {
    const extra = await provider(services, user);
    if (extra) extras.push(extra);
  }
  return { communities, events, extras };
}
