// The soak's account: what the seeded week must post, and what reached the fake platforms, post by post. A post is
// named by its outbox key, which reaches the platforms with it (Slack's message metadata, Discord's nonce); the
// introductions of peer-exchange groups are counted by their conversation (a Slack group DM, a Discord private thread),
// so that a second conversation opened for the same group counts as a duplicate too.
import SQLite from 'better-sqlite3';
import { nonceOf } from '../../../adapters/discord/discord-port.js';
import { channelKey } from '../../../src/rhythms/prompts.js';
import type { FakeDiscord } from '../../fakes/discord-api.js';
import { ids } from '../../fakes/discord-world.js';
import { fakeTeam, type FakeSlack } from '../../fakes/slack-api.js';
import type { SeededCommunity } from './seed.js';

export type Expected = Readonly<{ label: string; key: RegExp }> | Readonly<{ label: string; group: { platform: 'slack' | 'discord'; community: number } }>;

export type Account = Readonly<{
  expected: number;
  delivered: number;
  duplicated: number;
  lost: number;
  /** Posts with an outbox key nobody expected (none should reach a platform). */
  unexpected: number;
  /** Outbox rows still pending, and rows given up (failed), with their reasons. */
  stuck: number;
  failed: Record<string, number>;
  /** Labels of what was lost or duplicated, for the report. */
  lostLabels: string[];
  duplicatedLabels: string[];
}>;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Everything the compressed week must post once: prompts, reminders (channel and DM), digests, round summaries, introductions. */
export function expectedPosts(communities: readonly SeededCommunity[]): Expected[] {
  const posts: Expected[] = [];
  for (const c of communities) {
    const homes = [
      channelKey({ platform: 'slack', workspaceId: fakeTeam.id, channelId: c.slackChannel }),
      channelKey({ platform: 'discord', workspaceId: ids.guild, channelId: c.discordChannel }),
    ];
    for (const home of homes) {
      posts.push({ label: `prompt ${c.slug} ${home}`, key: new RegExp(`^prompt:${c.rhythmId}:\\d+:${escape(home)}$`) });
      posts.push({ label: `digest ${c.slug} ${home}`, key: new RegExp(`^digest:${escape(home)}:\\d+$`) });
      posts.push({ label: `round summary ${c.slug} ${home}`, key: new RegExp(`^pair-summary:\\d+:${escape(home)}$`) });
      for (const lead of c.leads)
        posts.push({ label: `reminder ${lead}m ${c.slug} ${home}`, key: new RegExp(`^reminder:${c.eventId}:${lead}:${escape(home)}$`) });
    }
    for (const lead of c.leads) {
      for (const user of c.attendees) {
        posts.push({
          label: `reminder DM ${lead}m ${c.slug} ${user.platform}:${user.userId}`,
          key: new RegExp(`^reminder-dm:${c.eventId}:${lead}:${user.platform}:${escape(user.workspaceId)}:${user.userId}$`),
        });
      }
    }
    // Four people opted in on each platform, in groups of two: two introductions on each.
    for (const platform of ['slack', 'discord'] as const) {
      for (let g = 0; g < 2; g++) posts.push({ label: `introduction ${g + 1} ${c.slug} ${platform}`, group: { platform, community: c.id } });
    }
  }
  return posts;
}

type Delivered = { byKey: Map<string, number>; groups: Map<string, number[]> };

