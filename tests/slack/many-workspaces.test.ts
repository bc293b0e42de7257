import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';
import { answer } from '../../src/kernel/reply.js';
import { deliverDue, enqueue, findOutboxRow } from '../../src/delivery/outbox.js';
import { textOf } from './slack-world.js';
import { people, rooms, startWorkspacesWorld, teams, type InstallVisit, type WorkspacesWorld } from './workspaces-world.js';

// One community of practice across two universities' Slack workspaces: each installs Weaver through Slack's OAuth
// flow (the real Bolt InstallProvider against the fake's authorize page and oauth.v2.access), links its own channel,
// and every post goes out with the token of the workspace it is for.

const clock = manualClock('2026-12-02T09:00:00Z');
let world: WorkspacesWorld;
let installs: InstallVisit[];
beforeAll(async () => {
  world = await startWorkspacesWorld({ clock });
  installs = [await world.install(teams.north.id), await world.install(teams.south.id)];
  // Nadia is an admin of North; Sara owns South: each an admin in their own workspace.
  await world.ask(people.nadia, 'create swcop "South West CoP"', rooms.northCop);
  await world.run(people.nadia, 'link swcop', rooms.northCop);
  await world.run(people.sara, 'link swcop', rooms.southCop);
});
afterAll(async () => world?.close());

const db = () => world.weaver.services.db;

