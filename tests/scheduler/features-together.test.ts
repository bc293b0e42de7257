import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { handleInbound, type InboundMessage } from '../../src/kernel/inbound.js';
import { inboundListeners } from '../../src/app/registry.js';
import { createRhythmWorld } from '../support/fixtures.js';

type World = Awaited<ReturnType<typeof createRhythmWorld>>;
let world: World;
afterEach(() => world.close());

const home = { platform: 'console', workspaceId: 'local', channelId: 'outreach-home' } as const;
let sequence = 0;

/** A member's message in the home channel, as an adapter reports it. */
async function say(userId: string, text: string, threadId?: string): Promise<string> {
  const messageId = `msg-${++sequence}`;
  const message: InboundMessage = { channel: home, messageId, threadId, author: { ...home, userId }, authorName: userId, text, at: world.clock.now() };
  await handleInbound(world.services, inboundListeners, { kind: 'message', message });
  return messageId;
}

describe('the weekly digest, through the scheduler', () => {
  it('is posted on Monday at 09:00 in the home channel of a community with a rhythm, with upcoming events', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T08:30:00Z' });
    await world.run('ann', 'event create outreach Taster day debrief 2026-11-26 14:00');
    await world.run('bob', 'share outreach Pairing pupils with students worked well.');
    const digests = () => world.fake.posts.filter((p) => p.text.includes('STEM Outreach: the last 7 days'));
    await world.tickAt('2026-11-23T08:45:00Z');
    await world.run('ann', 'rhythm outreach weekly mon 09:00');
    await world.tickAt('2026-11-23T08:59:00Z');
    expect(digests()).toHaveLength(0);
    await world.tickAt('2026-11-23T09:02:00Z');
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.channelId).toBe('outreach-home');
    expect(digests()[0]!.text).toContain('Pairing pupils with students worked well.');
    expect(digests()[0]!.text).toMatch(/Upcoming events \(1\)\n• #1 Taster day debrief, Thu 26 Nov 2026, 14:00 GMT: 0 going, 0 maybe/);

    await world.tickAt('2026-11-27T10:00:00Z');
    await world.run('carol', 'share outreach A kit list for school visits.');
    await world.tickAt('2026-11-30T08:59:00Z');
    expect(digests()).toHaveLength(1);
    await world.tickAt('2026-11-30T09:00:30Z');
    expect(digests()).toHaveLength(2);
    expect(digests()[1]!.text).toContain('A kit list for school visits.');
    expect(digests()[1]!.text).not.toContain('Pairing pupils');
  });

  it('waits for the next Monday when Weaver was down past the grace', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T08:30:00Z' });
    await world.run('ann', 'rhythm outreach weekly mon 09:00');
    await world.run('bob', 'share outreach Something worth knowing.');
    await world.tickAt('2026-11-23T12:00:00Z');
    expect(world.fake.posts.filter((p) => p.text.includes('the last 7 days'))).toHaveLength(0);
  });

  it('is not posted when coordinators turned it off', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T08:30:00Z' });
    await world.run('ann', 'rhythm outreach weekly mon 09:00');
    await world.run('bob', 'share outreach Something worth knowing.');
    await world.run('ann', 'digest outreach weekly:off');
    await world.tickAt('2026-11-23T09:01:00Z');
    expect(world.fake.posts.filter((p) => p.text.includes('the last 7 days'))).toHaveLength(0);
    await world.run('ann', 'digest outreach weekly:on');
    world.clock.set('2026-11-25T10:00:00Z');
    await world.run('bob', 'share outreach Another thing worth knowing.');
    await world.tickAt('2026-11-30T09:02:00Z');
    expect(world.fake.posts.filter((p) => p.text.includes('the last 7 days'))).toHaveLength(1);
  });
});

describe('the reminder to mark an answer, through the scheduler', () => {
  it('goes to the asker once, a day after the first reply', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    const question = await say('carol', 'Has anyone run a taster day for parents?');
    await say('dan', 'Yes, we did one in the spring.', question);
    await world.tickAt('2026-11-24T09:59:00Z');
    expect(world.fake.dms.filter((dm) => dm.userId === 'carol')).toHaveLength(0);
    await world.tickAt('2026-11-24T10:00:30Z');
    await world.tickAt('2026-11-24T10:05:00Z');
    const reminders = world.fake.dms.filter((dm) => dm.userId === 'carol');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain('taster day for parents');
  });
});

