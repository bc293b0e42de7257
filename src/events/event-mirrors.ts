import { findCommunityById, homeChannels } from '../communities/communities.js';
import { channelRefOf } from '../storage/columns.js';
import { ensureMember } from '../communities/members.js';
import type { Platform } from '../kernel/identity.js';
import type { MirroredEvent } from '../kernel/ports.js';
import type { Db } from '../storage/database.js';
import type { WeaverEvent } from '../storage/rhythm-schema.js';
import type { Community } from '../storage/schema.js';
import type { InboundListener, Services } from '../storage/services.js';
import { calendarUrlOf, refreshEventPosts } from './event-posts.js';
import { findEvent, setRsvp } from './events.js';

/** What an RSVP made by a platform's "Interested" button is marked with, so that taking the interest back removes only it. */
export const interestedSource = 'interested';

/** The event as the platform's calendar shows it in one workspace: the place, or else the link to the event's post there. */
async function mirroredEvent(services: Services, event: WeaverEvent, community: Community, platform: Platform, workspaceId: string): Promise<MirroredEvent> {
  const post = await services.db
    .selectFrom('event_post')
    .innerJoin('outbox', 'outbox.id', 'event_post.outbox_id')
    .select('outbox.permalink')
    .where('event_post.event_id', '=', event.id)
    .where('outbox.platform', '=', platform)
    .where('outbox.workspace_id', '=', workspaceId)
    .where('outbox.permalink', 'is not', null)
    .executeTakeFirst();
  const calendar = calendarUrlOf(services.settings, event.id);
  const location = event.location ?? post?.permalink ?? calendar ?? community.name;
  const description = [`${community.name} · Weaver event #${event.id}. Answer with /cop event rsvp ${event.id}.`, calendar ? `Calendar: ${calendar}` : '']
    .filter(Boolean)
    .join('\n');
  return {
    title: clip(event.title, 100),
    description: clip(description, 1000),
    startsAt: event.starts_at,
    endsAt: event.ends_at,
    location: clip(location, 100),
    cancelled: event.status === 'cancelled',
  };
}

/**
 * Copies the event into the own calendar of every workspace or server where its community has a home channel and
 * the platform has one (Discord's Events tab): created the first time, edited or cancelled after. Call after the
 * event's posts are delivered, so that the copy can link to them. Failures are logged, never the caller's.
 */
export async function syncEventMirrors(services: Services, event: WeaverEvent, community: Community): Promise<void> {
  const { db, log } = services;
  const places = new Map<string, { platform: Platform; workspaceId: string }>();
  for (const home of await homeChannels(db, community.id)) {
    const ref = channelRefOf(home);
    places.set(`${ref.platform}:${ref.workspaceId}`, { platform: ref.platform, workspaceId: ref.workspaceId });
  }
  for (const { platform, workspaceId } of places.values()) {
    const port = services.platforms.get(platform);
    if (!port?.mirrorEvent) continue;
    const existing = await db
      .selectFrom('event_mirror')
      .selectAll()
      .where('event_id', '=', event.id)
      .where('platform', '=', platform)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!existing && event.status === 'cancelled') continue;
    try {
      const outcome = await port.mirrorEvent(workspaceId, await mirroredEvent(services, event, community, platform, workspaceId), existing?.mirror_id);
      // Without the permission the event is still posted as always; the adapter says once what is missing.
      if (!outcome.ok) continue;
      const now = services.clock.now();
      if (existing)
        await db
          .updateTable('event_mirror')
          .set({ mirror_id: outcome.mirrorId, updated_at: now })
          .where('event_id', '=', event.id)
          .where('platform', '=', platform)
          .where('workspace_id', '=', workspaceId)
          .execute();
      else
        await db
          .insertInto('event_mirror')
          .values({ event_id: event.id, platform, workspace_id: workspaceId, mirror_id: outcome.mirrorId, created_at: now, updated_at: now })
          .execute();
    } catch (error) {
      log.warn({ err: error, event: event.id, platform, workspaceId }, 'could not copy an event to the platform’s calendar');
    }
  }
}

async function findMirroredEvent(db: Db, platform: Platform, workspaceId: string, mirrorId: string): Promise<WeaverEvent | undefined> {
  const mirror = await db
    .selectFrom('event_mirror')
    .select('event_id')
    .where('platform', '=', platform)
    .where('workspace_id', '=', workspaceId)
    .where('mirror_id', '=', mirrorId)
    .executeTakeFirst();
  return mirror ? findEvent(db, mirror.event_id) : undefined;
}

/**
 * "Interested" on the platform's copy of an event is a `maybe` RSVP (with reminders, like any maybe); taking the
 * interest back removes that RSVP, but never an answer the member gave Weaver itself.
 */
export const followEventInterest: InboundListener = async (services, inbound) => {
  if (inbound.kind !== 'event-interest') return;
  const { db } = services;
  const event = await findMirroredEvent(db, inbound.user.platform, inbound.workspaceId, inbound.mirrorId);
  if (!event || event.status === 'cancelled' || event.ends_at <= inbound.at) return;
  const member = await ensureMember(db, inbound.user, inbound.userName, services.clock.now());
  const current = await db.selectFrom('rsvp').selectAll().where('event_id', '=', event.id).where('member_id', '=', member.id).executeTakeFirst();
  if (inbound.interested) {
    if (current && current.answer !== 'no') return;
    await setRsvp(db, event.id, member.id, 'maybe', services.clock.now(), interestedSource);
  } else {
    if (current?.source !== interestedSource) return;
    await db.deleteFrom('rsvp').where('event_id', '=', event.id).where('member_id', '=', member.id).execute();
  }
  const community = await findCommunityById(db, event.community_id);
  if (community) await refreshEventPosts(services, event, community);
};

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