describe('Slack in many workspaces', () => {
  test('two workspaces install Weaver through the OAuth flow', async () => {
    const [north, south] = installs as [InstallVisit, InstallVisit];
    expect(north.status).toBe(200);
    expect(north.html).toContain('Weaver is installed in University North');
    expect(north.redirect.origin + north.redirect.pathname).toBe('https://weaver.example.org/slack/oauth_redirect');
    expect(south.status).toBe(200);
    expect(south.html).toContain('Weaver is installed in University South');

    // The authorize page was asked for the manifest's scopes, for this app, with the redirect URL of PUBLIC_URL.
    const asked = world.fake.authorizeRequests[0]!;
    expect(asked).toMatchObject({ client_id: '1111.2222', redirect_uri: 'https://weaver.example.org/slack/oauth_redirect' });
    expect(asked.scope!.split(',')).toEqual(expect.arrayContaining(['commands', 'chat:write', 'channels:history', 'reactions:read']));

    // Kept in Weaver's database, one row per team, the tokens sealed with WEAVER_SECRET_KEY.
    const rows = await db().selectFrom('slack_installation').selectAll().orderBy('install_key').execute();
    expect(rows.map((row) => [row.install_key, row.team_url, row.bot_user_id])).toEqual([
      ['T:T0NORTH', teams.north.url, teams.north.botUserId],
      ['T:T0SOUTH', teams.south.url, teams.south.botUserId],
    ]);
    for (const row of rows) {
      expect(row.installation).toMatch(/^enc:v1:/);
      expect(row.installation).not.toContain('xoxb-');
    }
  });

  test('each workspace’s admins are its own: admins and owners of that workspace, asked with its token', async () => {
    expect(textOf(await world.ask(people.nate, 'create teaching "Teaching Excellence"', rooms.northCop))).toMatch(/admins/i);
    expect(textOf(await world.ask(people.sam, 'create teaching "Teaching Excellence"', rooms.southCop))).toMatch(/admins/i);
    expect(textOf(await world.ask(people.sara, 'create teaching "Teaching Excellence"', rooms.southCop))).toContain('Created Teaching Excellence');
    expect(world.callsFrom(teams.south.id, 'users.info').map((call) => call.params.user)).toEqual(expect.arrayContaining([people.sam.id, people.sara.id]));
    const lookups = world.fake.callsTo('users.info').map((call) => [call.params.user, world.fake.teamOfToken(call.token)]);
    expect(lookups).toEqual(
      expect.arrayContaining([
        [people.nate.id, teams.north.id],
        [people.nadia.id, teams.north.id],
      ]),
    );
  });

  test('the same community is linked in both workspaces', async () => {
    const homes = await db().selectFrom('home_channel').select(['workspace_id', 'channel_id']).orderBy('workspace_id').execute();
    expect(homes).toEqual([
      { workspace_id: teams.north.id, channel_id: rooms.northCop.id },
      { workspace_id: teams.south.id, channel_id: rooms.southCop.id },
    ]);
    const info = textOf(await world.ask(people.sam, 'info swcop', rooms.southCop));
    expect(info).toContain('Home channels: #sw-cop (slack), #practice (slack)');
  });

  test('a question asked in one workspace is found by search in the other', async () => {
    expect(textOf(await world.ask(people.nate, 'ask swcop How do you run a taster day for new lecturers?', rooms.northCop))).toMatch(/posted|question/i);
    const question = await world.fake.waitForAnswered('chat.postMessage', (call) => textOf(call).includes('taster day'));
    expect(world.fake.teamOfToken(question.token)).toBe(teams.north.id);
    expect(question.params.channel).toBe(rooms.northCop.id);
    const questionTs = String(question.answer.ts);
    const replyTs = '1795400100.000200';
    await world.event(teams.north.id, {
      type: 'message',
      channel: rooms.northCop.id,
      channel_type: 'channel',
      user: people.nadia.id,
      team: teams.north.id,
      text: 'Half a day, three short sessions, and a coffee with a mentor afterwards.',
      ts: replyTs,
      event_ts: replyTs,
      thread_ts: questionTs,
    });
    await world.event(teams.north.id, {
      type: 'reaction_added',
      user: people.nate.id,
      reaction: 'white_check_mark',
      item_user: people.nadia.id,
      item: { type: 'message', channel: rooms.northCop.id, ts: replyTs },
      event_ts: '1795400200.000300',
    });
    const found = textOf(await world.ask(people.sam, 'search taster day', rooms.southCop));
    expect(found).toContain('coffee with a mentor');
    expect(found).toContain(`${teams.north.url}archives/${rooms.northCop.id}/p${questionTs.replace('.', '')}`);
  });

  test('a prompt and an event are posted in both workspaces, each with its own token', async () => {
    await world.run(people.nadia, 'prompt now swcop', rooms.northCop);
    const prompts = world.fake.callsTo('chat.postMessage').filter((call) => /What is a method|prompt/i.test(textOf(call)) && !call.params.thread_ts);
    const byChannel = new Map(prompts.map((call) => [String(call.params.channel), world.fake.teamOfToken(call.token)]));
    expect(byChannel.get(rooms.northCop.id)).toBe(teams.north.id);
    expect(byChannel.get(rooms.southCop.id)).toBe(teams.south.id);

    await world.run(people.nadia, 'event create swcop "Taster day" 2026-12-10 14:00', rooms.northCop);
    const eventPosts = world.fake.callsTo('chat.postMessage').filter((call) => textOf(call).includes('Taster day') && !textOf(call).includes('taster day for'));
    const eventChannels = new Map(eventPosts.map((call) => [String(call.params.channel), world.fake.teamOfToken(call.token)]));
    expect(eventChannels.get(rooms.northCop.id)).toBe(teams.north.id);
    expect(eventChannels.get(rooms.southCop.id)).toBe(teams.south.id);
  });

  test('direct messages (reminders, introductions) go with the token of the person’s own workspace', async () => {
    const { services } = world.weaver;
    for (const person of [people.nate, people.sam]) {
      const user = { platform: 'slack' as const, workspaceId: person.team, userId: person.id };
      await enqueue(
        services.db,
        { key: `test:dm:${person.id}`, target: { user }, reply: answer('Taster day starts in an hour'), notBefore: clock.now() },
        clock.now(),
      );
    }
    await deliverDue(services, { owner: 'test-scheduler' });
    const dms = world.fake.callsTo('chat.postMessage').filter((call) => textOf(call).includes('Taster day starts in an hour'));
    expect(dms.map((call) => [call.params.channel, world.fake.teamOfToken(call.token)])).toEqual([
      [people.nate.id, teams.north.id],
      [people.sam.id, teams.south.id],
    ]);
  });

  test('the outbox’s posts are tried once per attempt: a workspace’s client does not retry them by itself', async () => {
    const { services } = world.weaver;
    const user = { platform: 'slack' as const, workspaceId: people.sam.team, userId: people.sam.id };
    const key = 'test:dm:no-client-retry';
    await enqueue(services.db, { key, target: { user }, reply: answer('The practice circle moves to Thursday'), notBefore: clock.now() }, clock.now());
    // A 500 may hide a post that went out: the outbox retries it later, after looking for it, never the client at once.
    world.fake.fail('chat.postMessage', { status: 500 });
    await deliverDue(services, { owner: 'test-scheduler' });
    expect(world.fake.callsTo('chat.postMessage').filter((call) => textOf(call).includes('moves to Thursday'))).toHaveLength(1);
    expect(await findOutboxRow(services.db, key)).toMatchObject({ status: 'pending', attempts: 1, send_started_at: clock.now() });
    await services.db.deleteFrom('outbox').where('key', '=', key).execute();
  });

  test('an export is uploaded with the token of the workspace it was asked in', async () => {
    const before = world.fake.callsTo('files.getUploadURLExternal').length;
    await world.run(people.sara, 'export swcop', rooms.southCop);
    const uploads = world.fake.callsTo('files.getUploadURLExternal').slice(before);
    expect(uploads.length).toBeGreaterThan(0);
    expect(uploads.map((call) => world.fake.teamOfToken(call.token))).toEqual(uploads.map(() => teams.south.id));
  });

  test('a workspace that never installed Weaver is not served', async () => {
    const responseId = await world.run(people.wren, 'help', rooms.westCop);
    expect(world.fake.responsesTo(responseId)).toEqual([]);
    expect(await db().selectFrom('member').select('user_id').where('user_id', '=', people.wren.id).execute()).toEqual([]);
  });
});
