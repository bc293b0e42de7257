import { manualClock } from '../../src/kernel/clock.js';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver, type RunningWeaver } from '../../src/app/start.js';
import { emptyDatabase, silentLog, tempDatabasePath } from '../support/harness.js';
import { FakeDiscord, type RecordedCall } from './discord-api.js';
import { autocomplete, memberMessage, slashCommand, type OptionValue } from './discord-payloads.js';
import { ids, people, type Person } from './discord-world.js';

export type DiscordSession = Awaited<ReturnType<typeof startWeaverOnFakeDiscord>>;

/** Weaver started as `npm start` starts it (startWeaver), on a fresh database, connected to a fresh fake Discord. */
export async function startWeaverOnFakeDiscord(env: Record<string, string> = {}) {
  const fake = await FakeDiscord.start();
  const loaded = loadConfig({
    DATABASE_PATH: tempDatabasePath(),
    PORT: '0',
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: ids.application,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: ids.guild,
    ...env,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const clock = manualClock('2026-11-23T10:00:00Z');
  let weaver: RunningWeaver;
  try {
    weaver = await startWeaver(loaded.config, { log: silentLog, clock });
  } catch (error) {
    await fake.close();
    throw error;
  }

  /** Sends an interaction and settles with Discord's record of its callback, once it has arrived. */
  async function interact(interaction: { id: string; token: string }): Promise<RecordedCall> {
    const from = fake.calls.length;
    fake.interact(interaction);
    return fake.waitForCall((call) => call.path === `/interactions/${interaction.id}/${interaction.token}/callback`, from);
  }

  /** Types `/cop <path>` with options as `person`; settles with the callback (the answer, or the deferral). */
  async function cop(
    person: Person,
    path: readonly string[],
    options: Record<string, OptionValue> = {},
    where: { channelId?: string; channelName?: string } = {},
  ) {
    const interaction = slashCommand(person, path, options, where);
    const callback = await interact(interaction);
    return { interaction, callback, data: callback.body?.data as { content: string; flags?: number; embeds?: any[]; components?: any[] } };
  }

  /**
   * Settles once every gateway event dispatched so far has been handled in full. The gateway delivers in order, so an
   * autocomplete sent after them is answered only once the client has taken them all in; then nothing is left running.
   */
  async function settle(): Promise<void> {
    await interact(autocomplete(people.owner, ['info'], { community: '' }, 'community'));
    await weaver.waitUntilIdle();
  }

  /** A member posts `content` in a channel or thread: the fake keeps it (REST can read it back) and the gateway sends MESSAGE_CREATE. */
  async function say(person: Person, content: string, channelId: string = ids.homeChannel, extra: Record<string, unknown> = {}) {
    const message = memberMessage(person, content, channelId, extra);
    fake.channels.get(channelId)?.messages.push(message);
    fake.gateway.dispatch('MESSAGE_CREATE', message);
    await settle();
    return message;
  }

  /** A member opens a thread on a message of the home channel, as Discord's "Create Thread" does: the thread takes the message's id. */
  async function startThread(on: { id: string; content: string }, by: Person): Promise<void> {
    const thread = {
      id: on.id,
      type: 11,
      guild_id: ids.guild,
      parent_id: ids.homeChannel,
      name: on.content.slice(0, 80),
      owner_id: by.id,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
      member_count: 1,
      message_count: 0,
    };
    fake.channels.set(thread.id, { ...thread, messages: [] });
    fake.gateway.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    await settle();
  }

  return {
    fake,
    weaver,
    clock,
    interact,
    cop,
    settle,
    say,
    startThread,
    /** Starts a test from nothing on the running bot: no rows in the database, no calls recorded by the fake. */
    async reset() {
      await settle();
      await emptyDatabase(weaver.services.db);
      fake.calls.splice(0);
      for (const channel of fake.channels.values()) channel.messages.splice(0);
    },
    async stop() {
      await weaver.stop();
      await fake.close();
    },
  };
}
