import type { webApi } from '@slack/bolt';
import type { Clock } from '../../src/clock.js';
import type { Invocation } from '../../src/commands/define.js';
import type { Logger } from '../../src/logger.js';
import { slackErrorCode } from './slack-errors.js';

const adminCacheMs = 5 * 60_000;

export type SlackActor = Readonly<{ teamId: string; userId: string; userName?: string; channelId?: string; channelName?: string }>;

/**
 * Whether a Slack user is a workspace admin or owner, from users.info, remembered for a few minutes so that a burst
 * of commands costs one call. A failed lookup counts as "not an admin" and is not remembered.
 */
export function createAdminLookup(client: webApi.WebClient, clock: Clock, log: Logger) {
  const known = new Map<string, { isAdmin: boolean; until: number }>();
  return async function isWorkspaceAdmin(teamId: string, userId: string): Promise<boolean> {
    const key = `${teamId}:${userId}`;
    const cached = known.get(key);
    if (cached && cached.until > clock.now()) return cached.isAdmin;
    try {
      const found = await client.users.info({ user: userId });
      const isAdmin = Boolean(found.user?.is_admin || found.user?.is_owner || found.user?.is_primary_owner);
      known.set(key, { isAdmin, until: clock.now() + adminCacheMs });
      return isAdmin;
    } catch (error) {
      log.warn({ user: userId, slackError: slackErrorCode(error), err: error }, 'users.info failed; treating the caller as not a workspace admin');
      return false;
    }
  };
}

export type AdminLookup = ReturnType<typeof createAdminLookup>;

/** Who acts and where, as the core sees it. A direct message has no channel: there is nothing to link or post to. */
export function buildInvocation(actor: SlackActor, isPlatformAdmin: boolean): Invocation {
  const { channelId } = actor;
  const inDirectMessage = !channelId || channelId.startsWith('D') || actor.channelName === 'directmessage';
  return {
    caller: { user: { platform: 'slack', workspaceId: actor.teamId, userId: actor.userId }, name: actor.userName, isPlatformAdmin },
    channel: inDirectMessage ? undefined : { platform: 'slack', workspaceId: actor.teamId, channelId, name: actor.channelName },
  };
}
