import type { ChannelRef } from '../../src/kernel/identity.js';
import type { Db } from '../../src/storage/database.js';

/**
 * Slack Connect: one channel shared between organisations has the same id in each, and events or commands from it
 * may come through either organisation's installation. Weaver knows a home channel under the workspace where it was
 * linked, so a shared channel is named by that workspace whichever side speaks; people keep their own team.
 */
export async function asKnownChannel<C extends ChannelRef>(db: Db, channel: C): Promise<C> {
  const home = await db
    .selectFrom('home_channel')
    .select('workspace_id')
    .where('platform', '=', 'slack')
    .where('channel_id', '=', channel.channelId)
    .orderBy('linked_at')
    .executeTakeFirst();
  return home && home.workspace_id !== channel.workspaceId ? { ...channel, workspaceId: home.workspace_id } : channel;
}
