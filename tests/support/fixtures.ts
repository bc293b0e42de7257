import { createCommunity, linkHomeChannel } from '../../src/communities/communities.js';
import type { ChannelRef, UserRef } from '../../src/kernel/identity.js';
import type { InboundEvent } from '../../src/kernel/inbound.js';
import { createTestWorld } from './harness.js';
import { createRecordingPort } from './recording-port.js';

// Seeded starting points on the one test world (harness.ts) and the one recording port (recording-port.ts).

/** `outreach` (coordinator ann, home channel #outreach-home) on the console, recorded by `fake`. */
export async function createRhythmWorld(options: { now?: string; graceMinutes?: number } = {}) {
  const fake = createRecordingPort('console');
  const world = await createTestWorld({
    ports: [fake.port],
    now: options.now,
    settings: { publicUrl: 'https://weaver.example', downtimeGraceMs: options.graceMinutes === undefined ? undefined : options.graceMinutes * 60_000 },
  });
  await world.run('admin', 'create outreach "STEM Outreach"');
  await world.run('admin', 'coordinator outreach ann');
  await world.run('ann', 'link outreach', 'outreach-home');
  return { ...world, fake };
}

export type RhythmWorld = Awaited<ReturnType<typeof createRhythmWorld>>;

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

/** `outreach` with home channels on a Slack workspace and a Discord server, each recorded by its own port. */
export async function createHarvestWorld(options: { harvestReminderDelayMs?: number; now?: string } = {}) {
  const slack = createRecordingPort('slack');
  const discord = createRecordingPort('discord');
  const world = await createTestWorld({ ports: [slack.port, discord.port], ...options });
  const now = world.clock.now();
  const community = (await createCommunity(world.db, { slug: 'outreach', name: 'STEM Outreach', domain: 'Reaching new audiences' }, now))!;
  await linkHomeChannel(world.db, community, { ...slackHome, name: 'outreach' }, now);
  await linkHomeChannel(world.db, community, { ...discordHome, name: 'outreach' }, now);
  /** Types a command as a platform user, in the Slack home channel unless told otherwise. */
  const runAs = (user: UserRef, line: string, channel: ChannelRef = slackHome) => world.runAs(user, line, channel);
  return { ...world, slack, discord, community, runAs };
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
