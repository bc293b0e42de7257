// The soak's world: communities set up through Weaver's own commands (as coordinators and members would), each with a
// home channel on Slack and one on Discord, a weekly prompt, an event with its two reminders (1d and 1h before) and
// RSVPs, a peer-exchange rhythm with people opted in, and something to digest. Then a week of its schedule is
// compressed into the run: each due time of the week, v ms after Monday 00:00, is due `start + v / week * window` of
// real time, written into the rows the scheduler reads (rhythm, event_reminder, pair_rhythm, community.digest_due_at).
// Events themselves start after the run, so that their reminders are still due when they are posted.
import SQLite from 'better-sqlite3';
import type { ChannelRef, UserRef } from '../../../src/kernel/identity.js';
import type { PlatformPort } from '../../../src/kernel/ports.js';
import { ids } from '../../fakes/discord-world.js';
import { fakeTeam } from '../../fakes/slack-api.js';
import { createTestWorld } from '../../support/harness.js';

export const slackAdmin = 'U0ADMIN';
export const discordPeople = [ids.ann, ids.bob, ids.carol, ids.dave];

export type SeededCommunity = Readonly<{
  id: number;
  slug: string;
  slackChannel: string;
  discordChannel: string;
  slackPeople: readonly string[];
  rhythmId: number;
  eventId: number;
  /** The event's reminders, by lead in minutes, and who said yes (their reminders come by direct message). */
  leads: readonly number[];
  attendees: readonly UserRef[];
  due: Readonly<{ prompt: number; digest: number; pairing: number; reminders: readonly number[] }>;
}>;

export type Seeded = Readonly<{ communities: readonly SeededCommunity[]; start: number; lastDueAt: number }>;

const week = 7 * 86_400_000;
const day = 86_400_000;

export const slackChannelOf = (i: number) => `C0SK${String(i).padStart(3, '0')}`;
export const discordChannelOf = (i: number) => `11900000000000${String(i).padStart(5, '0')}`;
export const slackPeopleOf = (i: number) => ['A', 'B', 'C', 'D'].map((letter) => `U${String(i).padStart(3, '0')}${letter}`);

/** Ports that accept everything during seeding: nothing set up here reaches the fakes. */
function acceptingPort(platform: 'slack' | 'discord'): PlatformPort {
  let n = 0;
  const posted = async () => ({ messageId: `seed-${platform}-${++n}` });
  return {
    platform,
    postMessage: posted,
    updateMessage: async () => undefined,
    sendDirectMessage: posted,
    prepareHomeChannel: async () => ({ ok: true }),
  };
}

