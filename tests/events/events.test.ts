import { afterEach, describe, expect, it } from 'vitest';
import { createRhythmWorld } from '../support/fixtures.js';

type World = Awaited<ReturnType<typeof createRhythmWorld>>;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function worldWithEvent() {
  const w = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
  const created = await w.run('ann', 'event create outreach "Taster day debrief" 2026-12-03 14:00 duration:90 where:https://meet.example/abc');
  return { w, created };
}

describe('event create, list, RSVP', () => {
  it('creates an event, names its id, and posts it in the home channel with RSVP buttons', async () => {
    const { w, created } = await worldWithEvent();
    world = w;
    expect(created.refusal).toBeUndefined();
    expect(created.text).toContain('Created event #1: Taster day debrief on Thu 3 Dec 2026, 14:00 GMT (90 minutes), reminders 1 day and 1 hour before.');
    expect(created.text).toContain('posted in #outreach-home');
    const post = w.fake.posts[0]!;
    expect(post.channelId).toBe('outreach-home');
    expect(post.reply.visibility).toBe('channel');
    expect(post.text).toContain('Where: https://meet.example/abc');
    expect(post.text).toContain('https://weaver.example/events/1.ics');
    expect(post.reply.buttons.map((b) => [b.label, b.command])).toEqual([
      ['Yes (0)', 'rsvp 1 yes'],
      ['Maybe (0)', 'rsvp 1 maybe'],
      ['No (0)', 'rsvp 1 no'],
    ]);
    expect(post.reply.body).toContainEqual({ kind: 'bold', text: 'Taster day debrief' });
    expect(post.reply.sections[0]!.body).toContainEqual({ kind: 'time', at: Date.parse('2026-12-03T14:00:00Z'), zone: 'Europe/London' });
  });

  it('lists upcoming events soonest first, with ids, and shows the next in info', async () => {
    const { w } = await worldWithEvent();
    world = w;
    await w.run('ann', 'event create outreach Lunch 2026-11-30 12:30 timezone:America/New_York reminders:none');
    const list = await w.run('bob', 'events');
    expect(list.text.indexOf('#2 Lunch (outreach)')).toBeLessThan(list.text.indexOf('#1 Taster day debrief (outreach)'));
    expect(list.text).toContain('Mon 30 Nov 2026, 12:30 EST');
    expect((await w.run('bob', 'events community:outreach')).text).toContain('2 upcoming events');
    expect((await w.run('bob', 'info outreach')).text).toContain('Next event: #2 Lunch, Mon 30 Nov 2026, 12:30 EST');
    w.clock.set('2026-12-04T00:00:00Z');
    expect((await w.run('bob', 'events')).text).toContain('No upcoming events');
  });

  it('records RSVPs by command and by button, and updates the counts on the post', async () => {
    const { w } = await worldWithEvent();
    world = w;
    expect((await w.run('bob', 'rsvp 1')).text).toContain('You said yes to #1, Taster day debrief');
    expect((await w.run('cat', 'rsvp #1 answer:maybe')).text).toContain('You said maybe');
    // A button is a command line, run as the one who clicks it.
    const button = w.fake.posts[0]!.reply.buttons[2]!;
    expect((await w.run('dan', button.command)).text).toContain('You said no');
    await w.run('bob', 'rsvp 1 maybe');
    const last = w.fake.updates.at(-1)!;
    expect(last.messageId).toBe(w.fake.posts[0]!.messageId);
    expect(last.reply.buttons.map((b) => b.label)).toEqual(['Yes (0)', 'Maybe (2)', 'No (1)']);
    expect(await w.db.selectFrom('rsvp').select(['member_id', 'answer']).orderBy('member_id').execute()).toHaveLength(3);
  });

  it('refuses bad input with one sentence and the usage', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    const missing = await world.run('bob', 'rsvp 99');
    expect(missing.text).toContain('There is no event #99; /cop events lists them.');
    const badDate = await world.run('ann', 'event create outreach Taster day 2026-13-03 14:00');
    expect(badDate.refusal).toBe('BadInput');
    expect(badDate.text).toContain('“2026-13-03” is not a date');
    const past = await world.run('ann', 'event create outreach Debrief 2026-11-01 14:00');
    expect(past.text).toContain('has already passed');
    const leads = await world.run('ann', 'event create outreach Debrief 2026-12-01 14:00 reminders:2w');
    expect(leads.text).toContain('“2w” is not a lead time');
    expect((await world.run('bob', 'event create outreach Debrief 2026-12-01 14:00')).refusal).toBe('NotAllowed');
  });

  it('still creates the event without a home channel, and says how to link one', async () => {
    world = await createRhythmWorld();
    await world.run('admin', 'create design Design');
    const created = await world.run('admin', 'event create design Crit 2026-12-01 10:00');
    expect(created.text).toContain('Created event #1');
    expect(created.text).toContain('link one with /cop link design so events are posted');
  });
});

