import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../fakes/discord-api.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { bits, ids, memberPermissions, people } from '../fakes/discord-world.js';
import { syncEventMirrors } from '../../src/events/event-mirrors.js';

// Each Weaver event appears in the server's Events tab as an external scheduled event, through a real discord.js
// client on the fake Discord; cancelling cancels it, edits follow, and "Interested" counts as a maybe.

const scheduledEventCalls = (fake: DiscordSession['fake'], method: string) =>
  fake.calls.filter((call: RecordedCall) => call.method === method && call.path.startsWith(`/guilds/${ids.guild}/scheduled-events`));

async function withOutreach(discord: DiscordSession) {
  await discord.cop(people.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach' });
  return discord.cop(people.owner, ['link'], { community: 'outreach' });
}

async function rsvpsOf(discord: DiscordSession, eventId: number) {
  return discord.weaver.services.db
    .selectFrom('rsvp')
    .innerJoin('member', 'member.id', 'rsvp.member_id')
    .select(['member.user_id', 'rsvp.answer'])
    .where('rsvp.event_id', '=', eventId)
    .execute();
}

describe('events in the Discord Events tab, with Create Events granted', () => {
  let discord: DiscordSession;
  beforeAll(async () => {
    discord = await startWeaverOnFakeDiscord({}, { botPermissions: memberPermissions | bits.createEvents });
    await withOutreach(discord);
  });
  afterAll(async () => discord?.stop());

  /** A coordinator creates an event; settles with its id, the scheduled event the fake holds, and the POST that made it. */
  async function createEvent(title: string, date = '2026-12-03', time = '2pm') {
    const { data } = await discord.cop(people.owner, ['event', 'create'], { community: 'outreach', title, date, time });
    await discord.settle();
    const eventId = Number(/Created event #(\d+)/.exec(data.content)?.[1]);
    const call = scheduledEventCalls(discord.fake, 'POST').find((c) => c.body?.name === title)!;
    const scheduled = [...discord.fake.scheduledEvents.values()].find((e) => e.name === title)!;
    return { data, eventId, call, scheduled };
  }

  it('creates an external scheduled event with the event’s name, times and post link', async () => {
    const { data, eventId, call } = await createEvent('Taster day debrief');
    expect(data.content).toContain(`Created event #${eventId}: **Taster day debrief** on <t:${Date.parse('2026-12-03T14:00:00Z') / 1000}:F>`);
    const post = discord.fake.channels.get(ids.homeChannel)!.messages.find((m) => JSON.stringify(m).includes('Taster day debrief'))!;
    expect(call.body).toEqual({
      name: 'Taster day debrief',
      description: expect.stringContaining(`Weaver event #${eventId}`),
      privacy_level: 2,
      entity_type: 3,
      entity_metadata: { location: `https://discord.com/channels/${ids.guild}/${ids.homeChannel}/${post.id}` },
      scheduled_start_time: '2026-12-03T14:00:00.000Z',
      scheduled_end_time: '2026-12-03T15:00:00.000Z',
    });
    expect(call.status).toBe(200);
  });

  it('an Interested click is a maybe RSVP, and taking it back removes it', async () => {
    const { eventId, scheduled } = await createEvent('Show and tell');
    discord.fake.markInterested(scheduled.id, people.ann.id);
    await discord.settle();
    expect(await rsvpsOf(discord, eventId)).toEqual([{ user_id: people.ann.id, answer: 'maybe' }]);
    const post = discord.fake.channels.get(ids.homeChannel)!.messages.find((m) => JSON.stringify(m).includes('Show and tell'))!;
    expect(JSON.stringify(post)).toContain('Maybe (1)');

    discord.fake.markInterested(scheduled.id, people.ann.id, false);
    await discord.settle();
    expect(await rsvpsOf(discord, eventId)).toEqual([]);
  });

  it('taking interest back never removes an answer given to Weaver itself', async () => {
    const { eventId, scheduled } = await createEvent('Reading group');
    await discord.cop(people.bob, ['event', 'rsvp'], { event: eventId, answer: 'yes' });
    discord.fake.markInterested(scheduled.id, people.bob.id);
    discord.fake.markInterested(scheduled.id, people.bob.id, false);
    await discord.settle();
    expect(await rsvpsOf(discord, eventId)).toEqual([{ user_id: people.bob.id, answer: 'yes' }]);
  });

  it('an edit of the event follows to the Events tab', async () => {
    const { eventId, scheduled } = await createEvent('Taster day');
    const { db } = discord.weaver.services;
    const moved = await db
      .updateTable('event')
      .set({
        title: 'Taster day retrospective',
        starts_at: Date.parse('2026-12-04T10:00:00Z'),
        ends_at: Date.parse('2026-12-04T11:30:00Z'),
        location: 'Room 4',
      })
      .where('id', '=', eventId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const community = await db.selectFrom('community').selectAll().where('slug', '=', 'outreach').executeTakeFirstOrThrow();
    await syncEventMirrors(discord.weaver.services, moved, community);
    const edit = scheduledEventCalls(discord.fake, 'PATCH').find((c) => c.path.endsWith(`/${scheduled.id}`))!;
    expect(edit.body).toMatchObject({
      name: 'Taster day retrospective',
      entity_metadata: { location: 'Room 4' },
      scheduled_start_time: '2026-12-04T10:00:00.000Z',
      scheduled_end_time: '2026-12-04T11:30:00.000Z',
    });
    expect(scheduled.name).toBe('Taster day retrospective');
  });

  it('cancelling the event cancels it in the Events tab (status 4), where Interested then changes nothing', async () => {
    const { eventId, scheduled } = await createEvent('Planning');
    const { data } = await discord.cop(people.owner, ['event', 'cancel'], { event: eventId });
    expect(data.content).toContain(`Cancelled event #${eventId}`);
    await discord.settle();
    const cancel = scheduledEventCalls(discord.fake, 'PATCH').find((c) => c.path.endsWith(`/${scheduled.id}`))!;
    expect(cancel.body).toEqual({ status: 4 });
    expect(scheduled.status).toBe(4);
    discord.fake.markInterested(scheduled.id, people.carol.id);
    await discord.settle();
    expect(await rsvpsOf(discord, eventId)).toEqual([]);
  });
});

describe('events without the Create Events permission', () => {
  let discord: DiscordSession;
  beforeAll(async () => {
    discord = await startWeaverOnFakeDiscord();
  });
  afterAll(async () => discord?.stop());

  it('link says what is missing, and events are still posted as before', async () => {
    const { data } = await withOutreach(discord);
    expect(data.content).toContain('is now the home channel');
    expect(data.content).toContain('lacks the Create Events permission');
    const created = await discord.cop(people.owner, ['event', 'create'], {
      community: 'outreach',
      title: 'Lunch and learn',
      date: '2026-12-10',
      time: '12:30',
    });
    expect(created.data.content).toContain('Created event #1');
    await discord.settle();
    expect(scheduledEventCalls(discord.fake, 'POST').map((call) => call.status)).toEqual([403]);
    expect(discord.fake.channels.get(ids.homeChannel)!.messages.some((m) => JSON.stringify(m).includes('Lunch and learn'))).toBe(true);
    expect(await discord.weaver.services.db.selectFrom('event_mirror').selectAll().execute()).toEqual([]);
  });
});
