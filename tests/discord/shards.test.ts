import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver, type RunningWeaver } from '../../src/app/start.js';
import { listCommunities } from '../../src/communities/communities.js';
import { manualClock } from '../../src/kernel/clock.js';
import { FakeDiscord } from '../fakes/discord-api.js';
import { shardOfGuild } from '../fakes/discord-gateway.js';
import { slashCommand } from '../fakes/discord-payloads.js';
import { createGuildPayload, ids, people } from '../fakes/discord-world.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';

const discordEnv = { DISCORD_TOKEN: 'token', DISCORD_APPLICATION_ID: ids.application };

function shardsOf(env: Record<string, string>) {
  const loaded = loadConfig({ ...discordEnv, ...env });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  return loaded.config.discord?.shards;
}

function errorsOf(env: Record<string, string>): string[] {
  const loaded = loadConfig({ ...discordEnv, ...env });
  return loaded.ok ? [] : loaded.errors;
}

describe('DISCORD_SHARDS and DISCORD_SHARD_IDS', () => {
  it('default to auto: as many shards as Discord recommends, all of them in this process', () => {
    expect(shardsOf({})).toEqual({ count: 'auto' });
    expect(shardsOf({ DISCORD_SHARDS: 'Auto' })).toEqual({ count: 'auto' });
  });

  it('read a count, and the ids this process runs as a list, ranges or both', () => {
    expect(shardsOf({ DISCORD_SHARDS: '4' })).toEqual({ count: 4, ids: undefined });
    expect(shardsOf({ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '0,2' })).toEqual({ count: 4, ids: [0, 2] });
    expect(shardsOf({ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '0-3' })).toEqual({ count: 4, ids: [0, 1, 2, 3] });
    expect(shardsOf({ DISCORD_SHARDS: '8', DISCORD_SHARD_IDS: ' 5, 0 - 1, 1 ' })).toEqual({ count: 8, ids: [0, 1, 5] });
  });

  it('stop the start with one sentence for a count that is not auto or a whole number of 1 or more', () => {
    for (const value of ['0', '-1', 'two', '2.5', '100001']) {
      expect(errorsOf({ DISCORD_SHARDS: value })).toEqual(['DISCORD_SHARDS must be auto or a whole number from 1 to 100000']);
    }
  });

  it('stop the start with one sentence for ids that are not a list or ranges', () => {
    for (const value of ['a', '3-1', '1-', '0;1', '-1', '0,,1']) {
      expect(errorsOf({ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: value })).toEqual([
        'DISCORD_SHARD_IDS must be shard ids counted from 0, listed or as ranges, such as 0,2 or 0-3',
      ]);
    }
  });

  it('refuse ids without a fixed count, and ids beyond the count', () => {
    expect(errorsOf({ DISCORD_SHARD_IDS: '0' })).toEqual([
      'DISCORD_SHARD_IDS needs DISCORD_SHARDS set to a number, the same in every process, not auto: Discord’s recommendation can change between starts',
    ]);
    expect(errorsOf({ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '2-4' })).toEqual([
      'DISCORD_SHARD_IDS names shard 4, but with DISCORD_SHARDS=4 the shards are 0 to 3',
    ]);
    expect(errorsOf({ DISCORD_SHARDS: '1', DISCORD_SHARD_IDS: '1' })).toEqual([
      'DISCORD_SHARD_IDS names shard 1, but with DISCORD_SHARDS=1 the shards are 0 only',
    ]);
  });
});

// The fake's server (ids.guild) is on shard 1 of 2; a second server, one step further in the id's high bits, is on shard 0.
const second = {
  guild: String(BigInt(ids.guild) + (1n << 22n)),
  botRole: '1180000000000000901',
  channel: '1180000000000000902',
};

function secondGuildPayload() {
  const base = createGuildPayload();
  return {
    ...base,
    id: second.guild,
    name: 'Second Makers',
    roles: base.roles.map((role) => ({ ...role, id: role.id === ids.guild ? second.guild : second.botRole })),
    members: base.members.map((member) => ({ ...member, roles: [second.botRole] })),
    channels: [{ ...base.channels[0]!, id: second.channel, guild_id: second.guild, name: 'makers' }],
  };
}

/** `/cop create <slug> <name>` by the server owner, in the second server when `inSecond`. */
function createCommand(slug: string, inSecond: boolean) {
  const interaction = slashCommand(people.owner, ['create'], { slug, name: slug }, inSecond ? { channelId: second.channel, channelName: 'makers' } : {});
  if (!inSecond) return interaction;
  return {
    ...interaction,
    guild_id: second.guild,
    guild: { ...interaction.guild, id: second.guild },
    channel: { ...interaction.channel, guild_id: second.guild },
    authorizing_integration_owners: { '0': second.guild },
  };
}

const fakes: FakeDiscord[] = [];
const weavers: RunningWeaver[] = [];

afterEach(async () => {
  for (const weaver of weavers.splice(0)) await weaver.stop();
  for (const fake of fakes.splice(0)) await fake.close();
});

/** A fake Discord recommending `recommended` shards, with the second server added; up to 16 shards may identify at once. */
async function fakeDiscord(recommended = 1): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start();
  fakes.push(fake);
  fake.gateway.recommendedShards = recommended;
  fake.gateway.maxConcurrency = 16;
  fake.gateway.addGuild(secondGuildPayload());
  return fake;
}

