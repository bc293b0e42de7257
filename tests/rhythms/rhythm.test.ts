import { afterEach, describe, expect, it } from 'vitest';
import { defaultPrompts } from '../../src/rhythms/prompts.js';
import { formatSchedule } from '../../src/rhythms/schedule.js';
import { createRhythmWorld } from '../support/fixtures.js';

type World = Awaited<ReturnType<typeof createRhythmWorld>>;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Ticks a minute before and at each expected instant: the prompt comes exactly then, once. */
async function expectPromptsAt(w: World, instants: readonly string[]) {
  for (const instant of instants) {
    const before = w.fake.posts.length;
    await w.tickAt(Date.parse(instant) - 60_000);
    expect(w.fake.posts.length, `nothing before ${instant}`).toBe(before);
    const report = await w.tickAt(instant);
    expect(report.leader).toBe(true);
    expect(w.fake.posts.length, `a prompt at ${instant}`).toBe(before + 1);
    expect(w.fake.posts.at(-1)!.text).toContain('Share a practice · STEM Outreach');
  }
}

describe('rhythms through the scheduler', () => {
  it('keeps a weekly 09:00 prompt at 09:00 local across the spring change in Europe/London', async () => {
    world = await createRhythmWorld({ now: '2027-03-15T10:00:00Z' });
    const set = await world.run('ann', 'rhythm outreach weekly mon 09:00');
    expect(set.refusal).toBeUndefined();
    expect(set.text).toContain('weekly on Monday at 09:00 Europe/London; next Mon 22 Mar 2027, 09:00 GMT');
    await expectPromptsAt(world, ['2027-03-22T09:00:00Z', '2027-03-29T08:00:00Z', '2027-04-05T08:00:00Z']);
  });

  it('keeps a weekly 09:00 prompt at 09:00 local across both changes in America/New_York', async () => {
    world = await createRhythmWorld({ now: '2027-03-01T00:00:00Z' });
    await world.run('ann', 'rhythm outreach weekly sun 09:00 timezone:America/New_York');
    await expectPromptsAt(world, ['2027-03-07T14:00:00Z', '2027-03-14T13:00:00Z', '2027-03-21T13:00:00Z']);
    await world.run('ann', 'rhythm outreach weekly sun 09:00 timezone:America/New_York');
    world.clock.set('2027-10-25T00:00:00Z');
    await world.run('ann', 'rhythm outreach weekly sun 09:00 timezone:America/New_York');
    await expectPromptsAt(world, ['2027-10-31T13:00:00Z', '2027-11-07T14:00:00Z']);
  });

  it.each([
    ['fortnightly mon 09:00', '2027-03-10T00:00:00Z', ['2027-03-15T09:00:00Z', '2027-03-29T08:00:00Z', '2027-04-12T08:00:00Z']],
    ['monthly last fri 17:30', '2027-02-01T00:00:00Z', ['2027-02-26T17:30:00Z', '2027-03-26T17:30:00Z', '2027-04-30T16:30:00Z']],
    ['monthly 2nd sun 10:00 timezone:America/New_York', '2027-02-01T00:00:00Z', ['2027-02-14T15:00:00Z', '2027-03-14T14:00:00Z']],
    ['cron "0 9 * * 1" timezone:America/New_York', '2027-03-01T00:00:00Z', ['2027-03-08T14:00:00Z', '2027-03-15T13:00:00Z']],
    ['cron "0 9 * * 1"', '2027-03-21T00:00:00Z', ['2027-03-22T09:00:00Z', '2027-03-29T08:00:00Z']],
  ])('fires %s at the right instants across the change', async (schedule, from, instants) => {
    world = await createRhythmWorld({ now: from });
    expect((await world.run('ann', `rhythm outreach ${schedule}`)).refusal).toBeUndefined();
    await expectPromptsAt(world, instants);
  });

  it('says when the next prompt is due and stops with off', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('ann', 'rhythm outreach weekly mon 09:00');
    const report = await world.tickAt('2026-11-23T10:00:01Z');
    expect(report.nextDueAt).toBe(Date.parse('2026-11-30T09:00:00Z'));
    const info = await world.run('bob', 'info outreach');
    expect(info.text).toContain('Rhythm: weekly on Monday at 09:00 Europe/London; next Mon 30 Nov 2026, 09:00 GMT');
    expect((await world.run('ann', 'rhythm outreach off')).text).toContain('no more scheduled prompts');
    await world.tickAt('2026-11-30T09:00:00Z');
    expect(world.fake.posts).toHaveLength(0);
    expect((await world.run('bob', 'info outreach')).text).toContain('Rhythm: none yet');
  });

  it('refuses a schedule it cannot read, and anyone but a coordinator', async () => {
    world = await createRhythmWorld();
    const bad = await world.run('ann', 'rhythm outreach weekly someday 09:00');
    expect(bad.refusal).toBe('BadInput');
    expect(bad.text).toContain('is not a day of the week');
    expect(bad.text).toContain('Usage: /cop rhythm');
    const zone = await world.run('ann', 'rhythm outreach weekly mon 09:00 timezone:Mars/Olympus');
    expect(zone.text).toContain('is not an IANA time zone');
    expect((await world.run('bob', 'rhythm outreach weekly mon 09:00')).refusal).toBe('NotAllowed');
  });
});