/** Sets the world up; its week starts `leadMs` after the set-up is done, and lasts `windowMs` of real time. */
export async function seedSoak(path: string, options: { communities: number; leadMs: number; windowMs: number; random: () => number }): Promise<Seeded> {
  const world = await createTestWorld({
    databasePath: path,
    now: new Date().toISOString(),
    ports: [acceptingPort('slack'), acceptingPort('discord')],
    admins: [
      { platform: 'slack', userId: slackAdmin },
      { platform: 'discord', userId: ids.owner },
    ],
    settings: { defaultTimezone: 'UTC' },
  });
  // Due times are kept as instants of the week until the set-up is done, then placed in real time.
  const at = (virtual: number) => virtual;
  const communities: SeededCommunity[] = [];
  // Any date within the two years ahead that events may be planned; its reminders are moved into the run below.
  const eventDate = new Date(Date.now() + 200 * day).toISOString().slice(0, 10);
  try {
    for (let i = 1; i <= options.communities; i++) {
      world.clock.set(Date.now());
      const slug = `soak-${i}`;
      const slackChannel: ChannelRef & { name: string } = { platform: 'slack', workspaceId: fakeTeam.id, channelId: slackChannelOf(i), name: slug };
      const discordChannel: ChannelRef & { name: string } = { platform: 'discord', workspaceId: ids.guild, channelId: discordChannelOf(i), name: slug };
      const slackUser = (userId: string): UserRef => ({ platform: 'slack', workspaceId: fakeTeam.id, userId });
      const discordUser = (userId: string): UserRef => ({ platform: 'discord', workspaceId: ids.guild, userId });
      const admin = slackUser(slackAdmin);
      const must = async (user: UserRef, line: string, channel: ChannelRef = slackChannel) => {
        const answer = await world.runAs(user, line, channel);
        if (answer.internalError || /Usage:|^(Only|No |Unknown|I can)/.test(answer.text)) throw new Error(`seeding: ${line}: ${answer.text}`);
        return answer.text;
      };
      await must(admin, `create ${slug} "Soak community ${i}" domain:"Keeping promises under faults"`);
      await must(admin, `set ${slug} status launched`);
      await must(admin, `link ${slug}`);
      await must(discordUser(ids.owner), `link ${slug}`, discordChannel);
      await must(admin, `rhythm ${slug} "weekly mon 09:00" timezone:UTC`);
      const slackPeople = slackPeopleOf(i);
      const people = [...slackPeople.map(slackUser), ...discordPeople.map(discordUser)];
      for (const person of people) {
        await must(person, `join ${slug}`, person.platform === 'slack' ? slackChannel : discordChannel);
        await must(person, `pair join ${slug}`, person.platform === 'slack' ? slackChannel : discordChannel);
      }
      await must(people[0]!, `share ${slug} Practice ${i}: run the retro before the demo, not after`);
      await must(admin, `pair rhythm ${slug} "weekly tue 10:00" size:2`);
      const created = await must(admin, `event create ${slug} "Soak event ${i}" ${eventDate} 15:00 timezone:UTC`);
      const eventId = Number(/#(\d+)/.exec(created)?.[1]);
      if (!Number.isInteger(eventId)) throw new Error(`seeding: no event id in ${created}`);
      const attendees = [people[0]!, people[1]!, people[4]!, people[5]!];
      for (const person of attendees) await must(person, `rsvp ${eventId} yes`, person.platform === 'slack' ? slackChannel : discordChannel);

      // The week: the prompt on Monday 09:00, the digest Monday 09:00 too, pairing on Tuesday 10:00, the event on a
      // random day from Tuesday on at 15:00, its reminders a day and an hour before.
      const eventAt = (1 + Math.floor(options.random() * 6)) * day + 15 * 3_600_000;
      const jitter = () => Math.round(options.random() * 3_600_000);
      const due = {
        prompt: at(9 * 3_600_000 + jitter()),
        digest: at(9 * 3_600_000 + jitter()),
        pairing: at(day + 10 * 3_600_000 + jitter()),
        reminders: [at(eventAt - day), at(eventAt - 3_600_000)],
      };
      communities.push({
        id: 0,
        slug,
        slackChannel: slackChannel.channelId,
        discordChannel: discordChannel.channelId,
        slackPeople,
        rhythmId: 0,
        eventId,
        leads: [24 * 60, 60],
        attendees,
        due,
      });
    }
  } finally {
    await world.close();
  }
  const start = Date.now() + options.leadMs;
  const real = (virtual: number) => Math.round(start + (virtual / week) * options.windowMs);
  const placed = communities.map((c) => ({
    ...c,
    due: { prompt: real(c.due.prompt), digest: real(c.due.digest), pairing: real(c.due.pairing), reminders: c.due.reminders.map(real) },
  }));
  return { communities: scheduleWeek(path, placed, start + options.windowMs), start, lastDueAt: Math.max(...placed.flatMap(allDue)) };
}

const allDue = (c: SeededCommunity) => [c.due.prompt, c.due.digest, c.due.pairing, ...c.due.reminders];

/** Writes the compressed week's due times, and clears what seeding itself left in the outbox (edits of event posts). */
function scheduleWeek(path: string, communities: SeededCommunity[], runEnd: number): SeededCommunity[] {
  const sqlite = new SQLite(path);
  try {
    return sqlite.transaction(() =>
      communities.map((c) => {
        const { id } = sqlite.prepare('select id from community where slug = ?').get(c.slug) as { id: number };
        const { id: rhythmId } = sqlite.prepare('select id from rhythm where community_id = ?').get(id) as { id: number };
        sqlite.prepare('update rhythm set next_run_at = ? where id = ?').run(c.due.prompt, rhythmId);
        sqlite.prepare('update pair_rhythm set next_run_at = ? where community_id = ?').run(c.due.pairing, id);
        sqlite.prepare('update community set digest_due_at = ?, digest_on = 1 where id = ?').run(c.due.digest, id);
        // The event starts an hour after the run: its reminders are still worth posting whenever they come.
        sqlite.prepare('update event set starts_at = ?, ends_at = ? where id = ?').run(runEnd + 3_600_000, runEnd + 7_200_000, c.eventId);
        for (const [i, lead] of c.leads.entries()) {
          sqlite.prepare('update event_reminder set due_at = ? where event_id = ? and lead_minutes = ?').run(c.due.reminders[i], c.eventId, lead);
        }
        return { ...c, id, rhythmId };
      }),
    )();
  } finally {
    sqlite.prepare("delete from outbox where status = 'pending'").run();
    sqlite.close();
  }
}
