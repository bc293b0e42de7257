import type { webApi } from '@slack/bolt';
import type { Clock } from '../../src/kernel/clock.js';
import type { Invocation } from '../../src/commands/define.js';
import type { Logger } from '../../src/kernel/logger.js';
import { slackErrorCode } from './slack-errors.js';

const adminCacheMs = 5 * 60_000;

export type SlackActor = Readonly<{ teamId: string; userId: string; userName?: string; channelId?: string; channelName?: string }>;

/**
 * What users.info says of a Slack user, remembered for a few minutes so that a burst of commands or messages costs one
 * call: whether they are a workspace admin or owner, and their name. A failed lookup is not remembered.
 */
export function createUserLookup(client: webApi.WebClient, clock: Clock, log: Logger) {
  return createUserLookupIn(() => Promise.resolve(client), clock, log);
}

/** The same, asking each workspace about its own people with its own token: admins are admins of their workspace. */
export function createUserLookupIn(clientFor: (teamId: string) => Promise<webApi.WebClient>, clock: Clock, log: Logger) {
  const known = new Map<string, { isAdmin: boolean; name?: string; until: number }>();
  async function lookUp(teamId: string, userId: string) {
    const key = `${teamId}:${userId}`;
    const cached = known.get(key);
    if (cached && cached.until > clock.now()) return cached;
    try {
      const client = await clientFor(teamId);
      const found = await client.users.info({ user: userId });
      const isAdmin = Boolean(found.user?.is_admin || found.user?.is_owner || found.user?.is_primary_owner);
      // The same name a slash command's user_name gives, so a member's name does not flip between commands and messages.
      const entry = { isAdmin, name: found.user?.name || undefined, until: clock.now() + adminCacheMs };
      known.set(key, entry);
      return entry;
    } catch (error) {
      log.warn({ user: userId, slackError: slackErrorCode(error), err: error }, 'users.info failed; treating the user as not a workspace admin, name unknown');
      return undefined;
    }
  }
  return {
    /** A failed lookup counts as "not an admin". */
    isWorkspaceAdmin: async (teamId: string, userId: string): Promise<boolean> => (await lookUp(teamId, userId))?.isAdmin ?? false,
    nameOf: async (teamId: string, userId: string): Promise<string | undefined> => (await lookUp(teamId, userId))?.name,
  };
}

/** Whether a Slack user is a workspace admin or owner (see createUserLookup). */
export function createAdminLookup(client: webApi.WebClient, clock: Clock, log: Logger) {
  return createUserLookup(client, clock, log).isWorkspaceAdmin;
}

export type AdminLookup = ReturnType<typeof createAdminLookup>;
export type NameLookup = ReturnType<typeof createUserLookup>['nameOf'];

/** Who acts and where, as the core sees it. A direct message has no channel: there is nothing to link or post to. */
export function buildInvocation(actor: SlackActor, isPlatformAdmin: boolean): Invocation {
  const { channelId } = actor;
  const inDirectMessage = !channelId || channelId.startsWith('D') || actor.channelName === 'directmessage';
  return {
    caller: { user: { platform: 'slack', workspaceId: actor.teamId, userId: actor.userId }, name: actor.userName, isPlatformAdmin },
    channel: inDirectMessage ? undefined : { platform: 'slack', workspaceId: actor.teamId, channelId, name: actor.channelName },
  };
}
