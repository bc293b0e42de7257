import type { ChannelRef } from '../kernel/identity.js';
import { channelMention, code, joinRich, rich, type RichText } from '../kernel/reply.js';
import type { OutboxRow } from '../storage/rhythm-schema.js';
import type { Community } from '../storage/schema.js';

/** What became of the channel posts a command just made: where they went, what follows, what failed. */
export function describeChannelDelivery(rows: readonly OutboxRow[]): RichText {
  const channels = rows.filter((row) => row.channel_id !== null);
  const where = (row: OutboxRow) => [channelMention(channelOf(row))];
  const sent = channels.filter((row) => row.status === 'sent');
  const pending = channels.filter((row) => row.status === 'pending');
  const failed = channels.filter((row) => row.status === 'failed');
  const parts: RichText[] = [];
  if (sent.length) parts.push(rich`posted in ${joinRich(sent.map(where), ', ')}`);
  if (pending.length) parts.push(rich`${joinRich(pending.map(where), ', ')} will follow shortly`);
  for (const row of failed) parts.push(rich`could not post in ${channelMention(channelOf(row))} (${row.last_error ?? 'unknown error'})`);
  return joinRich(parts, '; ');
}

function channelOf(row: OutboxRow): ChannelRef {
  return { platform: row.platform, workspaceId: row.workspace_id, channelId: row.channel_id ?? '' };
}

export function noHomeChannelHint(community: Community, what: 'prompts' | 'events'): RichText {
  return rich`${community.slug} has no home channel yet: link one with ${code(`/cop link ${community.slug}`)} so ${what} are posted.`;
}
