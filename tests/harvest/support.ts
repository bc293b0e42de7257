import { commands } from '../../src/commands/index.js';
import type { Invocation } from '../../src/commands/define.js';
import { executeText } from '../../src/commands/run.js';
import { createCommunity, linkHomeChannel, setCoordinator } from '../../src/communities/communities.js';
import type { ChannelRef, Platform, UserRef } from '../../src/kernel/identity.js';
import { handleInbound, type InboundEvent } from '../../src/kernel/inbound.js';
import { inboundListeners } from '../../src/app/registry.js';
import { ensureMember } from '../../src/communities/members.js';
import type { PlatformPort, PostedMessage } from '../../src/kernel/ports.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import type { Community, Member } from '../../src/storage/schema.js';
import { createTestWorld } from '../support/harness.js';

export type Posted = { kind: 'post' | 'dm'; to: string; threadId?: string; text: string; messageId: string };

/** A platform port that records what the bot posts, with ids shaped like the platform's own. */
export function createRecordingPort(platform: Platform): PlatformPort & { posts: Posted[] } {
  const posts: Posted[] = [];
  let sequence = 0;
  const nextId = () => (platform === 'slack' ? `1732400000.${String(++sequence).padStart(6, '0')}` : `13100000000000000${String(++sequence).padStart(2, '0')}`);
  const receipt = (channelId: string, messageId: string): PostedMessage => ({
    messageId,
    permalink:
      platform === 'slack'
        ? `https://acme.slack.com/archives/${channelId}/p${messageId.replace('.', '')}`
        : `https://discord.com/channels/g/${channelId}/${messageId}`,
  });
  return {
    platform,
    posts,
    async postMessage(channel: ChannelRef, message: Reply, options?: { threadId?: string }) {
      const messageId = nextId();
      posts.push({ kind: 'post', to: channel.channelId, threadId: options?.threadId, text: renderPlainText(message), messageId });
      return receipt(channel.channelId, messageId);
    },
    async updateMessage() {},
    async sendDirectMessage(user: UserRef, message: Reply) {
      const messageId = nextId();
      posts.push({ kind: 'dm', to: user.userId, text: renderPlainText(message), messageId });
      return receipt(user.userId, messageId);
    },
    async prepareHomeChannel() {
      return { ok: true };
    },
  };
}

// Slack: team T…, channel C…, users U…, messages by ts. Discord: guild, channel, users and messages by snowflake.
export const slackTeam = 'T0123ABCD';
export const slackHome: ChannelRef = { platform: 'slack', workspaceId: slackTeam, channelId: 'C0456EFGH' };
export const slackUser = (id: string): UserRef => ({ platform: 'slack', workspaceId: slackTeam, userId: id });
export const discordGuild = '1098765432109876543';
export const discordHome: ChannelRef = { platform: 'discord', workspaceId: discordGuild, channelId: '1123456789012345678' };
export const discordUser = (id: string): UserRef => ({ platform: 'discord', workspaceId: discordGuild, userId: id });

export function slackPermalink(ts: string): string {
  return `https://acme.slack.com/archives/${slackHome.channelId}/p${ts.replace('.', '')}`;
}

/** A world with a Slack and a Discord port, and a community whose home channels are on both. */
export async function createHarvestWorld(options: { harvestReminderDelayMs?: number; now?: string } = {}) {
  const slack = createRecordingPort('slack');
  const discord = createRecordingPort('discord');
  const world = await createTestWorld({ ports: [slack, discord], ...options });
  const now = world.clock.now();
  const community = (await createCommunity(world.db, { slug: 'outreach', name: 'STEM Outreach', domain: 'Reaching new audiences' }, now))!;
  await linkHomeChannel(world.db, community, { ...slackHome, name: 'outreach' }, now);
  await linkHomeChannel(world.db, community, { ...discordHome, name: 'outreach' }, now);

  const send = (event: InboundEvent) => handleInbound(world.services, inboundListeners, event);
  async function member(user: UserRef, name: string): Promise<Member> {
    return ensureMember(world.db, user, name, world.clock.now());
  }
  async function makeCoordinator(c: Community, user: UserRef, name: string): Promise<void> {
    await setCoordinator(world.db, c.id, (await member(user, name)).id, 'add', world.clock.now());
  }
  /** Types a command as a platform user, in the Slack home channel unless told otherwise. */
  async function runAs(user: UserRef, line: string, channel: ChannelRef = slackHome) {
    const invocation: Invocation = { caller: { user, name: user.userId, isPlatformAdmin: false }, channel };
    const reply = await executeText(world.services, commands, invocation, line);
    return { ...reply, text: renderPlainText(reply) };
  }
  return { ...world, slack, discord, community, send, member, makeCoordinator, runAs };
}

export type HarvestWorld = Awaited<ReturnType<typeof createHarvestWorld>>;

export function slackMessage(ts: string, user: string, text: string, options: { threadTs?: string; at?: number } = {}): InboundEvent {
  return {
    kind: 'message',
    message: {
      channel: slackHome,
      messageId: ts,
      threadId: options.threadTs,
      author: slackUser(user),
      authorName: user.toLowerCase(),
      text,
      at: options.at ?? Math.round(Number(ts) * 1000),
      permalink: slackPermalink(ts),
    },
  };
}

export function slackReaction(ts: string, user: string, at: number, emoji = 'white_check_mark'): InboundEvent {
  return { kind: 'reaction', channel: slackHome, messageId: ts, user: slackUser(user), emoji, at };
}

export function discordMessage(id: string, user: string, text: string, at: number, threadId?: string): InboundEvent {
  return {
    kind: 'message',
    message: {
      channel: discordHome,
      messageId: id,
      threadId,
      author: discordUser(user),
      authorName: `user${user.slice(-3)}`,
      text,
      at,
      permalink: `https://discord.com/channels/${discordGuild}/${threadId ?? discordHome.channelId}/${id}`,
    },
  };
}