describe('stats', () => {
  it('count prompt replies and RSVPs', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('ann', 'prompt now outreach');
    await world.tickAt('2026-11-23T10:00:01Z');
    const prompt = world.fake.posts.find((p) => p.text.includes('Share a practice'))!;
    await say('bob', 'We tried peer review of lesson plans.', prompt.messageId);
    await say('carol', 'A kit list for school visits.', prompt.messageId);
    await world.run('ann', 'event create outreach Lunch and learn 2026-12-01 12:00');
    await world.run('bob', 'rsvp 1');
    await world.run('carol', 'rsvp 1 maybe');
    await world.run('dan', 'rsvp 1 no');
    const text = (await world.run('ann', 'stats outreach')).text;
    expect(text).toContain('Prompt response rate: 100% (1 of 1 prompts answered in the last 4 weeks, 2 replies)');
    expect(text).toContain('RSVPs: 1 yes, 1 maybe, 1 no, over 1 event (last 4 weeks and upcoming)');
  });
});

describe('rhythms and the outbox over time', () => {
  it('prompt no community that is dormant or closed', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('ann', 'rhythm outreach weekly mon 09:00');
    await world.run('ann', 'set outreach status dormant');
    await world.tickAt('2026-11-30T09:00:00Z');
    expect(world.fake.posts.filter((p) => p.text.includes('Share a practice'))).toEqual([]);
    await world.run('ann', 'set outreach status launched');
    await world.tickAt('2026-12-07T09:00:00Z');
    expect(world.fake.posts.filter((p) => p.text.includes('Share a practice'))).toHaveLength(1);
  });

  it('keep prompt and event posts, and let other sent posts go after a month', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('ann', 'prompt now outreach');
    await world.run('ann', 'event create outreach Lunch and learn 2026-11-24 12:00 reminders:1h');
    await world.run('bob', 'rsvp 1');
    await world.tickAt('2026-11-24T11:00:30Z');
    const kinds = async () => (await world.db.selectFrom('outbox').select('key').execute()).map((row) => row.key.split(':')[0]).sort();
    expect(await kinds()).toEqual(['event', 'prompt', 'reminder', 'reminder-dm']);
    await world.tickAt('2026-12-25T12:00:00Z');
    expect(await kinds()).toEqual(['event', 'prompt']);
  });
});

describe('forget-me', () => {
  it('also removes RSVPs and direct messages to the member', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('ann', 'event create outreach Lunch and learn 2026-11-24 12:00 reminders:1h');
    await world.run('bob', 'rsvp 1');
    await world.tickAt('2026-11-24T11:00:30Z');
    expect(world.fake.dms.map((dm) => dm.userId)).toContain('bob');
    const member = await world.db.selectFrom('member').select('id').where('user_id', '=', 'bob').executeTakeFirstOrThrow();
    await world.run('bob', 'me forget confirm:yes');
    expect(await world.db.selectFrom('rsvp').selectAll().where('member_id', '=', member.id).execute()).toEqual([]);
    expect(await world.db.selectFrom('outbox').selectAll().where('user_id', '=', 'bob').execute()).toEqual([]);
    expect(await world.db.selectFrom('member').selectAll().where('user_id', '=', 'bob').execute()).toEqual([]);
    // Every table that names a member, found from the schema, so that a new one cannot slip past forget-me.
    for (const table of await world.db.introspection.getTables()) {
      const columns = table.columns.map((column) => column.name);
      for (const column of columns.filter((name) => name === 'member_id' || name.endsWith('_member_id'))) {
        const left = await sql<{ n: number }>`select count(*) as n from ${sql.table(table.name)} where ${sql.ref(column)} = ${member.id}`.execute(world.db);
        expect(left.rows[0]!.n, `${table.name}.${column}`).toBe(0);
      }
    }
  });
});