describe('reminders', () => {
  it('posts a reminder at each lead time in the channel, and by DM to those who said yes or maybe', async () => {
    const { w } = await worldWithEvent();
    world = w;
    await w.run('bob', 'rsvp 1 yes');
    await w.run('cat', 'rsvp 1 maybe');
    await w.run('dan', 'rsvp 1 no');
    await w.tickAt('2026-12-02T13:59:00Z');
    expect(w.fake.posts).toHaveLength(1);
    await w.tickAt('2026-12-02T14:00:00Z');
    expect(w.fake.posts.at(-1)!.text).toContain('Taster day debrief (STEM Outreach) starts in 1 day.');
    expect(w.fake.dms.map((dm) => dm.userId).sort()).toEqual(['bob', 'cat']);
    expect(w.fake.dms[0]!.text).toContain('/cop me reminders off');
    await w.tickAt('2026-12-03T13:00:00Z');
    expect(w.fake.posts.at(-1)!.text).toContain('starts in 1 hour.');
    expect(w.fake.dms).toHaveLength(4);
    await w.tickAt('2026-12-03T14:00:00Z');
    expect(w.fake.posts).toHaveLength(3);
  });

  it('sends no DMs to members who turned reminders off, but still reminds the channel', async () => {
    const { w } = await worldWithEvent();
    world = w;
    await w.run('bob', 'rsvp 1');
    await w.run('cat', 'rsvp 1');
    expect((await w.run('cat', 'reminders off')).text).toContain('Reminders in home channels still appear');
    await w.tickAt('2026-12-02T14:00:00Z');
    expect(w.fake.dms.map((dm) => dm.userId)).toEqual(['bob']);
    expect(w.fake.posts.at(-1)!.text).toContain('starts in 1 day');
    await w.run('cat', 'me reminders on');
    await w.tickAt('2026-12-03T13:00:00Z');
    expect(w.fake.dms.map((dm) => dm.userId).sort()).toEqual(['bob', 'bob', 'cat']);
  });
});

describe('event cancel', () => {
  it('tells the home channel and those who said yes or maybe, updates the post, and stops reminders', async () => {
    const { w } = await worldWithEvent();
    world = w;
    await w.run('bob', 'rsvp 1 yes');
    await w.run('cat', 'rsvp 1 maybe');
    await w.run('dan', 'rsvp 1 no');
    expect((await w.run('bob', 'event cancel 1')).text).toContain('Only coordinators of outreach and admins can use /cop event cancel.');
    const cancelled = await w.run('ann', 'event cancel #1');
    expect(cancelled.text).toContain(
      'Cancelled event #1, Taster day debrief. 2 people who said yes or maybe were told by direct message; the notice was posted in #outreach-home.',
    );
    expect(w.fake.posts.at(-1)!.text).toContain('is cancelled');
    expect(w.fake.dms.map((dm) => dm.userId).sort()).toEqual(['bob', 'cat']);
    expect(w.fake.updates.at(-1)!.text).toContain('Cancelled: Taster day debrief');
    expect(w.fake.updates.at(-1)!.reply.buttons).toEqual([]);
    expect((await w.run('bob', 'rsvp 1')).refusal).toBe('EventCancelled');
    expect((await w.run('ann', 'event cancel 1')).refusal).toBe('AlreadyCancelled');
    const before = w.fake.posts.length;
    await w.tickAt('2026-12-02T14:00:00Z');
    expect(w.fake.posts).toHaveLength(before);
    expect((await w.run('bob', 'events')).text).toContain('No upcoming events');
  });
});
