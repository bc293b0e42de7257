import {
  Events,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  PermissionFlagsBits,
  Routes,
  type APIGuildScheduledEvent,
  type Client,
  type Guild,
} from 'discord.js';
import type { Logger } from 'pino';
import type { MirroredEvent, MirrorOutcome } from '../../src/kernel/ports.js';
import { discordErrorCode, discordErrorCodes, toDeliveryError } from './errors.js';

/** The permission Discord asks for to put events in a server's Events tab, in its own words. */
export const createEventsPermission = 'Create Events';

const missingEventsNote =
  'Weaver lacks the Create Events permission in this server, so events are posted here but do not appear in the server’s Events tab; invite it again with the link from npm run invite-url, or give its role Create Events.';

/** Whether the bot may put events in the server's Events tab; for `link`'s answer. */
export function eventsTabNote(guild: Guild): string | undefined {
  const me = guild.members.me;
  if (!me) return undefined;
  return me.permissions.any([PermissionFlagsBits.CreateEvents, PermissionFlagsBits.ManageEvents]) ? undefined : missingEventsNote;
}

/** Creates, edits and cancels a Weaver event's copy in a server's Events tab (an external guild scheduled event). */
export function createEventMirror(client: Client, log: Logger) {
  const toldMissing = new Set<string>();

  function body(event: MirroredEvent) {
    return {
      name: event.title,
      description: event.description,
      privacy_level: GuildScheduledEventPrivacyLevel.GuildOnly,
      entity_type: GuildScheduledEventEntityType.External,
      entity_metadata: { location: event.location },
      scheduled_start_time: new Date(event.startsAt).toISOString(),
      scheduled_end_time: new Date(event.endsAt).toISOString(),
    };
  }

  return async function mirrorEvent(guildId: string, event: MirroredEvent, mirrorId?: string): Promise<MirrorOutcome> {
    try {
      if (!mirrorId) {
        const created = (await client.rest.post(Routes.guildScheduledEvents(guildId), { body: body(event) })) as APIGuildScheduledEvent;
        return { ok: true, mirrorId: created.id };
      }
      if (event.cancelled) {
        try {
          await client.rest.patch(Routes.guildScheduledEvent(guildId, mirrorId), { body: { status: GuildScheduledEventStatus.Canceled } });
        } catch (error) {
          // Discord cancels only an event that has not started; one already active (or gone) is deleted instead.
          if (discordErrorCode(error) === discordErrorCodes.missingPermissions) throw error;
          await client.rest.delete(Routes.guildScheduledEvent(guildId, mirrorId)).catch(() => undefined);
        }
        return { ok: true, mirrorId };
      }
      await client.rest.patch(Routes.guildScheduledEvent(guildId, mirrorId), { body: body(event) });
      return { ok: true, mirrorId };
    } catch (error) {
      const code = discordErrorCode(error);
      if (code === discordErrorCodes.missingPermissions || code === discordErrorCodes.missingAccess) {
        if (!toldMissing.has(guildId)) {
          toldMissing.add(guildId);
          log.warn({ guild: guildId }, `Weaver lacks ${createEventsPermission} in this Discord server: events are posted but not shown in its Events tab`);
        }
        return { ok: false, missing: createEventsPermission };
      }
      throw toDeliveryError(error, `showing an event in server ${guildId}’s Events tab`);
    }
  };
}

export type InterestHandler = (change: { guildId: string; scheduledEventId: string; userId: string; userName?: string; interested: boolean }) => void;

type InterestPacket = Readonly<{ t?: string | null; d?: { guild_id?: string; guild_scheduled_event_id?: string; user_id?: string } }>;

/**
 * "Interested" clicks on scheduled events (GuildScheduledEvents intent), the bot's own excepted. Read from the raw
 * gateway packet: it carries only ids, and discord.js drops it for events and people it has not cached.
 */
export function followInterest(client: Client, handle: InterestHandler): void {
  client.on(Events.Raw, (packet: InterestPacket) => {
    const interested = packet.t === 'GUILD_SCHEDULED_EVENT_USER_ADD' ? true : packet.t === 'GUILD_SCHEDULED_EVENT_USER_REMOVE' ? false : undefined;
    const data = packet.d;
    if (interested === undefined || !data?.guild_id || !data.guild_scheduled_event_id || !data.user_id || data.user_id === client.user?.id) return;
    const cached = client.users.cache.get(data.user_id);
    handle({
      guildId: data.guild_id,
      scheduledEventId: data.guild_scheduled_event_id,
      userId: data.user_id,
      userName: cached ? (cached.globalName ?? cached.username) : undefined,
      interested,
    });
  });
}