/** Counts every post in the fakes: by outbox key, and introductions by community and conversation. */
export function deliveredPosts(slack: FakeSlack, discord: FakeDiscord, outboxKeys: readonly string[], communities: readonly SeededCommunity[]): Delivered {
  const byKey = new Map<string, number>();
  const groups = new Map<string, number[]>();
  const add = (key: string) => byKey.set(key, (byKey.get(key) ?? 0) + 1);
  const communityOfSlackUser = new Map(communities.flatMap((c) => c.slackPeople.map((user) => [user, c.id] as const)));
  for (const [channel, messages] of slack.history) {
    const members = slack.groupDms.get(channel);
    const perConversation: number[] = [];
    for (const message of messages) {
      const key = message.metadata?.event_payload.key;
      if (members) perConversation.push(1);
      else if (typeof key === 'string') add(key);
    }
    const community = members?.map((user) => communityOfSlackUser.get(user)).find((id) => id !== undefined);
    if (members && community !== undefined) groups.set(`slack:${community}`, [...(groups.get(`slack:${community}`) ?? []), perConversation.length]);
  }
  const keyOfNonce = new Map(outboxKeys.map((key) => [nonceOf(key, 0), key]));
  const communityOfDiscordChannel = new Map(communities.map((c) => [c.discordChannel, c.id]));
  for (const channel of discord.channels.values()) {
    // A private thread in a home channel is one group's conversation; a thread left empty by a failed attempt is none.
    const community = channel.type === 12 ? communityOfDiscordChannel.get(String(channel.parent_id)) : undefined;
    if (community !== undefined) {
      const posts = channel.messages.filter((message) => message.nonce === undefined || keyOfNonce.get(String(message.nonce))?.startsWith('pair-intro:'));
      if (posts.length > 0) groups.set(`discord:${community}`, [...(groups.get(`discord:${community}`) ?? []), posts.length]);
      continue;
    }
    for (const message of channel.messages) {
      const key = typeof message.nonce === 'string' ? keyOfNonce.get(message.nonce) : undefined;
      if (key !== undefined) add(key);
    }
  }
  return { byKey, groups };
}

/** Expected against delivered, and what the outbox says of its rows. */
export function settleAccount(path: string, expected: readonly Expected[], delivered: Delivered, fromOutboxId: number): Account {
  const sqlite = new SQLite(path, { readonly: true, fileMustExist: true });
  const rows = sqlite.prepare('select key, status, last_error from outbox where id > ?').all(fromOutboxId) as {
    key: string;
    status: string;
    last_error: string | null;
  }[];
  sqlite.close();
  let deliveredCount = 0;
  let duplicated = 0;
  const lostLabels: string[] = [];
  const duplicatedLabels: string[] = [];
  const matched = new Set<string>();
  const groupsSeen = new Map<string, number>();
  for (const post of expected) {
    let count: number;
    if ('key' in post) {
      const keys = rows.map((row) => row.key).filter((key) => post.key.test(key));
      for (const key of keys) matched.add(key);
      count = keys.reduce((sum, key) => sum + (delivered.byKey.get(key) ?? 0), 0);
    } else {
      // The n-th introduction of a community on a platform is its n-th conversation with a post in it.
      const name = `${post.group.platform}:${post.group.community}`;
      const index = groupsSeen.get(name) ?? 0;
      groupsSeen.set(name, index + 1);
      count = delivered.groups.get(name)?.[index] ?? 0;
    }
    if (count === 0) lostLabels.push(post.label);
    else deliveredCount++;
    if (count > 1) {
      duplicated += count - 1;
      duplicatedLabels.push(`${post.label} (${count}×)`);
    }
  }
  // Introductions beyond the expected groups are duplicates too (a second conversation for the same group).
  for (const [name, counts] of delivered.groups) {
    const extra = counts.slice(groupsSeen.get(name) ?? 0).reduce((sum, n) => sum + n, 0);
    if (extra > 0) {
      duplicated += extra;
      duplicatedLabels.push(`introduction ${name}: ${extra} more conversation(s)`);
    }
  }
  const failed: Record<string, number> = {};
  for (const row of rows.filter((r) => r.status === 'failed')) {
    const reason = (row.last_error ?? 'unknown').replace(/\d+/g, 'N').slice(0, 120);
    failed[reason] = (failed[reason] ?? 0) + 1;
  }
  return {
    expected: expected.length,
    delivered: deliveredCount,
    duplicated,
    lost: lostLabels.length,
    unexpected: [...delivered.byKey.keys()].filter((key) => !matched.has(key)).length,
    stuck: rows.filter((row) => row.status === 'pending').length,
    failed,
    lostLabels,
    duplicatedLabels,
  };
}