/** A Weaver process as `npm start` starts it, on its own database, connected to `fake`. */
async function startProcess(fake: FakeDiscord, env: Record<string, string> = {}): Promise<RunningWeaver> {
  const loaded = loadConfig({
    DATABASE_PATH: tempDatabasePath(),
    PORT: '0',
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: ids.application,
    DISCORD_API_URL: fake.apiUrl,
    ...env,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const weaver = await startWeaver(loaded.config, { log: silentLog, clock: manualClock('2026-11-23T10:00:00Z') });
  weavers.push(weaver);
  return weaver;
}

/** Sends the interaction through the gateway and settles with Discord's record of its callback. */
async function interact(fake: FakeDiscord, interaction: { id: string; token: string; channel_id?: string }) {
  const from = fake.calls.length;
  fake.interact(interaction);
  const callback = await fake.waitForCall((call) => call.path === `/interactions/${interaction.id}/${interaction.token}/callback`, from);
  return { status: callback.status, content: String(callback.body?.data?.content ?? '') };
}

/** For each session: its shard, the servers it was sent GUILD_CREATE for, and the interactions it carried. */
function sessions(fake: FakeDiscord) {
  return fake.gateway.shardSessions
    .map((session) => ({
      shard: session.shard,
      guilds: session.dispatched.filter((d) => d.t === 'GUILD_CREATE').map((d) => d.guildId),
      interactions: session.dispatched.filter((d) => d.t === 'INTERACTION_CREATE').map((d) => d.guildId),
    }))
    .sort((a, b) => a.shard[0] - b.shard[0]);
}

const slugs = async (weaver: RunningWeaver) => (await listCommunities(weaver.services.db)).map((community) => community.slug);
const commandPuts = (fake: FakeDiscord) => fake.calls.filter((call) => call.method === 'PUT' && call.path.endsWith('/commands'));

describe('Discord shards, end to end with discord.js', () => {
  it('places the two test servers on different shards of two, as Discord computes it', () => {
    expect(shardOfGuild(ids.guild, 2)).toBe(1);
    expect(shardOfGuild(second.guild, 2)).toBe(0);
  });

  it('runs as many shards as GET /gateway/bot recommends by default, and answers a command arriving on either', async () => {
    const fake = await fakeDiscord(2);
    await startProcess(fake);
    expect(fake.gateway.received.filter((payload) => payload.op === 2).map((payload) => (payload.d as { shard: number[] }).shard)).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );

    const onShard1 = await interact(fake, createCommand('outreach', false));
    const onShard0 = await interact(fake, createCommand('makers', true));
    expect([onShard1.status, onShard0.status]).toEqual([204, 204]);
    expect(onShard1.content).toContain('Created **outreach**');
    expect(onShard0.content).toContain('Created **makers**');
    expect(sessions(fake)).toEqual([
      { shard: [0, 2], guilds: [second.guild], interactions: [second.guild] },
      { shard: [1, 2], guilds: [ids.guild], interactions: [ids.guild] },
    ]);
  });

  it('splits the servers across two processes: each gets only its shard’s servers and commands, and only the process on shard 0 registers /cop', async () => {
    const fake = await fakeDiscord();
    const shard1 = await startProcess(fake, { DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '1' });
    expect(commandPuts(fake)).toEqual([]);
    const shard0 = await startProcess(fake, { DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '0' });
    expect(commandPuts(fake).map((call) => call.path)).toEqual([`/applications/${ids.application}/commands`]);

    // An interaction through shard 1 reaches the process running shard 1, which answers it.
    const answered = await interact(fake, createCommand('outreach', false));
    expect(answered).toMatchObject({ status: 204, content: expect.stringContaining('Created **outreach**') });
    expect(await interact(fake, createCommand('makers', true))).toMatchObject({ status: 204, content: expect.stringContaining('Created **makers**') });
    expect(await slugs(shard1)).toEqual(['outreach']);
    expect(await slugs(shard0)).toEqual(['makers']);
    expect(sessions(fake)).toEqual([
      { shard: [0, 2], guilds: [second.guild], interactions: [second.guild] },
      { shard: [1, 2], guilds: [ids.guild], interactions: [ids.guild] },
    ]);
  });

  it('resumes one shard that dropped while the other keeps answering, replaying the command sent meanwhile', async () => {
    const fake = await fakeDiscord();
    await startProcess(fake, { DISCORD_SHARDS: '2' });
    const resumed = fake.gateway.waitFor('resumed', 1);
    fake.gateway.closeConnection(4000, 1);
    const waiting = interact(fake, createCommand('outreach', false));
    expect(await interact(fake, createCommand('makers', true))).toMatchObject({ status: 204, content: expect.stringContaining('Created **makers**') });
    await resumed;
    expect(await waiting).toMatchObject({ status: 204, content: expect.stringContaining('Created **outreach**') });
    expect(fake.gateway.resumes).toBe(1);
  });

  it('stops with one clear sentence when Discord requires more shards than DISCORD_SHARDS', async () => {
    const fake = await fakeDiscord();
    fake.gateway.minimumShards = 2;
    await expect(startProcess(fake, { DISCORD_SHARDS: '1' })).rejects.toThrow(
      'Discord requires more shards for this bot’s servers: set DISCORD_SHARDS to auto, or to a larger number in every process.',
    );
  });
});