describe('the prompt bank', () => {
  it('rotates without repeats until the bank is used up, then starts again', async () => {
    world = await createRhythmWorld();
    await world.run('ann', 'prompt add outreach Which question from a pupil surprised you most?');
    const size = defaultPrompts.length + 1;
    const seen: string[] = [];
    for (let i = 0; i < size; i++) {
      world.clock.advance(1000);
      const now = await world.run('ann', 'prompt now outreach');
      expect(now.text).toContain('posted in #outreach-home');
      seen.push(
        world.fake.posts
          .at(-1)!
          .reply.body.map((span) => (typeof span === 'string' ? span : ''))
          .join(''),
      );
    }
    expect(new Set(seen).size).toBe(size);
    expect(seen[0]).toContain('Which question from a pupil surprised you most?');
    world.clock.advance(1000);
    await world.run('ann', 'prompt now outreach');
    expect(world.fake.posts.at(-1)!.text).toContain('Which question from a pupil surprised you most?');
  });

  it('prompts every community due in the same minute with its own next prompt, one of them starting a new round', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('admin', 'create design Design');
    await world.run('admin', 'coordinator design ann');
    await world.run('ann', 'link design', 'design-home');
    await world.run('ann', 'prompt now outreach');
    for (let i = 0; i < defaultPrompts.length; i++) {
      world.clock.advance(1000);
      await world.run('ann', 'prompt now design');
    }
    for (const slug of ['outreach', 'design']) await world.run('ann', `rhythm ${slug} weekly mon 09:00`);
    const promptsAt = async (instant: string) => {
      const before = world!.fake.posts.length;
      await world!.tickAt(instant);
      return Object.fromEntries(world!.fake.posts.slice(before).map((post) => [post.channelId, defaultPrompts.findIndex((p) => post.text.includes(p.text))]));
    };
    expect(await promptsAt('2026-11-30T09:00:00Z')).toEqual({ 'outreach-home': 1, 'design-home': 0 });
    expect(await promptsAt('2026-12-07T09:00:00Z')).toEqual({ 'outreach-home': 2, 'design-home': 1 });
  });

  it('pauses a rhythm whose schedule no longer works out, and still prompts the others due with it', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('admin', 'create design Design');
    await world.run('admin', 'coordinator design ann');
    await world.run('ann', 'link design', 'design-home');
    for (const slug of ['outreach', 'design']) await world.run('ann', `rhythm ${slug} weekly mon 09:00`);
    // A hand-edited row: a cron rule in a zone that does not exist.
    const broken = await world.db.selectFrom('rhythm').select('id').where('community_id', '=', 1).executeTakeFirstOrThrow();
    await world.db
      .updateTable('rhythm')
      .set({ schedule: formatSchedule({ kind: 'cron', expression: '0 9 * * 1' }), timezone: 'Not/AZone' })
      .where('id', '=', broken.id)
      .execute();
    await world.tickAt('2026-11-30T09:00:00Z');
    expect(world.fake.posts.map((post) => post.channelId)).toEqual(['design-home']);
    const paused = await world.db.selectFrom('rhythm').select('next_run_at').where('id', '=', broken.id).executeTakeFirstOrThrow();
    expect(paused.next_run_at).toBeNull();
  });

  it('lists the bank with the next prompt marked', async () => {
    world = await createRhythmWorld();
    await world.run('ann', 'prompt now outreach');
    const list = await world.run('ann', 'prompt list outreach');
    expect(list.text).toContain(`${defaultPrompts.length} prompts`);
    expect(list.text).toContain(`✓ 1. ${defaultPrompts[0]!.text}`);
    expect(list.text).toContain(`▶ 2. ${defaultPrompts[1]!.text}`);
    expect(list.text).toContain('No rhythm yet');
    expect(defaultPrompts.length).toBeGreaterThanOrEqual(12);
  });

  it('posts nothing without a home channel, says how to link one, and keeps the prompt its turn', async () => {
    world = await createRhythmWorld();
    await world.run('admin', 'create design Design');
    const now = await world.run('admin', 'prompt now design');
    expect(now.refusal).toBeUndefined();
    expect(now.text).toContain('link one with /cop link design so prompts are posted');
    expect((await world.run('admin', 'prompt list design')).text).toContain(`▶ 1. ${defaultPrompts[0]!.text}`);
  });

  it('posts the prompt in every home channel', async () => {
    world = await createRhythmWorld();
    await world.db
      .insertInto('home_channel')
      .values({ community_id: 1, platform: 'console', workspace_id: 'other', channel_id: 'outreach-2', channel_name: null, linked_at: 0 })
      .execute();
    await world.run('ann', 'prompt now outreach');
    expect(world.fake.posts.map((post) => post.channelId).sort()).toEqual(['outreach-2', 'outreach-home']);
  });
});
