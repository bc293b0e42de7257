import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver } from '../../src/app/start.js';
import { FakeDiscord } from '../fakes/discord-api.js';
import { startWeaverOnFakeDiscord } from '../fakes/discord-session.js';
import { ids } from '../fakes/discord-world.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';

const commandPuts = (fake: FakeDiscord) => fake.calls.filter((c) => c.method === 'PUT' && c.path.endsWith('/commands'));

describe('starting on Discord', () => {
  it('registers the commands on the first start, and not again while the definition is unchanged', async () => {
    const databasePath = tempDatabasePath();
    const first = await startWeaverOnFakeDiscord({ DATABASE_PATH: databasePath });
    expect(commandPuts(first.fake).map((c) => c.path)).toEqual([`/applications/${ids.application}/guilds/${ids.guild}/commands`]);
    await first.stop();

    const second = await startWeaverOnFakeDiscord({ DATABASE_PATH: databasePath });
    expect(commandPuts(second.fake)).toEqual([]);
    await second.stop();
  });

  it('registers globally when no development server is set', async () => {
    const session = await startWeaverOnFakeDiscord({ DISCORD_GUILD_ID: '' });
    expect(commandPuts(session.fake).map((c) => c.path)).toEqual([`/applications/${ids.application}/commands`]);
    await session.stop();
  });

  it('asks the gateway for exactly the intents it needs: Guilds, GuildMessages, GuildMessageReactions, MessageContent, GuildScheduledEvents', async () => {
    const session = await startWeaverOnFakeDiscord();
    const identify = session.fake.gateway.received.find((payload) => payload.op === 2)!;
    expect((identify.d as { intents: number }).intents).toBe((1 << 0) | (1 << 9) | (1 << 10) | (1 << 15) | (1 << 16));
    await session.stop();
  });

  it('stops with one clear sentence when the Message Content intent is not enabled for the bot', async () => {
    const fake = await FakeDiscord.start({ allowedPrivilegedIntents: 0 });
    const loaded = loadConfig({
      DATABASE_PATH: tempDatabasePath(),
      PORT: '0',
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: ids.application,
      DISCORD_API_URL: fake.apiUrl,
    });
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    await expect(startWeaver(loaded.config, { log: silentLog })).rejects.toThrow(
      'Discord refused the Message Content intent: turn it on in the Developer Portal (Bot, Privileged Gateway Intents).',
    );
    await fake.close();
  });

  it('stops with one clear sentence when Discord refuses the token', async () => {
    const fake = await FakeDiscord.start();
    const loaded = loadConfig({
      DATABASE_PATH: tempDatabasePath(),
      PORT: '0',
      DISCORD_TOKEN: 'not-the-token',
      DISCORD_APPLICATION_ID: ids.application,
      DISCORD_API_URL: fake.apiUrl,
    });
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    await expect(startWeaver(loaded.config, { log: silentLog })).rejects.toThrow(
      'Discord refused DISCORD_TOKEN: copy the bot token again from the Developer Portal (Bot, Reset Token).',
    );
    await fake.close();
  });

  it('says so when Discord cannot be reached', async () => {
    const fake = await FakeDiscord.start();
    const apiUrl = fake.apiUrl;
    await fake.close();
    const loaded = loadConfig({
      DATABASE_PATH: tempDatabasePath(),
      PORT: '0',
      DISCORD_TOKEN: 'fake-bot-token',
      DISCORD_APPLICATION_ID: ids.application,
      DISCORD_API_URL: apiUrl,
    });
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    await expect(startWeaver(loaded.config, { log: silentLog })).rejects.toThrow(/^Weaver cannot reach Discord at DISCORD_API_URL/);
  });
});

describe('npm run register', () => {
  it('registers the commands even when the stored hash says nothing changed', async () => {
    const databasePath = tempDatabasePath();
    const session = await startWeaverOnFakeDiscord({ DATABASE_PATH: databasePath });
    await session.weaver.stop();
    const env = {
      ...process.env,
      DATABASE_PATH: databasePath,
      DISCORD_TOKEN: session.fake.token,
      DISCORD_APPLICATION_ID: ids.application,
      DISCORD_API_URL: session.fake.apiUrl,
      DISCORD_GUILD_ID: ids.guild,
    };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/app/register-discord-cli.ts'], { env });
    expect(stdout).toBe(`Registered 2 commands in server ${ids.guild} (shown at once).\n`);
    expect(commandPuts(session.fake)).toHaveLength(2);
    await session.fake.close();
  });
});
