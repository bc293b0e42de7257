import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';
import { textOf } from './slack-world.js';
import { people, rooms, startWorkspacesWorld, teams, type WorkspacesWorld } from './workspaces-world.js';

// Slack Connect: North hosts #sw-connect and shares it with South. It is the community's home channel (linked from
// North). South's people act through South's installation or appear in events North receives, and are known by their
// own team (`team_id` of their commands, `user_team`/`team` of events): they join, ask and are harvested.

const clock = manualClock('2026-12-02T09:00:00Z');
let world: WorkspacesWorld;
beforeAll(async () => {
  world = await startWorkspacesWorld({ clock });
  await world.install(teams.north.id);
  await world.install(teams.south.id);
  await world.ask(people.nadia, 'create swcop "South West CoP"', rooms.northCop);
  await world.run(people.nadia, 'link swcop', rooms.shared);
});
afterAll(async () => world?.close());

const db = () => world.weaver.services.db;

async function memberOf(userId: string) {
  return db().selectFrom('member').select(['platform', 'workspace_id', 'user_id']).where('user_id', '=', userId).executeTakeFirst();
}

describe('a home channel shared between two organisations', () => {
  test('someone from the other organisation joins, known by their own team', async () => {
    expect(textOf(await world.ask(people.sam, 'join swcop', rooms.shared))).toContain('South West CoP');
    expect(await memberOf(people.sam.id)).toEqual({ platform: 'slack', workspace_id: teams.south.id, user_id: people.sam.id });
    expect(textOf(await world.ask(people.nadia, 'members swcop', rooms.shared))).toContain('sam');
  });

  test('they ask in the shared channel; a reply from the host organisation is marked by them and harvested', async () => {
    expect(textOf(await world.ask(people.sam, 'ask swcop Who has a good rubric for peer review of teaching?', rooms.shared))).not.toMatch(/no home channel/);
    const question = await world.fake.waitForAnswered('chat.postMessage', (call) => textOf(call).includes('rubric for peer review'));
    // The channel is North's; North's token posts in it.
    expect(question.params.channel).toBe(rooms.shared.id);
    expect(world.fake.teamOfToken(question.token)).toBe(teams.north.id);
    const questionTs = String(question.answer.ts);

    // Nadia answers; the event comes through North's installation.
    await world.event(teams.north.id, {
      type: 'message',
      channel: rooms.shared.id,
      channel_type: 'channel',
      user: people.nadia.id,
      team: teams.north.id,
      user_team: teams.north.id,
      source_team: teams.north.id,
      text: 'We use a three-part rubric: planning, delivery, reflection.',
      ts: '1795400100.000200',
      event_ts: '1795400100.000200',
      thread_ts: questionTs,
    });
    // Sam adds a reply: in North's events, he is of South.
    await world.event(teams.north.id, {
      type: 'message',
      channel: rooms.shared.id,
      channel_type: 'channel',
      user: people.sam.id,
      team: teams.south.id,
      user_team: teams.south.id,
      source_team: teams.south.id,
      text: 'Thank you, trying it next term.',
      ts: '1795400150.000250',
      event_ts: '1795400150.000250',
      thread_ts: questionTs,
    });
    // Sam's ✅ reaches Weaver through South's installation: the same channel, named as North knows it.
    await world.event(teams.south.id, {
      type: 'reaction_added',
      user: people.sam.id,
      reaction: 'white_check_mark',
      item_user: people.nadia.id,
      item: { type: 'message', channel: rooms.shared.id, ts: '1795400100.000200' },
      event_ts: '1795400200.000300',
    });

    const thread = await db().selectFrom('harvest_thread').selectAll().executeTakeFirstOrThrow();
    expect(thread).toMatchObject({ workspace_id: teams.north.id, channel_id: rooms.shared.id });
    const asker = await db().selectFrom('member').select(['workspace_id', 'user_id']).where('id', '=', thread.asker_member_id).executeTakeFirstOrThrow();
    expect(asker).toEqual({ workspace_id: teams.south.id, user_id: people.sam.id });
    const messages = await db().selectFrom('harvest_message').selectAll().orderBy('posted_at').execute();
    expect(messages.map((message) => message.text)).toEqual(
      expect.arrayContaining(['We use a three-part rubric: planning, delivery, reflection.', 'Thank you, trying it next term.']),
    );
    const found = textOf(await world.ask(people.nate, 'search rubric', rooms.northCop));
    expect(found).toContain('three-part rubric');
    expect(await memberOf(people.nadia.id)).toMatchObject({ workspace_id: teams.north.id });
  });
});
