import { afterEach, describe, expect, it } from 'vitest';
import { rateLimited } from '../support/recording-port.js';
import { createRhythmWorld } from '../support/fixtures.js';

type World = Awaited<ReturnType<typeof createRhythmWorld>>;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const hour = 60 * 60_000;
const monday = Date.parse('2026-11-30T09:00:00Z');

async function rhythmWorld(graceMinutes?: number) {
  const w = await createRhythmWorld({ now: '2026-11-23T10:00:00Z', graceMinutes });
  await w.run('ann', 'rhythm outreach weekly mon 09:00');
  return w;
}

async function nextRunAt(w: World) {
  return (await w.db.selectFrom('rhythm').select('next_run_at').executeTakeFirstOrThrow()).next_run_at;
}

describe('after downtime', () => {
  it('posts an occurrence missed by less than the grace once, late', async () => {
    world = await rhythmWorld();
    await world.tickAt(monday + 59 * 60_000);
    expect(world.fake.posts).toHaveLength(1);
    await world.tickAt(monday + hour);
    expect(world.fake.posts).toHaveLength(1);
    expect(await nextRunAt(world)).toBe(monday + 7 * 24 * hour);
  });

  it('skips an occurrence missed by more than the grace, and goes on with the next', async () => {
    world = await rhythmWorld();
    await world.tickAt(monday + hour + 1);
    expect(world.fake.posts).toHaveLength(0);
    expect(await nextRunAt(world)).toBe(monday + 7 * 24 * hour);
    await world.tickAt(monday + 7 * 24 * hour);
    expect(world.fake.posts).toHaveLength(1);
  });

  it('after a long outage posts only the latest occurrence within the grace, never a backlog', async () => {
    world = await rhythmWorld(120);
    await world.tickAt(monday + 14 * 24 * hour + 90 * 60_000);
    expect(world.fake.posts).toHaveLength(1);
    const post = await world.db.selectFrom('prompt_post').select('occurrence_at').executeTakeFirstOrThrow();
    expect(post.occurrence_at).toBe(monday + 14 * 24 * hour);
    expect(await nextRunAt(world)).toBe(monday + 21 * 24 * hour);
  });

  it('skips reminders for an event that has started, and reminders later than the grace', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('ann', 'event create outreach Debrief 2026-12-03 14:00');
    await world.run('bob', 'rsvp 1');
    const posts = world.fake.posts.length;
    await world.tickAt('2026-12-03T13:30:00Z');
    // The 1-day reminder was due yesterday: skipped; the 1-hour one is 30 minutes late: posted.
    expect(world.fake.posts.slice(posts).map((p) => p.text.split('\n')[0])).toEqual(['⏰ Debrief (STEM Outreach) starts in 1 hour.']);
    expect(world.fake.dms).toHaveLength(1);
    const outcomes = await world.db.selectFrom('event_reminder').select(['lead_minutes', 'outcome']).orderBy('lead_minutes').execute();
    expect(outcomes).toEqual([
      { lead_minutes: 60, outcome: 'posted' },
      { lead_minutes: 1440, outcome: 'skipped: later than the downtime grace' },
    ]);
  });

  it('posts no reminder once the event has begun', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z', graceMinutes: 24 * 60 * 3 });
    await world.run('ann', 'event create outreach Debrief 2026-12-03 14:00');
    const posts = world.fake.posts.length;
    await world.tickAt('2026-12-03T14:05:00Z');
    expect(world.fake.posts).toHaveLength(posts);
    const outcomes = await world.db.selectFrom('event_reminder').select('outcome').execute();
    expect(outcomes.map((o) => o.outcome)).toEqual(['skipped: the event had started', 'skipped: the event had started']);
  });

  it('drops a queued prompt or reminder that could not go out in time, saying why', async () => {
    world = await rhythmWorld();
    await world.run('ann', 'event create outreach Debrief 2026-11-30 14:00 reminders:1h');
    world.fake.script('#outreach-home', rateLimited(3 * hour), rateLimited(2 * hour));
    await world.tickAt(monday);
    await world.tickAt(monday + 3 * hour);
    await world.tickAt(monday + 4 * hour);
    await world.tickAt(monday + 6 * hour);
    const rows = await world.db
      .selectFrom('outbox')
      .select(['key', 'status', 'last_error'])
      .where('key', 'not like', 'event:%')
      .where('key', 'not like', 'digest:%')
      .orderBy('id')
      .execute();
    expect(rows.map((row) => [row.key.split(':')[0], row.status, row.last_error?.split(':')[0]])).toEqual([
      ['prompt', 'failed', 'expired unsent'],
      ['reminder', 'failed', 'expired unsent'],
    ]);
    expect(world.fake.posts.filter((post) => !post.text.includes('📅') && !post.text.includes('the last 7 days'))).toEqual([]);
  });
});
